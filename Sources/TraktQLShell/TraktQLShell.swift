#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TraktEmulator
import TraktQL
import TraktQLCurl

/// The `traktql` program after argument parsing: picks the API (or starts the embedded
/// emulator), builds the session, and runs `-c` statements, script files, standard input or
/// the interactive shell. Returns the process exit status.
public enum TraktQLShell {
    /// `traktql --version`.
    public static let version = HTTPTransportConfiguration.clientVersion

    public static func run(_ configuration: ShellConfiguration) async -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let terminal = Terminal.current()
        var configuration = configuration

        // Secrets on argv can be read by every local user (ps, /proc): say so, once.
        if let warning = configuration.secretsOnCommandLineWarning { Console.err(warning + "\n") }
        // Secret files (`-` is standard input).
        if [configuration.apiKeyFile, configuration.passwordFile].filter({ $0 == "-" }).count > 1
            || ([configuration.apiKeyFile, configuration.passwordFile].contains("-") && (configuration.files.contains("-") || configuration.input == "-")) {
            Console.err("traktql: error: standard input can be read for only one thing ('-' is given twice)\n")
            return ExitStatus.usage.rawValue
        }
        if [configuration.apiKeyFile, configuration.passwordFile].contains("-"), configuration.commands.isEmpty, configuration.files.isEmpty {
            Console.err("traktql: error: '-' reads the secret from standard input; give the statements with -c or a script FILE\n")
            return ExitStatus.usage.rawValue
        }
        do throws(SecretInput.Failure) {
            if let path = configuration.apiKeyFile {
                let (key, warning) = try SecretInput.readSecret(path, what: "API key")
                if let warning { Console.err(warning + "\n") }
                configuration.apiKey = key
            }
            if let path = configuration.passwordFile {
                let (password, warning) = try SecretInput.readSecret(path, what: "password")
                if let warning { Console.err(warning + "\n") }
                configuration.password = password
            }
        } catch {
            Console.err("traktql: error: \(error.description)\n")
            return ExitStatus.usage.rawValue
        }

        // Config file (flags and environment already won in `main`), the API and the server:
        // decided in one place, for queries and `.login` alike.
        let resolved: ShellConfiguration.ResolvedConnection
        do {
            resolved = try configuration.resolveConnection()
        } catch {
            Console.err("traktql: error: \(TerminalSafety.sanitize(error.message))\n")
            return error.status.rawValue
        }
        for warning in resolved.warnings { Console.err(TerminalSafety.sanitize(warning) + "\n") }
        let file = resolved.file, location = resolved.location, api = resolved.api

        var settings = Settings()
        settings.api = api
        for (name, value) in [("tz", configuration.timeZone), ("format", configuration.format), ("convention", configuration.convention),
                              ("runtime_fallback", configuration.runtimeFallback)] {
            guard let value else { continue }
            if let failure = settings.apply(name: name, value: value) {
                Console.err("traktql: error: \(failure.message)" + (failure.help.map { " (\($0))" } ?? "") + "\n")
                return ExitStatus.usage.rawValue
            }
        }
        for (name, value) in [("max_pages", file?.maxPages), ("cache_ttl", file?.cacheTTL), ("timeout", file?.timeout)] {
            guard let value else { continue }
            if let failure = settings.apply(name: name, value: value) {
                Console.err("traktql: error: \(location.path): \(name): \(failure.message)" + (failure.help.map { " (\($0))" } ?? "") + "\n")
                return ExitStatus.usage.rawValue
            }
        }
        if configuration.password != nil && configuration.username == nil {
            Console.err("traktql: error: --password needs --username\n")
            return ExitStatus.usage.rawValue
        }
        // A username without a password: ask on the terminal (never echoed, never in argv).
        if let username = configuration.username, configuration.password == nil, terminal.stdinIsTTY, terminal.stderrIsTTY {
            configuration.password = SecretInput.promptPassword(for: username)
        }

