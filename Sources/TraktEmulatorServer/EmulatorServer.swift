import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TraktProtocol

/// Everything needed to start an emulator.
public struct EmulatorConfiguration: Sendable {
    /// Address to bind (default loopback).
    public var host: String
    /// Port to bind; 0 picks any free port (read it back from ``EmulatorServer/baseURL``).
    public var port: Int
    /// Dataset seed.
    public var seed: UInt64
    /// Dataset size.
    public var size: DatasetSize
    /// When set, only this API key is accepted (others get 401 `invalid API key`); when nil,
    /// any key is accepted.
    public var apiKey: String?
    /// Random faults (see ``FaultSpec``).
    public var faults: FaultSpec
    /// Pins the server clock (dataset end, `current`, `when`/`elapsed`); nil = real time, with
    /// the dataset ending at the moment it was generated.
    public var now: Date?
    /// How `start_ts`/`end_ts` are read and `timestamp`/`timestamps` written.
    public var convention: TimestampConvention
    /// Put terminal-attacking text (escape sequences, OSC 52, bidi overrides, NUL, very long
    /// titles) into every printable string, to test clients' output hygiene.
    public var hostileText: Bool
    /// Honour `X-Emulator-Fault` request headers (tests); off by default, since any client
    /// could then make the server stall or drop connections.
    public var allowFaultHeader: Bool
    /// A connection that has not sent a complete request head within this time of opening (or
    /// of its last answer) is closed: silent and trickling (slowloris) connections alike.
    public var idleTimeout: Duration
    /// The Trakt API v2 side: client id/secret, tokens, device flow, rate limit (V2/, OAuth/).
    public var v2: V2Settings = V2Settings()
    /// Serve HTTPS with this certificate and key (the base URL becomes https://).
    public var tls: TLSFiles?

    public init(
        host: String = "127.0.0.1", port: Int = 0, seed: UInt64 = 1, size: DatasetSize = DatasetScale.default.size,
        apiKey: String? = nil, faults: FaultSpec = .none, now: Date? = nil, convention: TimestampConvention = .pacific,
        hostileText: Bool = false, allowFaultHeader: Bool = false, idleTimeout: Duration = .seconds(15)
    ) {
        self.hostileText = hostileText
        self.allowFaultHeader = allowFaultHeader
        self.idleTimeout = idleTimeout
        self.host = host
        self.port = port
        self.seed = seed
        self.size = size
        self.apiKey = apiKey
        self.faults = faults
        self.now = now
        self.convention = convention
    }

    /// True for 127.0.0.0/8, ::1 and "localhost" (the address parsed, not matched by prefix).
    public var isLoopback: Bool { Loopback.isLoopback(host) }

    /// What stderr says when the server listens beyond this machine.
    public var exposureWarning: String {
        let keys = apiKey == nil ? "any API key is accepted" : "only the configured API key is accepted"
        return "trakt-emulator: listening on non-loopback address \(host): reachable from the network; \(keys), "
            + "and every user's password is \"password-\" followed by the username (sent as its SHA-1): anyone who can connect can read every user's activity"
            + (allowFaultHeader ? ", and X-Emulator-Fault lets any client stall or reset the server" : "")
    }
}

/// Errors from starting the emulator.
public struct EmulatorError: Error, CustomStringConvertible {
    public let description: String
}

/// A running emulator: a Hummingbird HTTP server over a generated ``Dataset``.
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
    public let dataset: Dataset
    public let configuration: EmulatorConfiguration
    /// Wall-clock milliseconds spent generating the dataset (0 when one was passed in).
    public let generationMilliseconds: Double
    private let task: Task<Void, Never>
    private let group: ServiceGroup
    private let finished: AsyncStream<Void>

    /// How long ``stop()`` lets requests in flight finish (an injected latency, say) before it
    /// cancels them. The listening socket is closed first, so no connection arrives after that.
    static let gracefulShutdownBound: Duration = .seconds(5)

    private init(
        baseURL: URL, port: Int, dataset: Dataset, configuration: EmulatorConfiguration, generationMilliseconds: Double,
        task: Task<Void, Never>, group: ServiceGroup, finished: AsyncStream<Void>
    ) {
        self.baseURL = baseURL
        self.port = port
        self.dataset = dataset
        self.configuration = configuration
        self.generationMilliseconds = generationMilliseconds
        self.task = task
        self.group = group
        self.finished = finished
    }

    /// Generates the dataset and starts serving; returns once the port is bound.
    public static func start(_ configuration: EmulatorConfiguration) async throws -> EmulatorServer {
        let clock = ContinuousClock()
        let t0 = clock.now
        let now = configuration.now ?? Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let dataset = Dataset.generate(seed: configuration.seed, size: configuration.size, now: now, convention: configuration.convention,
                                       hostileText: configuration.hostileText)
        let elapsed = clock.now - t0
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return try await start(configuration, dataset: dataset, generationMilliseconds: ms)
    }

    /// Starts serving an already generated dataset (its seed, clock and convention win over the
    /// configuration's).
    public static func start(_ configuration: EmulatorConfiguration, dataset: Dataset) async throws -> EmulatorServer {
        try await start(configuration, dataset: dataset, generationMilliseconds: 0)
    }

    private static func start(_ configuration: EmulatorConfiguration, dataset: Dataset, generationMilliseconds: Double) async throws
        -> EmulatorServer
    {
        let service = EmulatorService(dataset: dataset, configuration: configuration)
        let responder = CallbackResponder<EmulatorContext> { request, context in
            try await service.respond(to: request, context: context)
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
            return EmulatorServer(
                baseURL: url, port: port, dataset: dataset, configuration: configuration,
                generationMilliseconds: generationMilliseconds, task: task, group: group, finished: finished)
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

/// Hummingbird request context: keeps the channel so a `reset` fault can drop the connection.
struct EmulatorContext: InitializableFromSource {
    typealias Source = ApplicationRequestContextSource
    let channel: any Channel

    init(source: ApplicationRequestContextSource) { channel = source.channel }
}
