import Foundation

/// Why a call to the API failed. Every string this error carries or prints has the API key
/// redacted (``redactKey(in:key:)``): the key sits in the URL path (`…/user.json/KEY/…`) and
/// URLs end up in error messages.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server answered with a failure status; `apiMessage` is the v1 body's `error` text.
    case http(status: Int, apiMessage: String?, url: String)
    /// No HTTP answer: refused, reset, DNS, closed before a full response, …
    case network(String)
    /// No complete answer within the time limit.
    case timeout(url: String, seconds: TimeInterval)
    /// A 2xx answer whose body cannot be read (truncated, not JSON, wrong shape).
    case malformedBody(String)
    /// The body passed the transport's size limit (`limit` bytes); reading stopped there.
    case tooLarge(url: String, limit: Int)
    /// The TLS handshake with `host` failed: its certificate is not trusted, expired, not for
    /// that host, or the two sides share no protocol. Never retried, never skipped.
    case tls(host: String, problem: String)
    /// The request was not sent, for the reason given: it would have carried a credential in
    /// cleartext through a proxy, a header that could smuggle in another, or there is no HTTP
    /// client to send it (libcurl missing). Never retried: trying again cannot change it.
    case refused(String)

    /// A failure status, with the URL and message redacted on the way in: even `dump(error)`
    /// cannot show the key.
    public static func httpFailure(status: Int, apiMessage: String?, url: String) -> TransportError {
        .http(status: status, apiMessage: apiMessage.map { redactKey(in: $0) }, url: redactKey(in: url))
    }

    public var description: String {
        switch self {
        case let .http(status, message, url):
            let reason = message.map { "\($0)" } ?? HTTPStatus.reason(status)
            return "HTTP \(status) from \(Self.redactKey(in: url)): \(Self.redactKey(in: reason))"
        case let .network(text):
            return "network error: \(Self.redactKey(in: text))"
        case let .timeout(url, seconds):
            return "timed out after \(Self.formatSeconds(seconds)) s: \(Self.redactKey(in: url))"
        case let .malformedBody(text):
            return "malformed response: \(Self.redactKey(in: text))"
        case let .tooLarge(url, limit):
            return "response body larger than \(Self.formatBytes(limit)): \(Self.redactKey(in: url))"
        case let .tls(host, problem):
            return "TLS error with \(host): \(Self.redactKey(in: problem))"
        case let .refused(reason):
            return Self.redactKey(in: reason)
        }
    }

    /// The same error with `key` (the configured API key) also removed wherever it appears
    /// literally, not only in URL paths: use it before logging anything built outside this type.
    public func redactingKey(_ key: String?) -> TransportError {
        func r(_ s: String) -> String { Self.redactKey(in: s, key: key) }
        switch self {
        case let .http(status, message, url): return .http(status: status, apiMessage: message.map(r), url: r(url))
        case let .network(text): return .network(r(text))
        case let .timeout(url, seconds): return .timeout(url: r(url), seconds: seconds)
        case let .malformedBody(text): return .malformedBody(r(text))
        case let .tooLarge(url, limit): return .tooLarge(url: r(url), limit: limit)
        case let .tls(host, problem): return .tls(host: host, problem: r(problem))
        case let .refused(reason): return .refused(r(reason))
        }
    }

    /// Whether the retry wrapper may try again after this error.
    public var isTransient: Bool {
        switch self {
        case .network, .timeout: return true
        case .http(let status, _, _): return status == 503 || status == 429
        case .malformedBody, .tooLarge, .tls, .refused: return false
        }
    }

    /// `text` with the path segment after every `<method>.json/` replaced by `<key>`, and, when
    /// `key` is given and non-empty, every occurrence of it too (as ``Redactor`` finds it).
    public static func redactKey(in text: String, key: String? = nil) -> String {
        var out = text
        if let key, !key.isEmpty {
            // Whole tokens only for a short key (a key "M" must not turn "MiB" into "<key>iB");
            // earlier redactions are left alone, so redacting twice changes nothing.
            out = Redactor(apiKey: key).replacingSecrets(in: out)
        }
        guard out.contains(".json/") else { return out }
        var result = ""
        result.reserveCapacity(out.utf8.count)
        var rest = Substring(out)
        while let marker = rest.range(of: ".json/") {
            result += rest[..<marker.upperBound]
            rest = rest[marker.upperBound...]
            let end = rest.firstIndex { c in
                c == "/" || c == "?" || c == "#" || c == "\"" || c == "'" || c == "<" || c == ">"
                    || c.isWhitespace || c == ")" || c == ","
            } ?? rest.endIndex
            if end != rest.startIndex, rest[..<end] != "<key>" {
                result += "<key>"
            } else {
                result += rest[..<end]
            }
            rest = rest[end...]
        }
        result += rest
        return result
    }

    /// The `error` text of a v1 failure body, if `body` is one (`{"status":"failure","error":"…"}`).
    static func apiMessage(fromBody body: Data) -> String? {
        guard !body.isEmpty, body.count < 1 << 20,
              let value = try? JSONReader.parse(body),
              case .string(let message)? = value["error"] else { return nil }
        if let status = value["status"]?.stringValue, status != "failure" { return nil }
        return message
    }

    /// `16 MiB`, `512 KiB`, `100 bytes`.
    static func formatBytes(_ n: Int) -> String {
        if n >= 1 << 20, n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
        if n >= 1 << 10, n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
        return "\(n) bytes"
    }

    private static func formatSeconds(_ s: TimeInterval) -> String {
        s.rounded() == s ? String(Int64(s)) : String(format: "%.1f", s)
    }
}

enum HTTPStatus {
    static func reason(_ status: Int) -> String {
        switch status {
        case 400: return "bad request"
        case 401: return "unauthorized"
        case 403: return "forbidden"
        case 404: return "not found"
        case 429: return "too many requests"
        case 500: return "internal server error"
        case 502: return "bad gateway"
        case 503: return "service unavailable"
        case 504: return "gateway timeout"
        default: return "status \(status)"
        }
    }
}
