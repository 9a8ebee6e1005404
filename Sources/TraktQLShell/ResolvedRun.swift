import Foundation
import TraktEmulator
import TraktQL
import TraktQLMirror

/// Everything a run decides from flags, environment, config file and secret files before it
/// builds anything: the first of ``TraktQLShell/run(_:)``'s three steps (resolve, build, run).
/// Warnings are printed as they are found, in order; the first problem stops with a
/// ``StartupFailure``. Nothing here depends on which API the session speaks: the engine's
/// configuration carries every credential given, and the engine's backend factory picks.
struct ResolvedRun {
    /// The command line, with the config file's values and the secret files read in.
    var configuration: ShellConfiguration
    /// The session's settings (`api`, `tz`, `format`…), as `set` would have made them.
    var settings: Settings
    /// What the engine is built from (without its transport: the next step picks that).
    var engine: EngineConfiguration
    /// `--cacert` and `SSL_CERT_FILE`; `SSL_CERT_DIR`.
    var trustRootFiles: [String]
    var trustRootDirectories: [String]
    /// The built-in emulator's faults and dataset scale, when no server is configured.
    var faults: FaultSpec
    var scale: DatasetScale
    /// The token `user:me` uses on the built-in emulator (none with a configured server).
    var embeddedToken: String?
    /// The progress line on a terminal's stderr.
    var progressLine: ProgressLine?

