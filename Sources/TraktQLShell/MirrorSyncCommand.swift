#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TraktQL
import TraktQLMirror

/// What `traktql sync` was asked to do (its flags; the connection comes from the
/// ``ShellConfiguration`` as for queries).
public struct MirrorSyncRequest: Sendable {
    /// `--status`: show the mirror's state, no calls.
    public var status = false
    /// `--full`: read every section in full.
    public var full = false
    /// `--user NAME`: a user's public data (`/users/NAME/…`, no `/sync`, no token).
    public var user: String?
    /// `--from FILE`: build or update the mirror from an account export.
    public var from: String?
    /// `--mirror-file PATH`: the database, instead of the default place.
    public var mirrorFile: String?

    public init() {}
}

extension TraktQLShell {
    /// `traktql sync`: returns the exit status (0; 1 usage; 2 a failed call, an unusable
    /// mirror or export; 130 Ctrl-C — the sections saved so far stay, and the pages fetched of
    /// the one under way are kept for the next sync).
    public static func sync(_ request: MirrorSyncRequest, configuration: ShellConfiguration) async -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        var configuration = configuration
        if let warning = configuration.secretsOnCommandLineWarning { Console.err(warning + "\n") }
        do {
            let resolved = try configuration.resolveConnection()
            for warning in resolved.warnings { Console.err(TerminalSafety.sanitize(warning) + "\n") }
        } catch {
            Console.err("traktql: error: \(TerminalSafety.sanitize(error.message))\n")
            return error.status.rawValue
        }
        let connection: MirrorConnection
        do {
            connection = try MirrorConnection(configuration: configuration)
        } catch {
            Console.err("traktql: error: \(TerminalSafety.sanitize(error.message))\n")
            return ExitStatus.usage.rawValue
        }
        let terminal = Terminal.current()
        let progressLine = terminal.stderrIsTTY ? ProgressLine() : nil
        let status = await interruptibly {
            do {
                return try await runSync(request, connection: connection, progressLine: progressLine)
            } catch is CancellationError {
                progressLine?.clear()
                return .interrupted
            } catch {
                progressLine?.clear()
                Console.err("traktql: error: \(connection.redactor.redact(TerminalSafety.sanitize("\(error)")))\n")
                return .api
            }
        }
        await connection.stop()
        return status.rawValue
    }

    /// Status, import or sync, as asked (shared by `traktql sync` and `.sync`, which is
    /// `again`: how the user runs it again after a full disk).
    static func runSync(_ request: MirrorSyncRequest, connection: MirrorConnection, progressLine: ProgressLine?,
                        again: String = "traktql sync") async throws -> ExitStatus {
        do {
            return try await runSyncAsAsked(request, connection: connection, progressLine: progressLine)
        } catch let error as SQLiteError where error.isDiskFull {
            // Which file, why in words, what to do: not SQLiteError's "disk I/O error (778)".
            throw MirrorError(error.described(retry: "run `\(again)` again",
                                              keeps: "what the mirror had saved stays, and no section is half-written"))
        }
    }

    private static func runSyncAsAsked(_ request: MirrorSyncRequest, connection: MirrorConnection, progressLine: ProgressLine?) async throws -> ExitStatus {
        let account = try await connection.account(publicUser: request.user)
        let path = request.mirrorFile.map { Session.expandingTilde($0) }
            ?? MirrorStore.defaultPath(server: connection.server, user: account.user)
        if request.status {
            guard FileManager.default.fileExists(atPath: path) else {
                Console.err("traktql: no mirror of \(TerminalSafety.sanitize(account.user)) yet at \(path): run `traktql sync`\n")
                return .api
            }
            Console.out(TerminalSafety.sanitizeKeepingLines(try MirrorStore(path: path).statusText()))
            return .ok
        }
        let store = try MirrorStore(path: path)
        if let file = request.from {
            let export = try MirrorImport.read(Session.expandingTilde(file))
            if let named = MirrorImport.username(of: export), named.lowercased() != account.user.lowercased() {
                throw MirrorError("\(file) is an export of \(named), not of \(account.user) (give --user \(named) for a mirror of theirs)")
            }
            let report = try MirrorImport.run(export, from: file, into: store, account: account)
            Console.out(TerminalSafety.sanitizeKeepingLines(report.text))
            Console.err("traktql: imported into \(path); the next `traktql sync` completes it from the server\n")
            return .ok
        }
        if let note = connection.note { Console.err(note + "\n") }
        var options = MirrorSync.Options(full: request.full)
        if let progressLine {
            options.progress = { progressLine.show($0.text) }
            options.onWait = { progressLine.interject("traktql: " + $0) }
        } else {
            options.onWait = { Console.err("traktql: " + $0 + "\n") }
        }
        let sync = MirrorSync(store: store, account: account, transport: connection.transport, clientID: connection.clientID,
                              token: account.own ? try await connection.token() : nil, options: options)
        let report = try await sync.run()
        progressLine?.clear()
        Console.out(TerminalSafety.sanitizeKeepingLines("\(account.user) on \(connection.shownServer) → \(path)\n" + report.text))
        for warning in report.warnings { Console.err("traktql: warning: " + TerminalSafety.sanitize(warning) + "\n") }
        return .ok
    }
}

/// Where `traktql sync` (and `.sync`) reads from: the server, the connection, the client id and
/// the token, from the same configuration as queries; with nothing configured, the built-in
/// emulator in this process, logged in as its default user.
struct MirrorConnection: Sendable {
    let server: URL
    let transport: any HTTPTransport
    let clientID: String
    private let baseRedactor: Redactor
    /// Tokens fetched during the run (a refresh may bring a new one): redacted like the others.
    private let seenTokens = SeenTokens()
    /// Said before a sync (the built-in emulator: whose account, which clock).
    let note: String?
    private let bearer: (any BearerTokenSource)?
    private let embedded: EmbeddedServer?
    private let network: ShellTransport?

