import Foundation
import TraktEmulator
import TraktQL
import TraktQLHTTPClient

/// `traktql auth login|status|logout` and the shell's `.login`, `.whoami`, `.logout`: the
/// device-flow login of Trakt API v2, its saved token (``TokenStore``), and who it belongs to.
///
/// With no API configured it logs in to the built-in emulator (device codes approved at once);
/// such a login lives only as long as the process and is not saved. Nothing it prints holds a
/// token, the device code or the client secret (everything goes through ``redactor``).
actor AuthSession {
    let apiURL: URL?
    let clientID: String
    let clientSecret: String?
    let accessTokenOverride: String?
    /// Where logins are saved; nil for the built-in emulator.
    let store: TokenStore?
    let embedded: EmbeddedServer?
    let terminal: Terminal
    /// What the config file's checks found (`traktql auth` prints them; the shell already has).
    let configWarnings: [String]
    /// No note about the built-in emulator.
    private var quiet = false
    private(set) var redactor: Redactor
    /// The built-in emulator's login (not saved).
    private var sessionToken: OAuthToken?
    /// Plain http:// on the socket client, https:// (and proxies) on AsyncHTTPClient; no
    /// retries: a refresh sent twice would spend its refresh token and log the user out.
    private let transport: any HTTPTransport
    private let secure: HTTPClientTransport
    /// Whether ``stop()`` stops ``embedded`` (the shell stops its own).
    private let ownsEmbedded: Bool
    /// Seconds added to the interval on a slow-down (tests shorten it).
    var slowDownStep: TimeInterval = 5

    /// A failure to report (`traktql: error: …`) with its exit status.
    struct Failure: Error {
        var message: String
        var status: ExitStatus
    }

    init(options: AuthOptions, embedded: EmbeddedServer?, terminal: Terminal) throws(Failure) {
        let location = options.configFile ?? ConfigFile.defaultLocation()
        let (file, warnings) = ConfigFile.load(from: location)
        configWarnings = warnings
        var apiURL = options.apiURL
        if apiURL == nil, let text = file?.apiURL {
            guard let url = URL(string: text) else { throw Failure(message: "api_url in \(location.path) is not a URL", status: .usage) }
            apiURL = url
        }
        let clientID = options.clientID ?? file?.clientID
        clientSecret = options.clientSecret ?? file?.clientSecret
        accessTokenOverride = options.accessTokenOverride
        var redactor = Redactor(tokens: [options.accessTokenOverride].compactMap { $0 })
        if let clientSecret { redactor.add(clientSecret, label: "<client-secret>") }
        self.redactor = redactor
        self.terminal = terminal
        var settings = HTTPTransportConfiguration()
        let proxies = ProxySettings.environment()
        if case .success(let files) = ShellTransport.trustRootFiles(caCertificateFile: nil, server: apiURL) {
            settings.additionalTrustRootFiles = files
        }
        settings.proxies = proxies
        secure = HTTPClientTransport(configuration: settings)
        transport = RoutingTransport(direct: SocketHTTPTransport(), general: secure, proxies: proxies)
        ownsEmbedded = embedded == nil
        if let apiURL {
            do {
                try OAuthClient.checkSafeForTokens(apiURL)
            } catch {
                throw Failure(message: redactor.redact(error.message), status: .usage)
            }
            guard let clientID else {
                throw Failure(message: "logging in needs the app's client id: --client-id, TRAKT_CLIENT_ID or client_id in \(location.path)", status: .usage)
            }
            self.apiURL = apiURL
            self.clientID = clientID
            self.embedded = nil
            store = TokenStore(url: options.tokenFile ?? TokenStore.defaultLocation())
        } else {
            self.apiURL = nil
            self.clientID = clientID ?? "traktql"
            store = nil
            // Its own banner would speak of v1; login() says what it is used for.
            self.embedded = embedded ?? EmbeddedServer(seed: 1, now: nil, size: DatasetScale.small.size) { _ in }
            self.quiet = options.quiet
        }
    }

    /// Stops the HTTPS client and a built-in emulator this session started (call before the
    /// process exits).
    func stop() async {
        await secure.shutdown()
        if ownsEmbedded { await embedded?.stop() }
    }

    private func client() async throws -> OAuthClient {
        if apiURL == nil, let embedded {
            // The built-in emulator is in this process: its own transport, no socket.
            return try OAuthClient(baseURL: EmbeddedServer.oauthURL, clientID: clientID, clientSecret: clientSecret, transport: embedded.transport)
        }
        guard let base = apiURL else { throw OAuthError(.network, "no server") }
        return try OAuthClient(baseURL: base, clientID: clientID, clientSecret: clientSecret, transport: transport)
    }

    /// The server a status line names: its URL, or the built-in emulator.
    private func serverName(_ client: OAuthClient) -> String { apiURL == nil && embedded != nil ? "the built-in emulator" : client.serverIdentity }

    /// Server text (usernames, URLs) is sanitised for the terminal; line breaks are kept.
    private func say(_ text: String) { Console.out(redactor.redact(TerminalSafety.sanitizeKeepingLines(redactor.redact(text))) + "\n") }
    private func note(_ text: String) { Console.err(redactor.redact(TerminalSafety.sanitizeKeepingLines(redactor.redact(text))) + "\n") }

    /// What a failure says, without secrets.
    func message(for error: any Error) -> String {
        if let error = error as? OAuthError { return redactor.redact(error.message) }
        return redactor.redact("\(error)")
    }

    // MARK: - login

    /// The device flow: shows the code (and a QR code on a terminal), polls, saves the token.
    /// Cancelling (Ctrl-C) stops it with nothing saved.
    func login() async throws {
        let client = try await client()
        var flow = DeviceFlow(client: client)
        flow.slowDownStep = slowDownStep
        if embedded != nil && !quiet {
            note("traktql: no API configured; logging in to the built-in emulator (in this process), which approves codes by itself. "
                 + "The login lasts while this traktql runs and is not saved. Use --api-url (or TRAKT_API_URL) and --client-id for a real server.")
        }
        let code = try await flow.start()
        redactor.add(code.deviceCode, label: "<device-code>")
        say("To log in, open \(code.verificationURL) and enter the code:\n\n    \(code.userCode)\n")
        // Drawn only on a terminal: in a pipe or a file the blocks are noise. The server's URL
        // is sanitised before it is encoded; the drawing itself is ours (colour escapes).
        let target = TerminalSafety.sanitize(code.prefilledURL)
        if terminal.stdoutIsTTY, let qr = QRCode(target, errorCorrection: .low) {
            say("or scan this code (it opens \(target)):\n")
            Console.out(qr.terminalText() + "\n")
        }
        say("The code expires in \(Self.duration(code.expiresIn)). Waiting for approval (Ctrl-C cancels)…")
        let progress = terminal.stderrIsTTY ? ProgressLine() : nil
        let token: OAuthToken
        do {
            token = try await flow.waitForApproval(code) { event in
                switch event {
                case .pending(let poll, let remaining):
                    progress?.show("waiting for approval of \(code.userCode)… \(AuthSession.duration(remaining)) left (poll \(poll))")
                case .slowDown(let interval):
                    progress?.clear()
                    Console.err("traktql: the server asked to poll less often; now every \(Int(interval.rounded())) s\n")
                }
            }
            progress?.clear()
        } catch {
            progress?.clear()
            throw error
        }
        redactor.add(token)
        try Task.checkCancellation()  // Ctrl-C after approval: still nothing saved
        if let store {
            // Not in the middle of another traktql's refresh, which would save its pair over this one.
            let lock = try await TokenFileLock.acquire(for: store, timeout: Self.lockTimeout)
            try store.save(token)
            lock.release()
        } else {
            sessionToken = token
        }
        let who = try? await client.account(accessToken: token.accessToken)
        var done = "Logged in" + (who.map { " as \($0.username)" } ?? "") + " (scope \(token.scope.isEmpty ? "-" : token.scope); the token expires \(Self.date(token.expiresAt)))."
        if let store { done += "\nSaved to \(store.url.path) (mode 0600)." }
        say(done)
    }

    // MARK: - status

    /// Who the login belongs to (`GET /users/settings`), its scope and expiry. A login about
    /// to expire is refreshed (and saved) first. Not logged in: ``OAuthError/Kind/notLoggedIn``.
    func status() async throws {
        let client = try await client()
        if let override = accessTokenOverride {
            let account = try await client.account(accessToken: override)
            say("Logged in to \(serverName(client)) as \(Self.describe(account)) with TRAKT_ACCESS_TOKEN (it overrides the saved login; its expiry is unknown).")
            return
        }
        guard let token = try await currentToken(client: client) else {
            if store == nil, let builtIn = embedded?.preIssuedToken {
                // `--api v2` on the built-in emulator: user:me works without a login.
                let account = try await client.account(accessToken: builtIn)
                say("Logged in to the built-in emulator as \(Self.describe(account)) with its own token (user:me uses it on Trakt API v2; nothing is saved).\n"
                    + "  .login runs the device flow against it; with --client-id, traktql talks to your Trakt account instead.")
                return
            }
            throw OAuthError.notLoggedIn(store == nil ? "no login in this session of the built-in emulator" : "no saved login")
        }
        let account = try await client.account(accessToken: token.accessToken)
        var lines = ["Logged in to \(serverName(client)) as \(Self.describe(account))."]
        lines.append("  scope:   \(token.scope.isEmpty ? "-" : token.scope)")
        lines.append("  expires: \(Self.date(token.expiresAt)) (in \(Self.duration(token.expiresAt.timeIntervalSinceNow)); renewed automatically)")
        if let store { lines.append("  saved:   \(store.url.path) (mode 0600)") } else { lines.append("  saved:   no (the built-in emulator's login lasts while traktql runs)") }
        say(lines.joined(separator: "\n"))
    }

    /// The valid login (refreshed when near expiry), or nil when there is none.
    private func currentToken(client: OAuthClient) async throws -> OAuthToken? {
        // Copies of a redactor share what it learns: a pair renewed here is redacted at once,
        // even in the message of a failure that follows.
        let learner = redactor
        let source = RefreshingTokenSource(client: client, store: store, token: sessionToken, requiresLogin: false,
                                           onNewToken: { learner.learn($0) })
        let token = try await source.validToken()
        if let token {
            redactor.add(token)
            if store == nil { sessionToken = token }
        }
        return token
    }

    // MARK: - logout

    /// Revokes the login at the server that issued it and deletes it. A revoke that fails
    /// still deletes the local copy, with a warning.
    func logout() async throws {
        guard let store else { return try await logout(sessionToken) }
        // Under the lock: a refresh by another traktql finishes first, and this revokes and
        // deletes the pair it saved (rather than the old one, leaving the new pair behind).
        let lock = try await TokenFileLock.acquire(for: store, timeout: Self.lockTimeout)
        let outcome: Result<Void, any Error>
        do {
            outcome = .success(try await logout(try store.load()))
        } catch {
            outcome = .failure(error)
        }
        lock.release()
        try outcome.get()
    }

    /// How long login and logout wait for another traktql's refresh: its HTTP timeout and more.
    static let lockTimeout: TimeInterval = 40

    private func logout(_ saved: OAuthToken?) async throws {
        guard let token = saved else {
            if store == nil, embedded?.preIssuedToken != nil {
                say("Nothing to log out: user:me uses the built-in emulator's own token, which stays while traktql runs.")
            } else {
                say("Not logged in; nothing to do.")
            }
            return
        }
        redactor.add(token)
        var client = try await client()
        if let issuer = token.server, issuer != client.serverIdentity, let url = URL(string: issuer) {
            client = try OAuthClient(baseURL: url, clientID: clientID, clientSecret: clientSecret, transport: transport)
        }
        var revoked = true
        do {
            try await client.revoke(token)
        } catch let error as OAuthError {
            revoked = false
            note("traktql: warning: could not revoke the token at \(client.serverIdentity): \(message(for: error)); it stays valid there until it expires")
        }
        if let store { try store.delete() }
        sessionToken = nil
        say(revoked ? "Logged out: the token was revoked and deleted." : "Logged out locally: the token was deleted.")
    }

    // MARK: - Formatting

    static func describe(_ account: OAuthClient.Account) -> String {
        account.username + (account.name.map { $0.isEmpty ? "" : " (\($0))" } ?? "") + (account.isVIP ? ", VIP" : "")
    }

    static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }

    /// `9 min 55 s`, `6 d 23 h`.
    static func duration(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds.rounded()))
        if s >= 86_400 { return "\(s / 86_400) d \(s % 86_400 / 3600) h" }
        if s >= 3600 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        if s >= 60 { return "\(s / 60) min" + (s % 60 == 0 ? "" : " \(s % 60) s") }
        return "\(s) s"
    }
}
