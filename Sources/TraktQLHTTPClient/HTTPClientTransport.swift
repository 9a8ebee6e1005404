import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TraktQL

/// An HTTP client over AsyncHTTPClient (swift-nio, TLS through swift-nio-ssl/BoringSSL), for
/// `https://` and for calls through a proxy. The `traktql` command routes plain `http://` to the
/// faster ``SocketHTTPTransport`` instead (``RoutingTransport``).
///
/// - Trust: the system trust store plus ``HTTPTransportConfiguration/additionalTrustRootFiles``
///   (`SSL_CERT_FILE`, `--cacert`). Verification is never turned off; a failed handshake is a
///   ``TransportError/tls(host:problem:)`` that names the problem (expired, not yet valid,
///   self-signed, unknown issuer, wrong host).
/// - Proxies: ``HTTPTransportConfiguration/proxies``; `https://` goes through a `CONNECT` tunnel.
/// - Keep-alive: AsyncHTTPClient's pool, per host, idle connections closed after 30 s.
/// - Timeouts: `connectTimeout` bounds the connect and handshake, and any stall between bytes;
///   the request's `timeout` (or `requestTimeout`) bounds the whole exchange, body included.
///   Both surface as ``TransportError/timeout(url:seconds:)``.
/// - Cancellation: cancelling the calling task stops the exchange (`CancellationError`).
/// - Nothing is set up until the first call: no event loop, no TLS context, no file read, so a
///   statement that makes no call (`explain`, `--input`) costs no network start-up.
public final class HTTPClientTransport: HTTPTransport {
    public let configuration: HTTPTransportConfiguration
    private let clients = ClientCache()

    public init(configuration: HTTPTransportConfiguration = HTTPTransportConfiguration()) {
        self.configuration = configuration
    }

    /// Shuts the clients made so far down and waits for them: call it before the process exits
    /// (a client left running at exit may still hold connections on the event loops). Nothing to
    /// do when no call was made. The transport must not be used afterwards.
    public func shutdown() async {
        await clients.shutDown()
    }

    /// Whether a client has been made (a call went through this transport).
    public var hasStarted: Bool { clients.hasStarted }

    deinit { clients.shutDownInBackground() }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        let exchange = try HTTPClientExchange(request: request, configuration: configuration)
        let (client, trustProblem) = try clients.client(proxy: exchange.proxy, configuration: configuration)
        // An unusable CA file fails https:// calls only: plain http:// has nothing to trust.
        if exchange.isHTTPS, let trustProblem { throw trustProblem }
        let limit = exchange.limit
        let shownURL = exchange.shownURL
        return try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
            group.addTask { try await exchange.run(on: client) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(min(max(0, limit), 86_400) * 1_000_000_000))
                throw TransportError.timeout(url: shownURL, seconds: limit)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }
}

/// One AsyncHTTPClient per proxy (nil: direct), made on first use and shut down with the transport.
final class ClientCache: @unchecked Sendable {
    private let lock = NSLock()
    private var clients: [String: HTTPClient] = [:]
    /// Set by a shutdown: a late call (a background fetch racing the exit) must not start a
    /// client that nobody would shut down.
    private var closed = false
    /// The extra CAs, read once.
    private var trust: Result<[NIOSSLCertificate], TransportError>?

    /// The client for `proxy`, and why the extra CAs could not be read (if they could not).
    func client(proxy: String?, configuration: HTTPTransportConfiguration) throws(TransportError) -> (HTTPClient, TransportError?) {
        let key = proxy ?? ""
        lock.lock()
        defer { lock.unlock() }
        if closed { throw .network("the HTTP client is shut down (traktql is exiting)") }
        if trust == nil {
            do throws(TransportError) { trust = .success(try TrustRoots.load(configuration.additionalTrustRootFiles)) } catch { trust = .failure(error) }
        }
        let extra: [NIOSSLCertificate]
        let problem: TransportError?
        switch trust {
        case .success(let certificates)?: (extra, problem) = (certificates, nil)
        case .failure(let error)?: (extra, problem) = ([], error)
        case nil: (extra, problem) = ([], nil)
        }
        if let client = clients[key] { return (client, problem) }
        let client = try Self.make(proxy: proxy, extraTrustRoots: extra, configuration: configuration)
        clients[key] = client
        return (client, problem)
    }

    var hasStarted: Bool { lock.withLock { !clients.isEmpty } }

    /// Takes the clients out of the cache.
    private func takeAll() -> [HTTPClient] {
        lock.withLock {
            let all = Array(clients.values)
            clients = [:]
            closed = true
            return all
        }
    }

    func shutDown() async {
        for client in takeAll() { try? await client.shutdown() }
    }

    /// For a deinit, which cannot wait: it may run on an event loop, where a blocking shutdown
    /// would trap.
    func shutDownInBackground() {
        for client in takeAll() { client.shutdown { _ in } }
    }

    private static func make(proxy: String?, extraTrustRoots extra: [NIOSSLCertificate], configuration: HTTPTransportConfiguration) throws(TransportError) -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if !extra.isEmpty { tls.additionalTrustRoots = [.certificates(extra)] }
        var client = HTTPClient.Configuration()
        client.tlsConfiguration = tls
        client.redirectConfiguration = .disallow
        client.decompression = .disabled
        let inactivity = TimeAmount.milliseconds(Int64(max(0.001, min(configuration.connectTimeout, 86_400)) * 1000))
        client.timeout = .init(connect: inactivity, read: inactivity)
        client.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 8)
        // A refused connect fails at once (RetryingTransport decides about trying again).
        client.connectionPool.retryConnectionEstablishment = false
        if let proxy { client.proxy = try Self.proxy(proxy) }
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: client)
    }

    /// `http://[user:password@]host[:port]`, `host:port` or `socks5://host:port`.
    static func proxy(_ text: String) throws(TransportError) -> HTTPClient.Configuration.Proxy {
        let withScheme = text.contains("://") ? text : "http://" + text
        guard let components = URLComponents(string: withScheme), let host = components.host, !host.isEmpty else {
            throw .network("the proxy '\(HTTPClientExchange.shown(proxy: text))' is not a URL (expected http://host:port)")
        }
        let scheme = components.scheme?.lowercased() ?? "http"
        switch scheme {
        case "http":
            let port = components.port ?? 80
            if let user = components.user {
                let password = components.password ?? ""
                return .server(host: host, port: port, authorization: .basic(username: user.removingPercentEncoding ?? user,
                                                                             password: password.removingPercentEncoding ?? password))
            }
            return .server(host: host, port: port)
        case "socks5", "socks5h":
            return .socksServer(host: host, port: components.port ?? 1080)
        default:
            throw .network("the proxy '\(HTTPClientExchange.shown(proxy: text))' uses \(scheme)://, which traktql does not speak (http:// and socks5:// proxies work)")
        }
    }
}