        let credentials = configuration.username.map { BasicCredentials(username: $0, password: configuration.password ?? "") }
        let progressLine = terminal.stderrIsTTY ? ProgressLine() : nil
        let progress: (@Sendable (String) -> Void)? = progressLine.map { line in { @Sendable text in line.show(text) } }
        let clock: @Sendable () -> Date
        if let now = configuration.now { clock = { now } } else { clock = { Date() } }
        var engineConfiguration = EngineConfiguration(
            apiURL: EmbeddedServer.placeholderURL, apiKey: configuration.apiKey ?? "traktql", credentials: credentials,
            settings: settings, clock: clock, progress: progress)
        // A rate limit's wait (429 Retry-After) or a retry's backoff longer than a second is
        // said on stderr, so a pause is never silent; Ctrl-C stops it.
        engineConfiguration.onRetry = { event in
            guard event.delay > 1 else { return }
            let line = "traktql: \(event.reason) for \(TerminalSafety.sanitize(event.request)); waiting \(String(format: "%.0f", event.delay.rounded(.up))) s "
                + "before trying again (retry \(event.attempt); Ctrl-C stops)\n"
            // Never over the progress line: it is erased, and drawn again by the next update.
            if let progressLine { progressLine.interject(line) } else { Console.err(line) }
        }
        // The default key "traktql" is not a secret (and is this program's name).
        engineConfiguration.redactor = Redactor(apiKey: configuration.apiKey, password: configuration.password, credentials: credentials)
        for secret in [configuration.accessToken, configuration.clientSecret].compactMap({ $0 }) {
            engineConfiguration.redactor.add(secret, label: "<token>")
        }

        // v2: the app's client id, and the token when one is given (the embedded emulator
        // issues its own below).
        var embeddedToken: String?
        if api == .v2 || configuration.clientID != nil || configuration.apiURL == nil {
            var token = configuration.accessToken
            if configuration.apiURL == nil {
                // `set api = v2` may come later: the embedded emulator always knows a token.
                embeddedToken = token ?? "embedded-" + UUID().uuidString.lowercased()
                token = embeddedToken
            }
            engineConfiguration.v2 = V2Credentials(clientID: configuration.clientID ?? "traktql", clientSecret: configuration.clientSecret,
                                                   bearer: token.map(StaticBearerToken.init))
            if let token = configuration.accessToken { engineConfiguration.redactor.add(token, label: "<token>") }
            if let secret = configuration.clientSecret { engineConfiguration.redactor.add(secret, label: "<client-secret>") }
        }
        engineConfiguration.input = configuration.input
        engineConfiguration.streamingInput = configuration.streamingInput

        let trustRootFiles: [String]
        switch ShellTransport.trustRootFiles(caCertificateFile: configuration.caCertificateFile, server: configuration.apiURL) {
        case .success(let files): trustRootFiles = files
        case .failure(let problem):
            Console.err("traktql: error: \(problem.message)\n")
            return ExitStatus.usage.rawValue
        }
        let trustRootDirectories: [String]
        switch ShellTransport.trustRootDirectories(server: configuration.apiURL) {
        case .success(let directories): trustRootDirectories = directories
        case .failure(let problem):
            Console.err("traktql: error: \(problem.message)\n")
            return ExitStatus.usage.rawValue
        }

        var embedded: EmbeddedServer?
        var shownURL: URL?
        var network: ShellTransport?
        if let url = configuration.apiURL, let scheme = url.scheme?.lowercased() {
            engineConfiguration.apiURL = url
            shownURL = url
            let transport = ShellTransport(engine: engineConfiguration, trustRootFiles: trustRootFiles,
                                           trustRootDirectories: trustRootDirectories, proxies: .environment())
            engineConfiguration.transport = transport.transport
            network = transport
            if let v2 = engineConfiguration.v2, v2.bearer == nil {
                var redactor = engineConfiguration.redactor
                engineConfiguration.v2?.bearer = savedLogin(for: url, credentials: v2, tokenFile: configuration.auth.tokenFile,
                                                            transport: transport.unretried, redactor: &redactor)
                engineConfiguration.redactor = redactor
            }
            if credentials != nil, scheme == "http", let host = url.host, !Loopback.isLoopback(host) {
                Console.err("traktql: warning: your username and password's SHA-1 go to \(TerminalSafety.sanitize(host)) over plain http://, "
                            + "readable by anyone on the network path (and the SHA-1 of a password is as good as the password to v1)\n")
            }
        } else {
            // Announced on stderr whether or not it is a terminal (the README promises it): an
            // answer from the built-in dataset must never pass for one from a configured server.
            let quiet = configuration.quiet
            var faults = FaultSpec.none
            if let spec = configuration.emulatorFaults {
                do {
                    faults = try FaultSpec(parsing: spec)
                } catch {
                    Console.err("traktql: error: --emulator-faults: \(error.description)\n")
                    return ExitStatus.usage.rawValue
                }
            }
            var scale = DatasetScale.default
            if let name = configuration.emulatorScale {
                guard let named = DatasetScale(rawValue: name) else {
                    Console.err("traktql: error: --emulator-scale must be one of \(DatasetScale.allCases.map(\.rawValue).joined(separator: ", "))\n")
                    return ExitStatus.usage.rawValue
                }
                scale = named
            }
            // The embedded emulator answers v2 with its own token for a default user, so
            // `user:me` works; the token may go over http to it (it is this machine).
            engineConfiguration.plainHTTPSecretHosts = [EmbeddedServer.placeholderURL.host ?? ""]
            let server = EmbeddedServer(seed: configuration.emulatorSeed, now: configuration.emulatorNow ?? configuration.now,
                                        faults: faults, size: scale.size, v2Token: embeddedToken, api: api) { banner in
                if !quiet { Console.err(banner + "\n") }
            }
            embedded = server
            // The built-in emulator is the emulator core in this process: no socket, no proxy.
            engineConfiguration.transport = RetryingTransport(
                base: EmbeddedServerTransport(server: server, requestTimeout: engineConfiguration.requestTimeout),
                policy: engineConfiguration.retryPolicy, onRetry: engineConfiguration.onRetry)
        }
        engineConfiguration.checksNamesWithServerCatalog = configuration.checksNames
        let engine = Engine(configuration: engineConfiguration)
        // Every output path redacts the secrets the session knows (a token sent back in a title).
        let printer = OutputPrinter(terminal: terminal, redactor: engineConfiguration.redactor)
        // `.login`, `.whoami`, `.logout` use the same server (or the built-in one), over the same
        // connection (`--cacert`, proxies) as queries.
        let authOptions = configuration.authOptions
        let redactor = engineConfiguration.redactor
        let auth = Result<AuthSession, AuthSession.Failure> { () throws(AuthSession.Failure) in
            try AuthSession(options: authOptions, transport: network?.unretried, redactor: redactor, embedded: embedded, terminal: terminal)
        }

