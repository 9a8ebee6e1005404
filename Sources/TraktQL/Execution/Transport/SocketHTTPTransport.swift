import Foundation

/// The engine's own HTTP/1.1 client for `http://` servers (the emulator, or a mirror of the v1
/// API): plain POSIX sockets, keep-alive connections reused between calls, exact timeouts and
/// cancellation.
///
/// Why not URLSession: on Linux it comes with FoundationNetworking and libcurl, and loading
/// those costs a command-line run ~10 ms before it does anything — more than a whole query
/// against a local server. Each exchange runs on one of the ``BlockingWorkers`` threads with
/// blocking calls bounded by `poll`, so it never blocks Swift's cooperative pool.
///
/// It does not speak TLS and knows no proxies: an `https://` URL fails with a clear error. The
/// `traktql` command puts it behind a ``RoutingTransport`` that sends `https://` and proxied
/// calls to `HTTPClientTransport` (AsyncHTTPClient, target `TraktQLHTTPClient`) and keeps this
/// client for plain `http://`, where it is 60% faster on a one-query run (BENCHMARKS.md,
/// "Transport").
///
/// Timeouts: `connectTimeout` bounds the connect and any stall between bytes; the request's
/// `timeout` (or `requestTimeout`) bounds the whole exchange. Both surface as
/// ``TransportError/timeout(url:seconds:)``.
public final class SocketHTTPTransport: HTTPTransport {
    public let configuration: HTTPTransportConfiguration
    private let pool = ConnectionPool()

    public init(configuration: HTTPTransportConfiguration = HTTPTransportConfiguration()) {
        self.configuration = configuration
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let exchange = try Exchange(request: request, configuration: configuration, pool: pool)
        try Task.checkCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                // Off the cooperative pool: the exchange blocks (bounded by its deadlines).
                BlockingWorkers.shared.run { continuation.resume(with: exchange.run()) }
            }
        } onCancel: {
            exchange.cancel()
        }
    }
}

/// One request/response on one connection (with one retry on a fresh connection when a
/// pooled one turns out to have been closed by the server), run on a ``BlockingWorkers`` thread.
private final class Exchange: @unchecked Sendable {
    private let request: HTTPRequest
    private let head: [UInt8]
    private let host: String
    private let port: Int
    /// For error messages only, so built only when one is.
    private var redactedURL: String { TransportError.redactKey(in: request.url.absoluteString) }
    private let limit: TimeInterval
    private let inactivity: TimeInterval
    private let maximumBodyBytes: Int
    private let pool: ConnectionPool
    private let lock = NSLock()
    private var current: HTTPConnection?
    private var cancelled = false