    struct Failure: Error { let message: String }

    /// For `traktql sync`: a new connection.
    init(configuration: ShellConfiguration) throws(Failure) {
        clientID = configuration.clientID ?? "traktql"
        var redactor = Redactor(apiKey: configuration.apiKey)
        for secret in [configuration.accessToken, configuration.clientSecret].compactMap({ $0 }) { redactor.add(secret, label: "<token>") }
        if let url = configuration.apiURL {
            let files: [String], directories: [String]
            switch (ShellTransport.trustRootFiles(caCertificateFile: configuration.caCertificateFile, server: url),
                    ShellTransport.trustRootDirectories(server: url)) {
            case (.success(let f), .success(let d)): (files, directories) = (f, d)
            case (.failure(let problem), _), (_, .failure(let problem)): throw Failure(message: problem.message)
            }
            let engine = EngineConfiguration(apiURL: url, connectTimeout: 10, requestTimeout: 60)
            let network = ShellTransport(engine: engine, trustRootFiles: files, trustRootDirectories: directories, proxies: .environment())
            self.network = network
            server = url
            transport = network.transport
            embedded = nil
            note = nil
            if let token = configuration.accessToken {
                bearer = StaticBearerToken(token)
            } else {
                bearer = TraktQLShell.savedLogin(for: url, credentials: V2Credentials(clientID: clientID, clientSecret: configuration.clientSecret),
                                                 tokenFile: configuration.auth.tokenFile, transport: network.unretried, redactor: &redactor)
            }
        } else {
            // The built-in emulator's dataset ends at its clock; pinned to the start of today
            // (UTC) unless --now says otherwise, so that syncs of one day see the same data.
            let pinned = configuration.emulatorNow ?? configuration.now ?? Self.startOfToday()
            let token = configuration.accessToken ?? "embedded-" + UUID().uuidString.lowercased()
            let quiet = configuration.quiet
            let server = EmbeddedServer(seed: configuration.emulatorSeed, now: pinned, v2Token: token, api: .v2) { banner in
                if !quiet { Console.err(banner + "\n") }
            }
            embedded = server
            network = nil
            self.server = EmbeddedServer.placeholderURL
            transport = EmbeddedServerTransport(server: server)
            bearer = StaticBearerToken(token)
            note = quiet ? nil : "traktql: syncing \(EmbeddedServer.tokenUser)'s account from the built-in emulator (logged in by its pre-issued token; "
                + "its clock is pinned to \(V2Time.string(pinned)), seed \(configuration.emulatorSeed))"
        }
        baseRedactor = redactor
    }

    /// For `.sync` in the shell: the session's own server and login.
    init?(engine: EngineConfiguration, redactor: Redactor, isEmbedded: Bool) {
        guard let transport = engine.transport else { return nil }
        server = engine.apiURL
        self.transport = transport
        clientID = engine.v2?.clientID ?? "traktql"
        bearer = engine.v2?.bearer
        baseRedactor = redactor
        embedded = nil
        network = nil
        note = isEmbedded ? "traktql: syncing \(EmbeddedServer.tokenUser)'s account from the built-in emulator" : nil
    }

    /// The configured secrets and every token used so far.
    var redactor: Redactor {
        var redactor = baseRedactor
        for token in seenTokens.all { redactor.add(token, label: "<token>") }
        return redactor
    }

    static func startOfToday(now: Date = Date()) -> Date {
        Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }

    var shownServer: String { server == EmbeddedServer.placeholderURL ? "the built-in emulator" : redactor.redact(server.absoluteString) }

    /// The bearer token; a sync of one's own account needs one.
    func token() async throws -> String {
        guard let token = try await bearer?.accessToken(), !token.isEmpty else {
            throw MirrorError("syncing your own account needs a login: run `traktql auth login` (or set TRAKT_ACCESS_TOKEN), or give --user NAME for a user's public data")
        }
        if server.scheme?.lowercased() == "http", let host = server.host, !Loopback.isLoopback(host), server != EmbeddedServer.placeholderURL {
            throw MirrorError("refusing to send the OAuth token over plain http to \(host): use an https:// server")
        }
        seenTokens.add(token)
        return token
    }

    /// The account to sync: `--user NAME`, else the logged-in user (the built-in emulator's is
    /// known; otherwise remembered per token, or asked once with `GET /users/settings`).
    func account(publicUser: String?) async throws -> MirrorSync.Account {
        if let publicUser {
            guard !publicUser.isEmpty, publicUser.count <= 100 else { throw MirrorError("--user needs a username") }
            return MirrorSync.Account(server: server, user: publicUser, own: false)
        }
        if server == EmbeddedServer.placeholderURL { return MirrorSync.Account(server: server, user: EmbeddedServer.tokenUser, own: true) }
        let token = try await token()
        let pointer = MirrorAccountPointer(server: server)
        if let user = pointer.user(for: token) { return MirrorSync.Account(server: server, user: user, own: true) }
        let user = try await MirrorSync.ownUsername(server: server, transport: transport, clientID: clientID, token: token)
        pointer.remember(user: user, token: token)
        Console.err("traktql: 1 call (GET /users/settings): this login is \(TerminalSafety.sanitize(user))'s; remembered for this token\n")
        return MirrorSync.Account(server: server, user: user, own: true)
    }

    func stop() async {
        await embedded?.stop()
        await network?.shutdown()
    }
}

/// The tokens a sync used, for redaction.
private final class SeenTokens: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [String] = []
    func add(_ token: String) { lock.withLock { if !tokens.contains(token) { tokens.append(token) } } }
    var all: [String] { lock.withLock { tokens } }
}