        var status = ExitStatus.ok
        let scripted = !configuration.commands.isEmpty || !configuration.files.isEmpty || !terminal.stdinIsTTY
        if scripted {
            let session = Session(engine: engine, baseURL: shownURL, printer: printer, interactive: false, progress: progressLine, auth: auth)
            let runner = ScriptRunner(session: session, keepGoing: configuration.keepGoing)
            var sources: [(text: String, name: String?)] = configuration.commands.map { ($0, nil) }
            for file in configuration.files {
                do {
                    sources.append((try ScriptSource.read(file), file == "-" ? "<stdin>" : file))
                } catch {
                    Console.err("traktql: error: cannot read \(file): \(error)\n")
                    status = .usage
                    if !configuration.keepGoing { sources = []; break }
                }
            }
            if configuration.commands.isEmpty && configuration.files.isEmpty {
                do {
                    sources.append((try ScriptSource.read("-"), "<stdin>"))
                } catch {
                    Console.err("traktql: error: cannot read standard input: \(error)\n")
                    status = .usage
                }
            }
            let keepGoing = configuration.keepGoing
            let ran = await Self.interruptibly { [sources] in
                var status = ExitStatus.ok
                for source in sources {
                    let result = await runner.run(source: source.text, name: source.name)
                    status = max(status, result)
                    if result != .ok && !keepGoing { break }
                }
                return status
            }
            status = max(status, ran)
        } else {
            let session = Session(engine: engine, baseURL: shownURL, printer: printer, interactive: true, progress: progressLine, auth: auth)
            status = await REPL(session: session, embedded: embedded).run()
        }
        // Clients with connections shut down before the process exits, whatever happened: exiting
        // with connections still on NIO's event loops crashed (SIGILL). The built-in emulator
        // has none (it is in this process); stopping it only ends its use.
        if case .success(let session) = auth { await session.stop() }
        await embedded?.stop()
        await network?.shutdown()
        return status.rawValue
    }

    /// Runs the statements of a script with Ctrl-C (SIGINT) cancelling them: the statement under
    /// way stops, nothing after it runs, and the status is ``ExitStatus/interrupted`` (130), so
    /// the caller still stops the built-in server cleanly before the process exits. A second
    /// Ctrl-C while that winds down leaves at once.
    static func interruptibly(_ work: @escaping @Sendable () async -> ExitStatus) async -> ExitStatus {
        let interrupted = InterruptFlag()
        let task = Task { await work() }
        InterruptSignal.shared.install()
        InterruptSignal.shared.setHandler {
            interrupted.set()
            task.cancel()
            InterruptSignal.shared.setHandler {
                Console.err("traktql: interrupted twice; leaving now\n")
                _exit(ExitStatus.interrupted.rawValue)
            }
        }
        let status = await task.value
        InterruptSignal.shared.uninstall()
        guard interrupted.isSet else { return status }
        Console.err("traktql: interrupted\n")
        return .interrupted
    }
}

/// Whether Ctrl-C was pressed, shared with the signal's handler.
private final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
