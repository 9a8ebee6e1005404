import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TraktQL

/// A transport over URLSession (FoundationNetworking on Linux) with its own ephemeral session —
/// no cookies, no URL cache, no credential storage. For embedders that need `https://` (the
/// engine's own ``SocketHTTPTransport`` speaks plain HTTP only): pass it as
/// `EngineConfiguration.transport`, wrapped in a `RetryingTransport`. The `traktql` command does
/// not link it, because loading FoundationNetworking and libcurl costs ~10 ms at start-up.
///
/// Timeouts: `connectTimeout` is URLSession's inactivity timeout, so it bounds the connect and
/// any stall between bytes; `requestTimeout` (or the request's own `timeout`) bounds the whole
/// exchange and is enforced here, independently of URLSession, so it holds on every platform.
/// Both surface as ``TransportError/timeout(url:seconds:)``.
public final class URLSessionTransport: HTTPTransport {
    public typealias Configuration = HTTPTransportConfiguration

    public static let clientVersion = HTTPTransportConfiguration.clientVersion
    public static let defaultUserAgent = HTTPTransportConfiguration.defaultUserAgent

    public let configuration: Configuration
    private let session: URLSession

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let sc = URLSessionConfiguration.ephemeral
        sc.timeoutIntervalForRequest = max(1, configuration.connectTimeout.rounded(.up))
        sc.timeoutIntervalForResource = max(1, configuration.requestTimeout.rounded(.up), sc.timeoutIntervalForRequest)
        sc.requestCachePolicy = .reloadIgnoringLocalCacheData
        sc.urlCache = nil
        sc.httpShouldSetCookies = false
        sc.httpCookieAcceptPolicy = .never
        sc.urlCredentialStorage = nil
        self.session = URLSession(configuration: sc)
    }

    deinit { session.finishTasksAndInvalidate() }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let limit = request.timeout ?? configuration.requestTimeout
        let url = request.url.absoluteString
        let session = self.session
        return try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
            group.addTask { [configuration] in
                try await Self.perform(Self.urlRequest(for: request, configuration: configuration, limit: limit), on: session, limit: limit)
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(max(0, limit) * 1_000_000_000))
                throw TransportError.timeout(url: TransportError.redactKey(in: url), seconds: limit)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }

    private static func urlRequest(for request: HTTPRequest, configuration: Configuration, limit: TimeInterval) -> URLRequest {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.httpBody = request.body
        // FoundationNetworking truncates this to whole seconds (0.4 becomes an instant timeout),
        // so keep it at least 1 s; the exact limit is enforced by `send`.
        urlRequest.timeoutInterval = max(1, min(configuration.connectTimeout, limit).rounded(.up))
        urlRequest.setValue(configuration.userAgent, forHTTPHeaderField: "User-Agent")
        urlRequest.setValue("application/json", forHTTPHeaderField: "Accept")
        if let credentials = configuration.credentials, request.header("Authorization") == nil {
            urlRequest.setValue(credentials.authorizationHeader, forHTTPHeaderField: "Authorization")
        }
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        return urlRequest
    }

    private static func perform(_ request: URLRequest, on session: URLSession, limit: TimeInterval) async throws -> HTTPResponse {
        let handle = TaskHandle()
        let url = request.url?.absoluteString ?? ""
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        continuation.resume(throwing: map(error, url: url, limit: limit))
                        return
                    }
                    guard let http = response as? HTTPURLResponse else {
                        continuation.resume(throwing: TransportError.network("no HTTP response from \(TransportError.redactKey(in: url))"))
                        return
                    }
                    var headers: [String: String] = [:]
                    for (key, value) in http.allHeaderFields {
                        headers[String(describing: key).lowercased()] = String(describing: value)
                    }
                    continuation.resume(returning: HTTPResponse(status: http.statusCode, headers: headers, body: data ?? Data()))
                }
                handle.start(task)
            }
        } onCancel: {
            handle.cancel()
        }
    }

    private static func map(_ error: any Error, url: String, limit: TimeInterval) -> any Error {
        guard let urlError = error as? URLError else {
            return TransportError.network(TransportError.redactKey(in: String(describing: error)))
        }
        switch urlError.code {
        case .cancelled: return CancellationError()
        case .timedOut: return TransportError.timeout(url: TransportError.redactKey(in: url), seconds: limit)
        default:
            let what = describe(urlError.code)
            return TransportError.network("\(what) (\(urlError.errorCode)) for \(TransportError.redactKey(in: url))")
        }
    }

    private static func describe(_ code: URLError.Code) -> String {
        switch code {
        case .cannotConnectToHost: return "could not connect"
        case .cannotFindHost, .dnsLookupFailed: return "unknown host"
        case .networkConnectionLost: return "connection lost"
        case .notConnectedToInternet: return "not connected"
        case .badServerResponse, .cannotParseResponse: return "bad server response"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot: return "TLS failure"
        case .zeroByteResource: return "empty response"
        default: return "URL error"
        }
    }
}

/// The data task of one call, so that task cancellation can reach it (Linux's URLSession has no
/// cancellation-aware async API of its own).
private final class TaskHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var cancelled = false

    func start(_ task: URLSessionDataTask) {
        lock.lock()
        self.task = task
        let cancelled = self.cancelled
        lock.unlock()
        task.resume()
        if cancelled { task.cancel() }
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let task = self.task
        lock.unlock()
        task?.cancel()
    }
}
