import Foundation
import TraktEmulator
import TraktQL

/// The built-in emulator, used when no API URL is configured (the public v1 API no longer
/// exists, so this is what a new user meets first).
///
/// It is the emulator core (`TraktEmulator`) in this process, called directly by
/// ``EmbeddedServerTransport``: no port, no socket, no server to start or shut down. The core is
/// made on first use, so statements that need no HTTP (`explain`, `let`, `set`) never pay for
/// its dataset. Requests are addressed to ``placeholderURL``; `trakt-emulator` serves the same
/// data over HTTP for curl and other clients.
actor EmbeddedServer {
    /// Where the engine addresses the built-in emulator. Nothing resolves or connects to it.
    static let placeholderURL = URL(string: "http://embedded.traktql.invalid")!
    /// The same placeholder for the OAuth client, which sends tokens only over https:// (or
    /// to loopback). In-process nothing travels at all; the transport serves both forms.
    static let oauthURL = URL(string: "https://embedded.traktql.invalid")!

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
    private var starting: Task<Emulator, Never>?
    /// The core, once made (completion reads its catalog only when it exists).
    private(set) var server: Emulator?
    /// Set by ``stop()``: a statement still winding down (after Ctrl-C) cannot start it again.
    private var stopped = false

    /// The API the session starts with (the banner names it).
    private let api: APIVersion

    init(seed: UInt64, now: Date?, faults: FaultSpec = .none, size: DatasetSize = DatasetScale.default.size, v2Token: String? = nil,
         api: APIVersion = .standard, v2: V2Settings = EmbeddedServer.v2Defaults, announce: @escaping @Sendable (String) -> Void) {
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

    /// The transport that answers requests for ``placeholderURL`` (and ``oauthURL``) from this
    /// emulator, without retries.
    nonisolated var transport: EmbeddedServerTransport { EmbeddedServerTransport(server: self) }

    /// Starts making the core (generating its dataset) in the background, if nothing has yet:
    /// the REPL calls this before its first prompt, so that the dataset is made while the user
    /// types. The banner still comes with the first statement that uses the emulator.
    func prepare() {
        guard server == nil, starting == nil, !stopped else { return }
        starting = start()
    }

    /// The core, made (its dataset generated) on the first call, or taken over from
    /// ``prepare()``.
    func running() async throws -> Emulator {
        if let server { return server }
        if stopped { throw StoppedError() }
        let starting = self.starting ?? start()
        self.starting = starting
        let server = await starting.value
        if self.server == nil {
            self.server = server
            // The API names itself; the emulator adds only who its pre-issued token is for.
            let name = api.title + (api.logsInToAnAccount ? ", logged in as \(Self.tokenUser) (user:me)" : "")
            announce("traktql: no API configured; using the built-in emulator (\(name)) in this process "
                     + "(\(server.dataset.activityCount) activities, seed \(server.dataset.seed)); `trakt-emulator` serves the same data over HTTP "
                     + "for curl and other clients. Use --api-url or TRAKT_API_URL for another server"
                     + ", \(api.nextStepFromTheEmulator).")
        }
        return server
    }

    /// A task that makes the core on a thread of its own: generating the dataset is tens of
    /// milliseconds of CPU, which must not hold one of the cooperative pool's few threads (nor
    /// this actor) while the REPL starts and draws its prompt.
    private func start() -> Task<Emulator, Never> {
        var configuration = EmulatorConfiguration(seed: seed, size: size, faults: faults, now: now)
        var v2 = self.v2
        if let v2Token {
            // Any client id; the token stands for a logged-in default user (user:me).
            v2.accessToken = v2Token
            v2.tokenUser = Self.tokenUser
        }
        configuration.v2 = v2
        let made = configuration
        // A session that starts on v2 needs the v2 objects the core otherwise builds on first use.
        let speaksV2 = api == .v2
        return Task.detached {
            await withCheckedContinuation { (ready: CheckedContinuation<Emulator, Never>) in
                let thread = Thread {
                    let emulator = Emulator(made)
                    if speaksV2 { emulator.buildDeferredViews() }
                    ready.resume(returning: emulator)
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
        }
    }

    /// Show slugs, movie slugs and usernames, for completion.
    func catalog() async -> (shows: [String], movies: [String], users: [String])? {
        guard let server = try? await running() else { return nil }
        let dataset = server.dataset
        return (dataset.catalogShows.map(\.slug), dataset.catalogMovies.map(\.slug), dataset.catalogUsers.map(\.username))
    }

    /// Ends this emulator's use: later calls fail with ``StoppedError``. There is no server to
    /// shut down, so this returns at once (a dataset still being generated is left to finish).
    func stop() async {
        stopped = true
        starting = nil
        server = nil
    }
}

/// ``EmbeddedServer/running()`` after ``EmbeddedServer/stop()``.
struct StoppedError: Error, CustomStringConvertible {
    var description: String { "the built-in emulator has been stopped" }
}