    init(request: HTTPRequest, configuration: HTTPTransportConfiguration, pool: ConnectionPool) throws(TransportError) {
        let url = request.url
        self.request = request
        guard let scheme = url.scheme?.lowercased(), scheme == "http" else {
            throw .network("\(url.scheme.map { "\($0)://" } ?? "a URL without a scheme") is not supported by traktql's HTTP client (plain http:// only; it has no TLS): \(TransportError.redactKey(in: url.absoluteString))")
        }
        guard let host = url.host, !host.isEmpty else { throw .network("no host in \(TransportError.redactKey(in: url.absoluteString))") }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = url.port ?? 80
        self.pool = pool
        self.limit = request.timeout ?? configuration.requestTimeout
        self.inactivity = configuration.connectTimeout
        self.maximumBodyBytes = configuration.maximumBodyBytes
        self.head = try Self.requestHead(for: request, host: host, port: url.port, configuration: configuration)
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let connection = current
        lock.unlock()
        connection?.interrupt()
    }

    func run() -> Result<HTTPResponse, any Error> {
        let deadline = HTTPConnection.monotonicSeconds() + max(0, limit)
        do {
            // A pooled connection may have been closed by the server since its last use; if it
            // fails before any byte of an answer, an idempotent request goes again on a new one.
            if let pooled = pool.take(endpoint: "\(host):\(port)") {
                do {
                    return .success(try exchange(on: pooled, deadline: deadline))
                } catch let stale as StaleConnection where stale.retryable && isIdempotent {
                    // Go again on a new connection, below.
                }
            }
            let fresh: HTTPConnection
            do {
                fresh = try HTTPConnection.open(host: host, port: port, deadline: min(deadline, HTTPConnection.monotonicSeconds() + inactivity))
            } catch {
                throw map(error, deadline: deadline)
            }
            return .success(try exchange(on: fresh, deadline: deadline))
        } catch let stale as StaleConnection {
            return .failure(stale.error)
        } catch {
            return .failure(error)
        }
    }

    private var isIdempotent: Bool { ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"].contains(request.method) }

    /// A failure on a connection, and whether it happened before any byte of the answer.
    private struct StaleConnection: Error {
        let error: any Error
        let retryable: Bool
    }

    private func exchange(on connection: HTTPConnection, deadline: Double) throws -> HTTPResponse {
        lock.lock()
        if cancelled { lock.unlock(); connection.close(); throw CancellationError() }
        current = connection
        lock.unlock()
        var reusable = false
        defer {
            lock.lock()
            current = nil
            lock.unlock()
            if reusable { pool.put(connection) } else { connection.close() }
        }

        var parser = HTTPResponseParser(requestMethod: request.method, maximumBodyBytes: maximumBodyBytes)
        do {
            try connection.write(head, deadline: deadline)
            if let body = request.body, !body.isEmpty { try connection.write(Array(body), deadline: deadline) }
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let stallDeadline = min(deadline, HTTPConnection.monotonicSeconds() + inactivity)
                let count = try buffer.withUnsafeMutableBytes { raw throws(HTTPConnection.Failure) in
                    try connection.read(into: raw, deadline: stallDeadline)
                }
                if count == 0 {
                    try parser.finishAtEndOfStream()
                    break
                }
                if try buffer.withUnsafeBytes({ raw throws(HTTPResponseParser.Failure) in
                    try parser.consume(UnsafeRawBufferPointer(rebasing: raw[..<count]))
                }) {
                    reusable = parser.keepAlive
                    break
                }
            }
        } catch let failure as HTTPConnection.Failure {
            let error = map(failure, deadline: deadline)
            if error is CancellationError { throw error }
            throw StaleConnection(error: error, retryable: !parser.hasStarted && !isTimeout(error))
        } catch let failure as HTTPResponseParser.Failure {
            if failure.isTooLarge { throw StaleConnection(error: TransportError.tooLarge(url: redactedURL, limit: maximumBodyBytes), retryable: false) }
            let error = TransportError.network("\(failure.reason) from \(redactedURL)")
            throw StaleConnection(error: error, retryable: !parser.hasStarted)
        }
        return HTTPResponse(status: parser.status, lowercasedHeaders: parser.headers, body: Data(parser.body))
    }

    private func isTimeout(_ error: any Error) -> Bool {
        if case TransportError.timeout = error { return true }
        return false
    }

    private func map(_ failure: HTTPConnection.Failure, deadline: Double) -> any Error {
        lock.lock()
        let wasCancelled = cancelled
        lock.unlock()
        if wasCancelled { return CancellationError() }
        switch failure {
        case .interrupted:
            return CancellationError()
        case .timedOut:
            // The whole-exchange limit, or a stall longer than the inactivity limit.
            let overall = HTTPConnection.monotonicSeconds() >= deadline
            return TransportError.timeout(url: redactedURL, seconds: overall ? limit : inactivity)
        case .unresolved(let host, let detail):
            return TransportError.network("unknown host \(host) (\(detail)) for \(redactedURL)")
        case .system(let what, let code):
            let text: String
            switch code {
            case ECONNREFUSED: text = "could not connect (connection refused)"
            case ECONNRESET, EPIPE: text = "connection lost (reset by the server)"
            case ENETUNREACH, EHOSTUNREACH: text = "could not connect (no route to host)"
            default: text = "\(what) failed: \(String(cString: strerror(code)))"
            }
            return TransportError.network("\(text) for \(redactedURL)")
        }
    }

    /// The request line and header fields. Header values with CR or LF are refused: they
    /// would let a value smuggle in another header or request.
    private static func requestHead(for request: HTTPRequest, host: String, port: Int?, configuration: HTTPTransportConfiguration) throws(TransportError) -> [UInt8] {
        let url = request.url
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        var target = components?.percentEncodedPath ?? "/"
        if target.isEmpty { target = "/" }
        if let query = components?.percentEncodedQuery { target += "?" + query }
        let hostField = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        var fields = configuration.headerFields(for: request, host: port.map { "\(hostField):\($0)" } ?? hostField)
        // A body's length, and an explicit 0 for methods that normally carry one.
        let bodyLength = request.body?.count ?? 0
        if bodyLength > 0 || ["POST", "PUT", "PATCH"].contains(request.method) {
            fields.append(("Content-Length", String(bodyLength)))
        }
        var text = "\(request.method) \(target) HTTP/1.1\r\n"
        for (name, value) in fields {
            guard !name.isEmpty, !(name + value).utf8.contains(where: { $0 == 13 || $0 == 10 }),
                  !name.utf8.contains(where: { $0 == 0x3A || $0 == 0x20 }) else {
                throw .network("refusing to send header \"\(name)\": CR, LF or a bad name")
            }
            text += "\(name): \(value)\r\n"
        }
        guard !request.method.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }),
              !target.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) else {
            throw .network("refusing to send a request line with spaces or control bytes: \(TransportError.redactKey(in: url.absoluteString))")
        }
        text += "\r\n"
        return Array(text.utf8)
    }
}

/// Idle keep-alive connections, by `host:port`, so that paging and fan-out do not pay a new
/// TCP handshake per call. Bounded: a few per endpoint, dropped after a while idle.
private final class ConnectionPool: @unchecked Sendable {
    private static let maximumIdlePerEndpoint = 8
    private static let maximumIdleSeconds = 30.0
    private let lock = NSLock()
    private var idle: [String: [HTTPConnection]] = [:]

    func take(endpoint: String) -> HTTPConnection? {
        let now = HTTPConnection.monotonicSeconds()
        while true {
            lock.lock()
            let connection = idle[endpoint]?.popLast()
            lock.unlock()
            guard let connection else { return nil }
            if now - connection.idleSince < Self.maximumIdleSeconds, connection.isReusable { return connection }
            connection.close()
        }
    }

    func put(_ connection: HTTPConnection) {
        connection.idleSince = HTTPConnection.monotonicSeconds()
        lock.lock()
        var list = idle[connection.endpoint, default: []]
        let evicted = list.count >= Self.maximumIdlePerEndpoint ? list.removeFirst() : nil
        list.append(connection)
        idle[connection.endpoint] = list
        lock.unlock()
        evicted?.close()
    }

    deinit {
        for list in idle.values { for connection in list { connection.close() } }
    }
}
