import Foundation
import Hummingbird
import HummingbirdHTTP2
import Logging
import NIOCore
import ServiceLifecycle

/// An HTTPS server on 127.0.0.1 (Hummingbird over swift-nio-ssl) that offers HTTP/2 and
/// HTTP/1.1 by ALPN, with a certificate made by ``TestSupport/TestCertificates``:
///
/// - `GET /ok` answers `{"ok":true}`, and counts the call;
/// - `GET /redirect?to=URL` answers `307` with `Location: URL`.
final class TLSTestServer: Sendable {
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, Never>
    private let counter: Counter

    var baseURL: String { "https://127.0.0.1:\(port)" }
    /// Calls answered so far.
    var calls: Int { counter.value }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func increment() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    private init(port: Int, group: ServiceGroup, task: Task<Void, Never>, counter: Counter) {
        self.port = port
        self.group = group
        self.task = task
        self.counter = counter
    }

    static func start(certificate: String, key: String) async throws -> TLSTestServer {
        let counter = Counter()
        let router = Router()
        router.get("ok") { _, _ -> Response in
            counter.increment()
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"ok":true}"#)))
        }
        router.get("redirect") { request, _ -> Response in
            Response(status: .temporaryRedirect, headers: [.location: request.uri.queryParameters.get("to") ?? "/"])
        }
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        var logger = Logger(label: "tls-test-server")
        logger.logLevel = .critical
        let (events, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            server: try .http2Upgrade(tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            try? await group.run()
            continuation.finish()
        }
        var iterator = events.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            await task.value
            throw CocoaError(.fileReadUnknown)
        }
        return TLSTestServer(port: port, group: group, task: task, counter: counter)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        await task.value
    }
}
