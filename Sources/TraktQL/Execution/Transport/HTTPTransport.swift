import Foundation

/// One HTTP request, as the executor builds it. A plain value: no URLSession types leak out.
public struct HTTPRequest: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    public var url: URL
    /// Header names as given; lookups through ``header(_:)`` are case-insensitive.
    public var headers: [String: String]
    public var body: Data?
    /// The whole exchange (connect, send, receive) must finish within this many seconds;
    /// `nil` means the transport's default.
    public var timeout: TimeInterval?
    /// When the statement that sends it must be over: a wrapper that would wait past it (a
    /// retry's backoff, a rate limit's window) returns what it has instead of waiting.
    public var deadline: Date?

    public init(
        method: String = "GET",
        url: URL,
        headers: [String: String] = [:],
        body: Data? = nil,
        timeout: TimeInterval? = nil,
        deadline: Date? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.deadline = deadline
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The method and URL, with the secrets backends put in paths redacted
    /// (``Redactor/pathSecrets``): a key never shows.
    public var description: String { "\(method) \(Redactor.redactingPathKeys(in: url.absoluteString))" }
}

/// One HTTP response, whatever its status: transports return non-2xx responses rather than
/// throwing, so that wrappers (retry) can look at the status. ``HTTPResponse/validated(for:)``
/// turns a failure status into a ``TransportError/http(status:apiMessage:url:)``.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        var lowered: [String: String] = [:]
        for (k, v) in headers { lowered[k.lowercased()] = v }
        self.headers = lowered
        self.body = body
    }

    /// For transports whose parser already lower-cased the names.
    init(status: Int, lowercasedHeaders: [String: String], body: Data) {
        self.status = status
        self.headers = lowercasedHeaders
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// `Retry-After` in seconds, when given as delta-seconds (the HTTP-date form is ignored).
    public var retryAfter: TimeInterval? {
        guard let raw = header("retry-after")?.trimmingCharacters(in: .whitespaces),
              let seconds = Double(raw), seconds.isFinite, seconds >= 0 else { return nil }
        return seconds
    }

    /// The message a failure body gives, if it gives one: the `error_description`, `error` or
    /// `message` text of a JSON object (`{"status":"failure","error":"invalid API key"}`,
    /// `{"error":"invalid_grant","error_description":"…"}`), the first that is a string.
    public var failureMessage: String? {
        guard !body.isEmpty, body.count < 1 << 20, let value = try? JSONReader.parse(body), case .object = value else { return nil }
        return value["error_description"]?.stringValue ?? value["error"]?.stringValue ?? value["message"]?.stringValue
    }

    /// Returns `self` on 2xx; otherwise throws ``TransportError/http(status:apiMessage:url:)``
    /// carrying the API's own message and the (redacted) URL.
    public func validated(for request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        if isSuccess { return self }
        throw TransportError.httpFailure(status: status, apiMessage: failureMessage, url: request.url.absoluteString)
    }
}

/// Sends one request and returns the response (any status). Throws ``TransportError`` for
/// failures below HTTP (network, timeout) and `CancellationError` when the task is cancelled.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

extension HTTPTransport {
    /// Sends, then requires a 2xx status: the body of a successful response, or a thrown
    /// ``TransportError/http(status:apiMessage:url:)``.
    public func fetch(_ request: HTTPRequest) async throws -> Data {
        try await send(request).validated(for: request).body
    }
}

extension HTTPRequest: CustomReflectable {
    /// `dump(request)` and debuggers see the URL with the key redacted and no credentials.
    public var customMirror: Mirror {
        var shownHeaders: [String: String] = [:]
        for (name, value) in headers {
            shownHeaders[name] = name.caseInsensitiveCompare("Authorization") == .orderedSame
                ? "<redacted>" : Redactor.redactingPathKeys(in: value)
        }
        return Mirror(self, children: [
            "method": method,
            "url": Redactor.redactingPathKeys(in: url.absoluteString),
            "headers": shownHeaders,
            "bodyBytes": body?.count ?? 0,
            "timeout": timeout as Any,
        ])
    }
}
