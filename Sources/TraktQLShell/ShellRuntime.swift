import Foundation
import TraktEmulator
import TraktQL

/// What a run is made of once it is resolved: the second of ``TraktQLShell/run(_:)``'s three
/// steps. The connection is the configured server over libcurl (``ShellTransport``), or the
/// built-in emulator in this process; the engine, the printer and the login commands share it.
struct ShellRuntime {
    let engine: Engine
    /// The server as `explain` shows it (nil: the built-in emulator).
    let shownURL: URL?
    let printer: OutputPrinter
    /// `.login`, `.whoami`, `.logout`: the same server over the same connection as queries.
    let auth: Result<AuthSession, AuthSession.Failure>
    let embedded: EmbeddedServer?
    let network: ShellTransport?
    let progressLine: ProgressLine?

    static func build(_ run: ResolvedRun, terminal: Terminal) -> ShellRuntime {
        let configuration = run.configuration
        var engineConfiguration = run.engine
        var embedded: EmbeddedServer?
        var network: ShellTransport?
        var shownURL: URL?
        if let url = configuration.apiURL, let scheme = url.scheme?.lowercased() {
            engineConfiguration.apiURL = url
            shownURL = url
            let transport = ShellTransport(engine: engineConfiguration, trustRootFiles: run.trustRootFiles,
                                           trustRootDirectories: run.trustRootDirectories, proxies: .environment())
            engineConfiguration.transport = transport.transport
            network = transport
            if let v2 = engineConfiguration.v2, v2.bearer == nil {
                var redactor = engineConfiguration.redactor
                engineConfiguration.v2?.bearer = TraktQLShell.savedLogin(for: url, credentials: v2, tokenFile: configuration.auth.tokenFile,
                                                                         transport: transport.unretried, redactor: &redactor)
                engineConfiguration.redactor = redactor
            }
            if engineConfiguration.credentials != nil, scheme == "http", let host = url.host, !Loopback.isLoopback(host) {
                Console.err("traktql: warning: your username and password's SHA-1 go to \(TerminalSafety.sanitize(host)) over plain http://, "
                            + "readable by anyone on the network path (and the SHA-1 of a password is as good as the password to v1)\n")
            }
        } else {
            // Announced on stderr whether or not it is a terminal (the README promises it): an
            // answer from the built-in dataset must never pass for one from a configured server.
            let quiet = configuration.quiet
            // The embedded emulator answers v2 with its own token for a default user, so
            // `user:me` works; the token may go over http to it (it is this machine).
            engineConfiguration.plainHTTPSecretHosts = [EmbeddedServer.placeholderURL.host ?? ""]
            let server = EmbeddedServer(seed: configuration.emulatorSeed, now: configuration.emulatorNow ?? configuration.now,
                                        faults: run.faults, size: run.scale.size, v2Token: run.embeddedToken, api: run.settings.api) { banner in
                if !quiet { Console.err(banner + "\n") }
            }
            embedded = server
            // The built-in emulator is the emulator core in this process: no socket, no proxy.
            engineConfiguration.transport = RetryingTransport(
                base: EmbeddedServerTransport(server: server, requestTimeout: engineConfiguration.requestTimeout),
                policy: engineConfiguration.retryPolicy, onRetry: engineConfiguration.onRetry)
        }
        let engine = Engine(configuration: engineConfiguration)
        // Every output path redacts the secrets the session knows (a token sent back in a title).
        let printer = OutputPrinter(terminal: terminal, redactor: engineConfiguration.redactor)
        let authOptions = configuration.authOptions
        let redactor = engineConfiguration.redactor
        let auth = Result<AuthSession, AuthSession.Failure> { [network, embedded] () throws(AuthSession.Failure) in
            try AuthSession(options: authOptions, transport: network?.unretried, redactor: redactor, embedded: embedded, terminal: terminal)
        }
        return ShellRuntime(engine: engine, shownURL: shownURL, printer: printer,
                            auth: auth, embedded: embedded, network: network, progressLine: run.progressLine)
    }

    /// Closes what the run opened, whatever happened: exiting with connections still open on
    /// NIO's event loops crashed (SIGILL). The built-in emulator has none (it is in this
    /// process); stopping it only ends its use.
    func stop() async {
        if case .success(let session) = auth { await session.stop() }
        await embedded?.stop()
        await network?.shutdown()
    }
}
