import Foundation
import TraktQL

/// traktql's HTTP client for `http://` and `https://`: the system's libcurl, loaded on the first
/// call (``CurlLibrary``), driven by one thread of its own (``CurlLoop``).
///
/// - **Trust**: the system trust store (its hashed directory), `SSL_CERT_FILE`, `SSL_CERT_DIR` and
///   `--cacert` in addition (``HTTPTransportConfiguration/additionalTrustRootFiles``, ``CurlTrust``).
///   Verification is never turned off; a refused certificate is a ``TransportError/tls(host:problem:)``
///   that names the problem (expired and when, issued by whom, for which names), never retried.
/// - **Proxies**: ``HTTPTransportConfiguration/proxies`` (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`,
///   either case), decided here for every call; libcurl's own reading of the environment is
///   switched off. A credential never crosses a proxy in cleartext
///   (``ProxySettings/route(for:)``).
/// - **Connections**: kept alive and reused across pages and fan-out (one connection cache per
///   transport); HTTP/2 where the server offers it over TLS.
/// - **Limits**: the body cap (``HTTPTransportConfiguration/maximumBodyBytes``, refused from a
///   `Content-Length` before reading), the request's `timeout` (or `requestTimeout`) for the
///   whole exchange, `connectTimeout` for the connect and for any stall between bytes. Both
///   surface as ``TransportError/timeout(url:seconds:)``.
/// - **Cancellation**: cancelling the calling task stops the transfer at once (`CancellationError`).
/// - **Redirects**: none is followed; a 3xx is an answer like any other.
///
/// Nothing starts before the first call: no library, no thread, no file read. ``shutdown()``
/// closes the connections and the thread; the transport also stops them when it is released.
public final class CurlTransport: HTTPTransport {
    public let configuration: HTTPTransportConfiguration
    private let state = State()

    public init(configuration: HTTPTransportConfiguration = HTTPTransportConfiguration()) {
        self.configuration = configuration
    }

    deinit { state.loopIfStarted?.stopInBackground() }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        let configuration = self.configuration
        let plan = try CurlRequestPlan(request: request, configuration: configuration) { () throws(TransportError) in
            try state.trust(configuration)
        }
        let loop = try state.loop()
        let exchange = try CurlExchange(request: request, plan: plan)
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<CurlExchange.Outcome, Never>) in
                exchange.attach(continuation)
                loop.submit(exchange)
            }
        } onCancel: {
            loop.cancel(exchange)
        }
        switch outcome {
        case .response(let response):
            return response
        case .failure(let error):
            throw error
        case .certificateRejected(let rejection):
            try Task.checkCancellation()
            throw await rejection.diagnose()
        }
    }

    /// Ends the calls in flight, closes the kept-alive connections and the client's thread, and
    /// waits for that. Nothing to do when no call was made. Calls made afterwards fail.
    public func shutdown() async {
        await state.shutDown()
    }

    /// Whether a call has started the client (loaded libcurl, started its thread).
    public var hasStarted: Bool { state.loopIfStarted != nil }

    /// Calls, new connections and HTTP/2 answers so far (for tests and measurements).
    public var statistics: CurlStatistics { state.loopIfStarted?.statistics ?? CurlStatistics() }

    /// `libcurl/7.88.1 OpenSSL/3.0.19 …`, once a call has loaded it.
    public static var libraryVersion: String? { CurlLibrary.version }

    /// The loop and the trust settings, each made on first use.
    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var started: CurlLoop?
        private var closed = false
        private var trustSettings: Result<CurlTrust, TransportError>?

        var loopIfStarted: CurlLoop? { lock.withLock { started } }

        func loop() throws(TransportError) -> CurlLoop {
            lock.lock()
            defer { lock.unlock() }
            if closed { throw .refused("the HTTP client has been shut down (traktql is exiting)") }
            if let started { return started }
            let loop = try CurlLoop()
            started = loop
            return loop
        }

        func trust(_ configuration: HTTPTransportConfiguration) throws(TransportError) -> CurlTrust {
            let result: Result<CurlTrust, TransportError> = lock.withLock {
                if let trustSettings { return trustSettings }
                let loaded = Result { () throws(TransportError) in try CurlTrust.load(configuration) }
                trustSettings = loaded
                return loaded
            }
            return try result.get()
        }

        func shutDown() async {
            let loop: CurlLoop? = lock.withLock {
                closed = true
                return started
            }
            await loop?.stop()
        }
    }
}