    static func resolve(_ given: ShellConfiguration, terminal: Terminal) throws(StartupFailure) -> ResolvedRun {
        var configuration = given
        // Secrets on argv can be read by every local user (ps, /proc): say so, once.
        if let warning = configuration.secretsOnCommandLineWarning { Console.err(warning + "\n") }
        try readSecrets(into: &configuration)
        // `--api mirror` (or TRAKT_API=mirror) reads as --mirror: the mirror is not an API of its own.
        if configuration.api?.lowercased() == "mirror" {
            configuration.api = nil
            configuration.mirror = true
        }

        // Config file (flags and environment already won in `main`), the API and the server:
        // decided in one place, for queries and `.login` alike.
        let resolved: ShellConfiguration.ResolvedConnection
        do {
            resolved = try configuration.resolveConnection()
        } catch {
            throw StartupFailure(message: TerminalSafety.sanitize(error.message), status: error.status)
        }
        for warning in resolved.warnings { Console.err(TerminalSafety.sanitize(warning) + "\n") }
        let settings = try Self.settings(configuration, resolved)

        if configuration.password != nil && configuration.username == nil {
            throw StartupFailure(message: "--password needs --username")
        }
        // A username without a password: ask on the terminal (never echoed, never in argv).
        if let username = configuration.username, configuration.password == nil, terminal.stdinIsTTY, terminal.stderrIsTTY {
            configuration.password = SecretInput.promptPassword(for: username)
        }

        let progressLine = terminal.stderrIsTTY ? ProgressLine() : nil
        var engine = Self.engineConfiguration(configuration, settings: settings, progressLine: progressLine)
        // The built-in emulator always knows a token (`set api = v2` may come later).
        let embeddedToken = configuration.apiURL == nil ? configuration.accessToken ?? "embedded-" + UUID().uuidString.lowercased() : nil
        engine.v2 = V2Credentials(clientID: configuration.clientID ?? "traktql", clientSecret: configuration.clientSecret,
                                  bearer: (embeddedToken ?? configuration.accessToken).map(StaticBearerToken.init))
        if let token = configuration.accessToken { engine.redactor.add(token, label: "<token>") }
        if let secret = configuration.clientSecret { engine.redactor.add(secret, label: "<client-secret>") }
        engine.input = configuration.input
        engine.streamingInput = configuration.streamingInput
        engine.checksNamesWithServerCatalog = configuration.checksNames
        // The local mirror (issue 26): opened at the first statement that reads it.
        engine.mirror = MirrorStoreDatabase.access(file: configuration.mirrorFile, server: configuration.apiURL ?? EmbeddedServer.placeholderURL)

        let trustRootFiles: [String]
        switch ShellTransport.trustRootFiles(caCertificateFile: configuration.caCertificateFile, server: configuration.apiURL) {
        case .success(let files): trustRootFiles = files
        case .failure(let problem): throw StartupFailure(message: problem.message)
        }
        let trustRootDirectories: [String]
        switch ShellTransport.trustRootDirectories(server: configuration.apiURL) {
        case .success(let directories): trustRootDirectories = directories
        case .failure(let problem): throw StartupFailure(message: problem.message)
        }
        var faults = FaultSpec.none
        var scale = DatasetScale.default
        if configuration.apiURL == nil {
            if let spec = configuration.emulatorFaults {
                do {
                    faults = try FaultSpec(parsing: spec)
                } catch {
                    throw StartupFailure(message: "--emulator-faults: \(error.description)")
                }
            }
            if let name = configuration.emulatorScale {
                guard let named = DatasetScale(rawValue: name) else {
                    throw StartupFailure(message: "--emulator-scale must be one of \(DatasetScale.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                scale = named
            }
        }
        return ResolvedRun(configuration: configuration, settings: settings, engine: engine, trustRootFiles: trustRootFiles,
                           trustRootDirectories: trustRootDirectories, faults: faults, scale: scale, embeddedToken: embeddedToken,
                           progressLine: progressLine)
    }

    /// `--api-key-file`/`--password-file` (`-` is standard input, which can be read for one thing).
    private static func readSecrets(into configuration: inout ShellConfiguration) throws(StartupFailure) {
        let files = [configuration.apiKeyFile, configuration.passwordFile]
        if files.filter({ $0 == "-" }).count > 1 || (files.contains("-") && (configuration.files.contains("-") || configuration.input == "-")) {
            throw StartupFailure(message: "standard input can be read for only one thing ('-' is given twice)")
        }
        if files.contains("-"), configuration.commands.isEmpty, configuration.files.isEmpty {
            throw StartupFailure(message: "'-' reads the secret from standard input; give the statements with -c or a script FILE")
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
            throw StartupFailure(message: error.description)
        }
    }

    /// The settings the flags and the config file give.
    private static func settings(_ configuration: ShellConfiguration, _ resolved: ShellConfiguration.ResolvedConnection) throws(StartupFailure) -> Settings {
        var settings = Settings()
        settings.api = resolved.api
        for (name, value) in [("tz", configuration.timeZone), ("format", configuration.format), ("convention", configuration.convention),
                              ("runtime_fallback", configuration.runtimeFallback)] {
            guard let value else { continue }
            if let failure = settings.apply(name: name, value: value) {
                throw StartupFailure(message: failure.message + (failure.help.map { " (\($0))" } ?? ""))
            }
        }
        for (name, value) in [("max_pages", resolved.file?.maxPages), ("cache_ttl", resolved.file?.cacheTTL), ("timeout", resolved.file?.timeout)] {
            guard let value else { continue }
            if let failure = settings.apply(name: name, value: value) {
                throw StartupFailure(message: "\(resolved.location.path): \(name): \(failure.message)" + (failure.help.map { " (\($0))" } ?? ""))
            }
        }
        // The local mirror (issue 26): flag or environment, then the config file.
        for (name, value, origin) in [("mirror", configuration.mirror.map { $0 ? "on" : "off" } ?? resolved.file?.mirror, "mirror"),
                                      ("mirror_max_age", resolved.file?.mirrorMaxAge, "mirror_max_age")] {
            guard let value else { continue }
            if let failure = settings.apply(name: name, value: value) {
                throw StartupFailure(message: "\(origin): \(failure.message)" + (failure.help.map { " (\($0))" } ?? ""))
            }
        }
        return settings
    }

    /// The engine's configuration: the server is filled in when the engine is built.
    private static func engineConfiguration(_ configuration: ShellConfiguration, settings: Settings, progressLine: ProgressLine?) -> EngineConfiguration {
        let credentials = configuration.username.map { BasicCredentials(username: $0, password: configuration.password ?? "") }
        let progress: (@Sendable (String) -> Void)? = progressLine.map { line in { @Sendable text in line.show(text) } }
        let clock: @Sendable () -> Date
        if let now = configuration.now { clock = { now } } else { clock = { Date() } }
        var engine = EngineConfiguration(
            apiURL: EmbeddedServer.placeholderURL, apiKey: configuration.apiKey ?? "traktql", credentials: credentials,
            settings: settings, clock: clock, progress: progress)
        // A rate limit's wait (429 Retry-After) or a retry's backoff longer than a second is
        // said on stderr, so a pause is never silent; Ctrl-C stops it.
        engine.onRetry = { event in
            guard event.delay > 1 else { return }
            let line = "traktql: \(event.reason) for \(TerminalSafety.sanitize(event.request)); waiting \(String(format: "%.0f", event.delay.rounded(.up))) s "
                + "before trying again (retry \(event.attempt); Ctrl-C stops)\n"
            // Never over the progress line: it is erased, and drawn again by the next update.
            if let progressLine { progressLine.interject(line) } else { Console.err(line) }
        }
        // The default key "traktql" is not a secret (and is this program's name).
        engine.redactor = Redactor(apiKey: configuration.apiKey, password: configuration.password, credentials: credentials)
        for secret in [configuration.accessToken, configuration.clientSecret].compactMap({ $0 }) {
            engine.redactor.add(secret, label: "<token>")
        }
        return engine
    }
}
