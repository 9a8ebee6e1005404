import Foundation

/// Why a call failed, in the terms of HTTP (no API's words). Every string this error carries or
/// prints goes through ``Redactor/redactingPathKeys(in:key:)``: a key may sit in a URL path, and
/// URLs end up in error messages.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server answered with a failure status; `apiMessage` is the body's own message
    /// (``HTTPResponse/failureMessage``), if it has one.
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
        .http(status: status, apiMessage: apiMessage.map { Redactor.redactingPathKeys(in: $0) }, url: Redactor.redactingPathKeys(in: url))
    }

    public var description: String {
        switch self {
        case let .http(status, message, url):
            let reason = message.map { "\($0)" } ?? HTTPStatus.reason(status)
            return "HTTP \(status) from \(Redactor.redactingPathKeys(in: url)): \(Redactor.redactingPathKeys(in: reason))"
        case let .network(text):
            return "network error: \(Redactor.redactingPathKeys(in: text))"
        case let .timeout(url, seconds):
            return "timed out after \(Self.formatSeconds(seconds)) s: \(Redactor.redactingPathKeys(in: url))"
        case let .malformedBody(text):
            return "malformed response: \(Redactor.redactingPathKeys(in: text))"
        case let .tooLarge(url, limit):
            return "response body larger than \(Self.formatBytes(limit)): \(Redactor.redactingPathKeys(in: url))"
        case let .tls(host, problem):
            return "TLS error with \(host): \(Redactor.redactingPathKeys(in: problem))"
        case let .refused(reason):
            return Redactor.redactingPathKeys(in: reason)
        }
    }

    /// The same error with `key` (the configured API key) also removed wherever it appears
    /// literally, not only in URL paths: use it before logging anything built outside this type.
    public func redactingKey(_ key: String?) -> TransportError {
        func r(_ s: String) -> String { Redactor.redactingPathKeys(in: s, key: key) }
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
