import Foundation
import Testing
import TestSupport
import TraktEmulator
import TraktEmulatorServer

/// Renewing a saved v2 login with the built `traktql`, against the emulator: several processes
/// renewing one login at once all keep it; a pair renewed in the middle of a session is
/// redacted like the one the session started with; an expired login is renewed over https by
/// the query that needs it, which then answers.
@Suite("v2 login renewal", .serialized)
struct V2LoginRefreshTests {
    static let clientID = AuthTerminalTests.clientID

    static func environment(_ home: TemporaryDirectory) -> [String: String] {
        AuthTerminalTests.environment(home)
    }

    static func tokenFile(_ home: TemporaryDirectory) -> String { home.path + "/config/traktql/token.json" }

    static func saved(_ home: TemporaryDirectory) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tokenFile(home)))) as? [String: Any] ?? [:]
    }

    /// Rewrites the saved login's expiry (`expires_at`, Unix seconds), keeping the file 0600.
    static func setExpiry(_ home: TemporaryDirectory, to date: Date) throws {
        var object = try saved(home)
        object["expires_at"] = Int(date.timeIntervalSince1970)
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: tokenFile(home)), options: .atomic)
        #expect(chmod(tokenFile(home), 0o600) == 0)
    }

    /// `traktql auth login` against `url` (device codes approved by the emulator at once).
    static func login(_ home: TemporaryDirectory, _ url: String, environment extra: [String: String] = [:]) async throws {
        let login = try await BinaryRunner.run("traktql", ["auth", "login", "--api-url", url],
                                               environment: environment(home).merging(extra) { $1 }, timeout: 60)
        try #require(login.status == 0, "login: \(login.stderr)")
    }

    static func settings(clientID: String = clientID, tokenUser: String = "justin", ttl: Int = 3600) -> V2Settings {
        V2Settings(clientID: clientID, tokenUser: tokenUser, deviceApproval: .auto, tokenTTL: ttl, rateLimit: .off, deviceInterval: 0)
    }

    /// Four `traktql auth status` processes find the same login about to expire at the same
    /// time. Refresh tokens work once, so without the lock around "re-read, refresh, save" all
    /// but one would send a spent refresh token and lose the login. Every request is answered
    /// 800 ms late, so the four overlap whatever the machine's load.
    @Test func concurrentRenewalsFromSeparateProcessesKeepTheLogin() async throws {
        var configuration = EmulatorConfiguration(seed: 5, size: DatasetScale.small.size, faults: try FaultSpec(parsing: "latency:800ms"))
        configuration.v2 = Self.settings()
        let server = try await EmulatorServer.start(configuration)
        let url = server.baseURL.absoluteString
        let home = try TemporaryDirectory()
        try await Self.login(home, url)
        try Self.setExpiry(home, to: Date().addingTimeInterval(60))  // inside the 5-minute margin
        let before = try Self.saved(home)
        let oldAccess = try #require(before["access_token"] as? String), oldRefresh = try #require(before["refresh_token"] as? String)

        let environment = Self.environment(home)
        let runs = try await withThrowingTaskGroup(of: BinaryRunner.Output.self) { group in
            for _ in 0..<4 {
                group.addTask { try await BinaryRunner.run("traktql", ["auth", "status", "--api-url", url], environment: environment, timeout: 90) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let after = try Self.saved(home)
        let newAccess = try #require(after["access_token"] as? String), newRefresh = try #require(after["refresh_token"] as? String)
        // The query reads the final pair as user:me; with latency, one query at a time.
        let me = try await BinaryRunner.run("traktql", ["--api", "v2", "--api-url", url, "-c", "activity user:me action:seen | count"],
                                            environment: environment, timeout: 90)
        let justin = try await BinaryRunner.run("traktql", ["--api", "v2", "--api-url", url, "-c", "activity user:justin action:seen | count"],
                                                environment: environment, timeout: 90)
        let oldStatus = try await AuthTerminalTests.settingsStatus(url, token: oldAccess)
        let newStatus = try await AuthTerminalTests.settingsStatus(url, token: newAccess)
        await server.stop()

        for run in runs {
            #expect(run.status == 0, "every process keeps the login: \(run.stderr)")
            #expect(run.stdout.contains("Logged in to \(url) as justin"), "\(run.stdout)")
        }
        #expect(newAccess != oldAccess && newRefresh != oldRefresh, "renewed")
        #expect((after["expires_at"] as? Double ?? 0) > Date().timeIntervalSince1970 + 3000)
        #expect(oldStatus == 401 && newStatus == 200, "the saved pair is the live one")
        #expect(me.status == 0, "\(me.stderr)")
        #expect(me.stdout.contains("\"count\":") && me.stdout == justin.stdout, "\(me.stdout) vs \(justin.stdout)")
        var info = stat()
        #expect(stat(Self.tokenFile(home), &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(stat(Self.tokenFile(home) + ".lock", &info) == 0 && info.st_mode & 0o777 == 0o600, "the lock file is private")
        let printed = (runs + [me, justin]).map { $0.stdout + $0.stderr }.joined()
        for secret in [oldAccess, oldRefresh, newAccess, newRefresh] { #expect(!printed.contains(secret)) }
    }

    /// A session renews its login with its first statement; its second meets a server that
    /// quotes the request's (new) bearer token in its error message. The session learned the
    /// new pair when it got it, so the message shows `<token>`.
    @Test func aTokenRenewedMidSessionIsRedacted() async throws {
        var configuration = EmulatorConfiguration(seed: 5, size: DatasetScale.small.size)
        configuration.v2 = Self.settings()
        configuration.v2.echoTokenInErrors = true
        let server = try await EmulatorServer.start(configuration)
        let url = server.baseURL.absoluteString
        let privateUser = try #require(server.dataset.catalogUsers.first { $0.isProtected && $0.username != "justin" }?.username)
        let home = try TemporaryDirectory()
        try await Self.login(home, url)
        try Self.setExpiry(home, to: Date().addingTimeInterval(60))
        let before = try Self.saved(home)
        let out = try await BinaryRunner.run("traktql", ["--api", "v2", "--api-url", url, "-c", "activity user:me action:seen | count",
                                                         "-c", "activity user:\(privateUser) action:seen | count"],
                                             environment: Self.environment(home), timeout: 60)
        let after = try Self.saved(home)
        await server.stop()
        let newAccess = try #require(after["access_token"] as? String)
        #expect(newAccess != before["access_token"] as? String, "the first statement renewed the login")
        #expect(out.stdout.contains("\"count\":"), "the first statement answered: \(out.stdout) \(out.stderr)")
        #expect(out.status == 2, "\(out.stderr)")
        #expect(out.stderr.contains("user '\(privateUser)' is private (request token <token>)"), "the server's words, redacted: \(out.stderr)")
        for secret in [newAccess, after["refresh_token"] as? String, before["access_token"] as? String, before["refresh_token"] as? String] {
            #expect(!(out.stdout + out.stderr).contains(try #require(secret)))
        }
    }

    /// "Refresh on expiry" over https: the saved login has really expired (the server's tokens
    /// live 10 s here, and the test waits them out; the renewed token must outlive the query
    /// on a loaded machine), and a query as `user:me` renews it and answers what a valid token
    /// gets.
    @Test func anExpiredLoginIsRenewedOverHTTPSByTheQuery() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        var configuration = EmulatorConfiguration(seed: 3, size: DatasetScale.small.size)
        configuration.tls = TLSFiles(certificatePath: certificates.serverCertificate, keyPath: certificates.serverKey)
        configuration.v2 = Self.settings(ttl: 10)
        let reference = "tls-reference-token-0b7e21"
        configuration.v2.accessToken = reference
        let server = try await EmulatorServer.start(configuration)
        let url = server.baseURL.absoluteString
        #expect(url.hasPrefix("https://"))
        let home = try TemporaryDirectory()
        try await Self.login(home, url, environment: ["SSL_CERT_FILE": certificates.caFile])
        let before = try Self.saved(home)
        let expiresAt = try #require(before["expires_at"] as? Double)
        // Wait until the saved access token has expired at the server as well.
        let wait = expiresAt + 1 - Date().timeIntervalSince1970
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
        #expect(Date().timeIntervalSince1970 > expiresAt)

        let query = ["--api", "v2", "--api-url", url, "--cacert", certificates.caFile, "--format", "ndjson",
                     "-c", "activity user:me action:seen | count"]
        let renewed = try await BinaryRunner.run("traktql", query, environment: Self.environment(home), timeout: 60)
        let after = try Self.saved(home)
        var withToken = Self.environment(home)
        withToken["TRAKT_ACCESS_TOKEN"] = reference
        let expected = try await BinaryRunner.run("traktql", query, environment: withToken, timeout: 60)
        await server.stop()

        #expect(renewed.status == 0, "\(renewed.stderr)")
        #expect(expected.status == 0, "\(expected.stderr)")
        #expect(renewed.stdout.contains("\"count\":") && !renewed.stdout.contains("\"count\":0"), "\(renewed.stdout)")
        #expect(renewed.stdout == expected.stdout, "\(renewed.stdout) vs \(expected.stdout)")
        #expect(after["access_token"] as? String != before["access_token"] as? String, "renewed and saved")
        #expect((after["expires_at"] as? Double ?? 0) > expiresAt)
        for secret in [before["access_token"], before["refresh_token"], after["access_token"], after["refresh_token"]] {
            #expect(!(renewed.stdout + renewed.stderr).contains(try #require(secret as? String)))
        }
    }
}
