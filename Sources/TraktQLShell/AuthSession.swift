import Foundation
import TraktEmulator
import TraktQL

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
    /// Where ``accessTokenOverride`` came from (`TRAKT_ACCESS_TOKEN`, `--access-token`).
    let accessTokenOrigin: String
    /// Where logins are saved; nil for the built-in emulator.
    let store: TokenStore?
    let embedded: EmbeddedServer?
    let terminal: Terminal
    /// No note about the built-in emulator.
    private var quiet = false
    /// A copy of the shell's redactor: what it learns (a new login) every copy redacts.
    private(set) var redactor: Redactor
    /// The built-in emulator's login (not saved).
    private var sessionToken: OAuthToken?
    /// The shell's own connection to the server (``ShellTransport/unretried``: the same trust
    /// roots, `--cacert` included, and proxies as queries; no retries, since a refresh sent twice
    /// would spend its refresh token and log the user out); nil for the built-in emulator, which
    /// is called in this process (``EmbeddedServer/transport``).
    private let transport: (any HTTPTransport)?
    /// Whether ``stop()`` stops ``embedded`` (the shell stops its own).
    private let ownsEmbedded: Bool
    /// Seconds added to the interval on a slow-down (tests shorten it).
    var slowDownStep: TimeInterval = 5

    /// A failure to report (`traktql: error: …`) with its exit status.
    struct Failure: Error {
        var message: String
        var status: ExitStatus
    }

    /// - Parameters:
    ///   - options: the server and app, as ``ShellConfiguration/resolveConnection()`` resolved them.
    ///   - transport: how to reach `options.apiURL` (required when there is one).
    ///   - redactor: the shell's redactor (a copy shares what it learns).
    init(options: AuthOptions, transport: (any HTTPTransport)?, redactor: Redactor, embedded: EmbeddedServer?, terminal: Terminal) throws(Failure) {
        let location = options.configFile ?? ConfigFile.defaultLocation()
        clientSecret = options.clientSecret
        accessTokenOverride = options.accessTokenOverride
        accessTokenOrigin = options.accessTokenOrigin ?? "TRAKT_ACCESS_TOKEN"
        var redactor = redactor
        if let token = options.accessTokenOverride { redactor.add(token, label: "<token>") }
        if let clientSecret { redactor.add(clientSecret, label: "<client-secret>") }
        self.redactor = redactor
        self.terminal = terminal
        ownsEmbedded = embedded == nil
        if let apiURL = options.apiURL {
            do {
                try OAuthClient.checkSafeForTokens(apiURL)
            } catch {
                throw Failure(message: redactor.redact(error.message), status: .usage)
            }
            guard let clientID = options.clientID else {
                throw Failure(message: "logging in needs the app's client id: --client-id, TRAKT_CLIENT_ID or client_id in \(location.path)", status: .usage)
            }
            guard let transport else { throw Failure(message: "no connection to \(apiURL.absoluteString)", status: .usage) }
            self.transport = transport
            self.apiURL = apiURL
            self.clientID = clientID
            self.embedded = nil
            store = TokenStore(url: options.tokenFile ?? TokenStore.defaultLocation())
        } else {
            // The built-in emulator is in this process: called directly, no socket (client()).
            self.transport = nil
            self.apiURL = nil
            self.clientID = options.clientID ?? "traktql"
            store = nil
            // Its own banner would speak of v1; login() says what it is used for.
            self.embedded = embedded ?? EmbeddedServer(seed: 1, now: nil, size: DatasetScale.small.size) { _ in }
            self.quiet = options.quiet
        }
    }

    /// Stops a built-in emulator this session started (call before the process exits).
    func stop() async {
        if ownsEmbedded { await embedded?.stop() }
    }

    private func client() async throws -> OAuthClient {
        if apiURL == nil, let embedded {
            // The built-in emulator is in this process: its own transport, no socket.
            return try OAuthClient(baseURL: EmbeddedServer.oauthURL, clientID: clientID, clientSecret: clientSecret, transport: embedded.transport)
        }
        guard let base = apiURL, let transport else { throw OAuthError(.network, "no server") }
        return try OAuthClient(baseURL: base, clientID: clientID, clientSecret: clientSecret, transport: transport)
    }

    /// How messages name the server: its URL, or the built-in emulator (in this process, so it
    /// has no address).
    private func serverName(_ client: OAuthClient) -> String {
        apiURL == nil ? "the built-in emulator" : client.serverIdentity
    }

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
        if accessTokenOverride != nil {
            note("traktql: note: \(accessTokenOrigin) is set and overrides the saved login: queries use that token, not the login made now, "
                 + "until \(accessTokenOrigin) is no longer given.")
        }
        // Everything the save will need is checked now, not after the code was approved.
        try store?.checkReadyForLogin()
        let code = try await flow.start()
        redactor.learn(code.deviceCode, label: "<device-code>")
        say("Logging in to \(serverName(client)).\nTo log in, open \(code.verificationURL) and enter the code:\n\n    \(code.userCode)\n")
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
                    Console.err("traktql: the server asked to poll less often; now every \(OutsideNumber.wholeSeconds(interval)) s\n")
                }
            }
            progress?.clear()
        } catch {
            progress?.clear()
            throw error
        }
        redactor.learn(token)
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
        var done = "Logged in to \(serverName(client))" + (who.map { " as \($0.username)" } ?? "")
            + " (scope \(token.scope.isEmpty ? "-" : token.scope); the token expires \(Self.date(token.expiresAt)))."
        if let store { done += "\nSaved to \(store.url.path) (mode 0600)." }
        if accessTokenOverride != nil { done += "\n\(accessTokenOrigin) still overrides it: unset it to use this login." }
        say(done)
    }

    // MARK: - status

    /// Who the login belongs to (`GET /users/settings`), its scope and expiry. A login about
    /// to expire is refreshed (and saved) first. Not logged in: ``OAuthError/Kind/notLoggedIn``.
    func status() async throws {
        let client = try await client()
        if let override = accessTokenOverride {
            let account = try await client.account(accessToken: override)
            say("Logged in to \(serverName(client)) as \(Self.describe(account)) with \(accessTokenOrigin) "
                + "(it overrides the saved login; its expiry is unknown).")
            return
        }
        let (found, absence) = try await currentToken(client: client)
        guard let token = found else {
            if store == nil, let builtIn = embedded?.preIssuedToken {
                // `--api v2` on the built-in emulator: user:me works without a login.
                let account = try await client.account(accessToken: builtIn)
                say("Logged in to the built-in emulator as \(Self.describe(account)) with its own token (user:me uses it on Trakt API v2; nothing is saved).\n"
                    + "  .login runs the device flow against it; with --client-id, traktql talks to your Trakt account instead.")
                return
            }
            throw OAuthError.notLoggedIn(store == nil ? "no login in this session of the built-in emulator"
                                            : absence ?? "no saved login for \(client.serverIdentity)")
        }
        let account = try await client.account(accessToken: token.accessToken)
        var lines = ["Logged in to \(serverName(client)) as \(Self.describe(account))."]
        lines.append("  scope:   \(token.scope.isEmpty ? "-" : token.scope)")
        lines.append("  expires: \(Self.date(token.expiresAt)) (in \(Self.duration(token.expiresAt.timeIntervalSinceNow)); renewed automatically)")
        if let store { lines.append("  saved:   \(store.url.path) (mode 0600)") } else { lines.append("  saved:   no (the built-in emulator's login lasts while traktql runs)") }
        say(lines.joined(separator: "\n"))
    }

    /// The valid login (refreshed when near expiry), or nil and why (a login for another server).
    private func currentToken(client: OAuthClient) async throws -> (OAuthToken?, String?) {
        // Copies of a redactor share what it learns: a pair renewed here is redacted at once,
        // even in the message of a failure that follows.
        let learner = redactor
        let source = RefreshingTokenSource(client: client, store: store, token: sessionToken, requiresLogin: false,
                                           onNewToken: { learner.learn($0) },
                                           onWarning: { Console.err(learner.redact(TerminalSafety.sanitize("traktql: warning: " + $0)) + "\n") })
        let token = try await source.validToken()
        if let token, store == nil { sessionToken = token }
        return (token, await source.missingLoginReason)
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
            switch store.readForRemoval() {
            case .none: outcome = .success(try await logout(nil))
            case .token(let token): outcome = .success(try await logout(token))
            case .unusable(let why):
                // A corrupt or unsafe token file: `auth logout` is the advice for it, so it goes.
                try store.delete()
                say("Removed the token file \(store.url.path), which was no usable login (\(why)); nothing could be revoked at the server.")
                outcome = .success(())
            }
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
        redactor.learn(token)
        var client = try await client()
        if let issuer = token.server, issuer != client.serverIdentity, let url = URL(string: issuer), let transport {
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
        let s = max(0, OutsideNumber.wholeSeconds(seconds))
        if s >= 86_400 { return "\(s / 86_400) d \(s % 86_400 / 3600) h" }
        if s >= 3600 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        if s >= 60 { return "\(s / 60) min" + (s % 60 == 0 ? "" : " \(s % 60) s") }
        return "\(s) s"
    }
}
