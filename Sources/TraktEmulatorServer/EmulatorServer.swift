import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TraktEmulator
import TraktProtocol

/// A running emulator: a Hummingbird HTTP server in front of an ``Emulator`` core. The server
/// owns what belongs to a connection: the socket, TLS, the idle timeout and the `reset` fault;
/// everything else (routing, auth, pages, the other faults) is the core's.
///
/// ```swift
/// let server = try await EmulatorServer.start(EmulatorConfiguration())
/// print(server.baseURL)        // http://127.0.0.1:54321
/// ...
/// await server.stop()
/// ```
public final class EmulatorServer: Sendable {
    /// `http://host:port` (`https://` with ``EmulatorConfiguration/tls``; no trailing slash).
    public let baseURL: URL
    public let port: Int
    /// The core this server fronts (it may also be called directly, in-process).
    public let emulator: Emulator
    public var dataset: Dataset { emulator.dataset }
    public var configuration: EmulatorConfiguration { emulator.configuration }
    /// Wall-clock milliseconds spent generating the dataset (0 when one was passed in).
    public var generationMilliseconds: Double { emulator.generationMilliseconds }
    private let task: Task<Void, Never>
    private let group: ServiceGroup
    private let finished: AsyncStream<Void>

    /// How long ``stop()`` lets requests in flight finish (an injected latency, say) before it
    /// cancels them. The listening socket is closed first, so no connection arrives after that.
    static let gracefulShutdownBound: Duration = .seconds(5)

    private init(baseURL: URL, port: Int, emulator: Emulator, task: Task<Void, Never>, group: ServiceGroup, finished: AsyncStream<Void>) {
        self.baseURL = baseURL
        self.port = port
        self.emulator = emulator
        self.task = task
        self.group = group
        self.finished = finished
    }

    /// Generates the dataset and starts serving; returns once the port is bound.
    public static func start(_ configuration: EmulatorConfiguration) async throws -> EmulatorServer {
        try await start(serving: Emulator(configuration))
    }

    /// Starts serving an already generated dataset (its seed, clock and convention win over the
    /// configuration's).
    public static func start(_ configuration: EmulatorConfiguration, dataset: Dataset) async throws -> EmulatorServer {
        try await start(serving: Emulator(configuration, dataset: dataset))
    }

    /// Starts serving `emulator` on its configuration's host, port and TLS files.
    public static func start(serving emulator: Emulator) async throws -> EmulatorServer {
        let configuration = emulator.configuration
        // A server starts once and serves many: nothing is left for a first request to build.
        emulator.buildDeferredViews()
        let responder = CallbackResponder<EmulatorContext> { request, context in
            try await Self.respond(to: request, context: context, emulator: emulator)
        }
        var logger = Logger(label: "trakt-emulator")
        logger.logLevel = .critical
        let (events, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let (finished, finishedContinuation) = AsyncStream<Void>.makeStream()
        let idle = configuration.idleTimeout.components
        let serverBuilder = try EmulatorTLS.serverBuilder(configuration.tls, idleTimeout: .nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000))
        let app = Application(
            responder: responder,
            server: serverBuilder,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(.success(channel.localAddress?.port ?? configuration.port))
            },
            logger: logger
        )
        // The application runs in a service group of its own so that `stop()` can shut it down
        // gracefully: stop accepting, let every accepted connection be handled and closed, then
        // return. Cancelling the task instead races with the accept loop: a connection accepted
        // after the loop was cancelled is dropped unhandled, and NIO traps on that
        // ("Deinited NIOAsyncWriter without calling finish()", SIGILL) on an event-loop thread,
        // often while the process is exiting after a failed fan-out.
        var groupConfiguration = ServiceGroupConfiguration(services: [app], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = gracefulShutdownBound
        let group = ServiceGroup(configuration: groupConfiguration)
        let task = Task {
            do {
                try await group.run()
                continuation.yield(.failure(EmulatorError(description: "server stopped")))
            } catch {
                continuation.yield(.failure(error))
            }
            continuation.finish()
            finishedContinuation.yield()
            finishedContinuation.finish()
        }
        var iterator = events.makeAsyncIterator()
        guard let first = await iterator.next() else {
            throw EmulatorError(description: "the server stopped before binding")
        }
        switch first {
        case .success(let port):
            let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
            let scheme = configuration.tls == nil ? "http" : "https"
            guard let url = URL(string: "\(scheme)://\(host):\(port)") else {
                await group.triggerGracefulShutdown()
                await task.value
                throw EmulatorError(description: "cannot form a URL for host \(configuration.host)")
            }
            return EmulatorServer(baseURL: url, port: port, emulator: emulator, task: task, group: group, finished: finished)
        case .failure(let error):
            throw EmulatorError(description: "cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
    }

    /// Stops the server gracefully and waits until it has shut down: the listening socket is
    /// closed, connections already accepted are served (or closed when idle), and only then
    /// does this return, so the process can exit with no channel left on NIO's event loops.
    /// Requests still running after ``gracefulShutdownBound`` are cancelled. Safe to call
    /// more than once.
    public func stop() async {
        await group.triggerGracefulShutdown()
        await task.value
    }

    /// Waits until the server stops (it runs until ``stop()`` or the process ends).
    public func waitUntilStopped() async {
        for await _ in finished { break }
        await task.value
    }
}

/// Hummingbird request context: keeps the channel so a `reset` fault can drop the connection,
/// and whether the peer is on this machine.
struct EmulatorContext: InitializableFromSource {
    typealias Source = ApplicationRequestContextSource
    let channel: any Channel

    init(source: ApplicationRequestContextSource) { channel = source.channel }

    /// True when the peer's address is 127.0.0.0/8 or ::1 (an IPv4-mapped ::ffff:127.x too).
    var peerIsLoopback: Bool {
        guard let ip = channel.remoteAddress?.ipAddress else { return false }
        return Loopback.isLoopback(ip.hasPrefix("::ffff:") ? String(ip.dropFirst(7)) : ip)
    }
}
