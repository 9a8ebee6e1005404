import Foundation
import TraktEmulator
import TraktEmulatorServer
import TraktQL

/// The built-in v1 emulator, used when no API URL is configured (the public v1 API no longer
/// exists, so this is what a new user meets first).
///
/// It starts on first use, in-process on 127.0.0.1 and a free port, so statements that need no
/// HTTP (`explain`, `let`, `set`) never pay for it. Requests are addressed to ``placeholderURL``
/// and rewritten to the server's real address.
actor EmbeddedServer {
    static let placeholderURL = URL(string: "http://embedded.traktql.invalid")!

    private let seed: UInt64
    private let now: Date?
    private let faults: FaultSpec
    private let size: DatasetSize
    /// The v2 side (`auth login` approves device codes automatically).
    private let v2: V2Settings
    private let announce: @Sendable (String) -> Void
    /// `--api v2`: the pre-issued token the emulator accepts for ``tokenUser``.
    private let v2Token: String?
    static let tokenUser = "justin"
    /// The token `user:me` uses on the built-in v2 emulator (``tokenUser``'s), if any.
    nonisolated var preIssuedToken: String? { v2Token }
    private var starting: Task<EmulatorServer, any Error>?
    private(set) var server: EmulatorServer?
    /// Set by ``stop()``: a statement still winding down (after Ctrl-C) cannot start it again.
    private var stopped = false

    /// The API the session starts with (the banner names it).
    private let api: APIVersion

    init(seed: UInt64, now: Date?, faults: FaultSpec = .none, size: DatasetSize = DatasetScale.default.size, v2Token: String? = nil,
         api: APIVersion = .v1, v2: V2Settings = EmbeddedServer.v2Defaults, announce: @escaping @Sendable (String) -> Void) {
        self.v2Token = v2Token
        self.api = api
        self.v2 = v2
        self.seed = seed
        self.now = now
        self.faults = faults
        self.size = size
        self.announce = announce
    }

    /// Any client id, device codes approved as justin on the second poll, polled every second.
    static let v2Defaults = V2Settings(deviceApproval: .auto, deviceInterval: 1)

    /// The running server, starting it on the first call.
    func running() async throws -> EmulatorServer {
        if let server { return server }
        if stopped { throw StoppedError() }
        if starting == nil {
            var configuration = EmulatorConfiguration(host: "127.0.0.1", port: 0, seed: seed, size: size, faults: faults, now: now)
            var v2 = self.v2
            if let v2Token {
                // Any client id; the token stands for a logged-in default user (user:me).
                v2.accessToken = v2Token
                v2.tokenUser = Self.tokenUser
            }
            configuration.v2 = v2
            starting = Task { try await EmulatorServer.start(configuration) }
        }
        let server = try await starting!.value
        if self.server == nil {
            self.server = server
            let name = api == .v1 ? "Trakt API v1" : "Trakt API v2, logged in as \(Self.tokenUser) (user:me)"
            announce("traktql: no API configured; using the built-in emulator (\(name)) at \(server.baseURL.absoluteString) "
                     + "(\(server.dataset.activityCount) activities, seed \(server.dataset.seed)). Use --api-url or TRAKT_API_URL for another server"
                     + (api == .v1 ? ", --api v2 for v2." : ", --client-id for your Trakt account."))
        }
        return server
    }

    /// Show slugs, movie slugs and usernames, for completion.
    func catalog() async -> (shows: [String], movies: [String], users: [String])? {
        guard let server = try? await running() else { return nil }
        let dataset = server.dataset
        return (dataset.catalogShows.map(\.slug), dataset.catalogMovies.map(\.slug), dataset.catalogUsers.map(\.username))
    }

    /// Shuts the server down gracefully and waits until it has (see ``EmulatorServer/stop()``);
    /// the process must not exit before this returns. A server still starting is awaited and
    /// stopped too.
    func stop() async {
        stopped = true
        let running: EmulatorServer?
        if let server {
            running = server
        } else {
            running = try? await starting?.value
        }
        server = nil
        starting = nil
        await running?.stop()
    }
}

/// ``EmbeddedServer/running()`` after ``EmbeddedServer/stop()``.
struct StoppedError: Error, CustomStringConvertible {
    var description: String { "the built-in emulator has been stopped" }
}

/// Sends requests for ``EmbeddedServer/placeholderURL`` to the embedded server.
struct EmbeddedServerTransport: HTTPTransport {
    let server: EmbeddedServer
    let inner: any HTTPTransport

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let running: EmulatorServer
        do {
            running = try await server.running()
        } catch {
            throw TransportError.network("could not start the built-in emulator: \(error)")
        }
        var request = request
        let placeholder = EmbeddedServer.placeholderURL.absoluteString
        let text = request.url.absoluteString
        if text.hasPrefix(placeholder), let url = URL(string: running.baseURL.absoluteString + text.dropFirst(placeholder.count)) {
            request.url = url
        }
        return try await inner.send(request)
    }
}
