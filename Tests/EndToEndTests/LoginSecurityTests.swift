#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport
import TraktEmulator
import TraktEmulatorServer

/// Issue 22 (second security review), traktql's side, on the built binary: numbers from servers
/// and token files never trap, refreshes are never sent without a place to save them, device
/// flows end by the code's expiry, unsafe token and config files are refused before anything is
/// sent, `--cacert` reaches every login command, known secrets are redacted from data, and CSV
/// is safe to open in a spreadsheet. Each test failed on main before the fix (run them there with
/// `TRAKTQL_TEST_BINARIES=/path/to/main/.build/debug`).
@Suite(.serialized)
struct LoginSecurityTests {
    static let clientID = "e2e-login-security"

    static func environment(_ home: TemporaryDirectory, _ extra: [String: String] = [:]) -> [String: String] {
        ["HOME": home.path, "XDG_CONFIG_HOME": home.path + "/config", "TRAKT_CLIENT_ID": clientID, "TRAKT_CLIENT_SECRET": "",
         "TRAKT_ACCESS_TOKEN": "", "TRAKT_API": ""].merging(extra) { $1 }
    }

    static func tokenFile(_ home: TemporaryDirectory) -> String { home.path + "/config/traktql/token.json" }

    static func saved(_ home: TemporaryDirectory) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tokenFile(home)))) as? [String: Any] ?? [:]
    }

    static func writeToken(_ home: TemporaryDirectory, _ text: String) throws {
        let directory = home.path + "/config/traktql"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Data(text.utf8).write(to: URL(fileURLWithPath: tokenFile(home)))
        chmod(tokenFile(home), 0o600)
    }

    /// A v2 emulator on loopback that approves device codes at once.
    static func emulator(tls: TLSFiles? = nil) async throws -> EmulatorServer {
        var configuration = EmulatorConfiguration(seed: 5, size: DatasetScale.small.size)
        configuration.tls = tls
        configuration.v2 = V2Settings(clientID: clientID, tokenUser: "justin", deviceApproval: .auto, tokenTTL: 3600, rateLimit: .off, deviceInterval: 0)
        return try await EmulatorServer.start(configuration)
    }

    /// A hand-made OAuth server: the device code answer, then `poll` for every poll, `refresh`
    /// for `/oauth/token`, a user for `/users/settings`, and `items` for every other GET.
    static func oauthServer(code: String = #""expires_in":600,"interval":1"#, poll: LoopbackServer.Reply = .init(status: 400, body: "{}"),
                            refresh: LoopbackServer.Reply = .init(status: 500, body: "{}"), items: String = "[]") throws -> LoopbackServer {
        try LoopbackServer { head, _ in
            if head.hasPrefix("POST /oauth/device/code ") {
                return .init(body: #"{"device_code":"dev-code-0123456789abcdef","user_code":"ABCD1234","verification_url":"https://trakt.tv/activate",\#(code)}"#)
            }
            if head.hasPrefix("POST /oauth/device/token ") { return poll }
            if head.hasPrefix("POST /oauth/token ") { return refresh }
            if head.hasPrefix("GET /users/settings") { return .init(body: #"{"user":{"username":"justin","name":"Justin"},"account":{}}"#) }
            if head.hasPrefix("GET /emulator/catalog.json") { return .init(status: 404, body: "{}") }
            return .init(headers: ["Content-Type": "application/json", "X-Pagination-Page": "1", "X-Pagination-Page-Count": "1"], body: items)
        }
    }

    static let hugeToken = #"{"access_token":"huge-access-0123456789","refresh_token":"huge-refresh-0123456789","token_type":"bearer","expires_in":1e300,"created_at":-1e300,"scope":"public"}"#

    static func expiresAt(_ home: TemporaryDirectory) throws -> Double {
        try #require(try saved(home)["expires_at"] as? Double)
    }

    // MARK: - Finding 2: numbers from a server or a token file

    /// `expires_in: 1e300` and `created_at: -1e300` in the login's answer used to end traktql with
    /// SIGILL when the pair was written. Now the lifetime is cut to a year and the login is saved.
    @Test func hugeNumbersInTheLoginAnswerAreClamped() async throws {
        let server = try Self.oauthServer(poll: .init(body: Self.hugeToken))
        defer { server.stop() }
        let home = try TemporaryDirectory()
        let login = try await BinaryRunner.run("traktql", ["auth", "login", "--api-url", server.baseURL], environment: Self.environment(home), timeout: 30)
        #expect(login.status == 0, "\(login.status) \(login.stderr)")
        #expect(login.stdout.contains("Logged in to \(server.baseURL) as justin"), "\(login.stdout)")
        let expiry = try Self.expiresAt(home)
        #expect(expiry > Date().timeIntervalSince1970 + 300 * 86_400 && expiry < Date().timeIntervalSince1970 + 367 * 86_400, "\(expiry)")
        let status = try await BinaryRunner.run("traktql", ["auth", "status", "--api-url", server.baseURL], environment: Self.environment(home))
        #expect(status.status == 0 && status.stdout.contains("expires: "), "\(status.status) \(status.stderr)")
    }

    /// A refresh answering `expires_in: 1e300`: the crash lost the login (the spent pair stayed
    /// saved). Now the renewed pair is saved and the query answers.
    @Test func aRefreshAnswerWithHugeNumbersIsSavedAndTheQueryAnswers() async throws {
        let server = try Self.oauthServer(refresh: .init(body: Self.hugeToken))
        defer { server.stop() }
        let home = try TemporaryDirectory()
        let soon = Int(Date().timeIntervalSince1970) + 30
        try Self.writeToken(home, #"{"access_token":"old-access-0123456789","refresh_token":"old-refresh-0123456789","expires_at":\#(soon),"created_at":1700000000,"scope":"public","server":"\#(server.baseURL)"}"#)
        let query = try await BinaryRunner.run("traktql", ["--api", "v2", "--api-url", server.baseURL, "--format", "ndjson", "-c", "activity user:me action:seen | count"],
                                               environment: Self.environment(home), timeout: 30)
        #expect(query.status == 0, "\(query.status) \(query.stderr)")
        #expect(query.stdout.contains("\"count\":0"), "\(query.stdout)")
        #expect(try Self.saved(home)["access_token"] as? String == "huge-access-0123456789", "the renewed pair is saved")
        #expect(try Self.expiresAt(home) < Date().timeIntervalSince1970 + 367 * 86_400)
        #expect(server.requests.contains { $0.hasPrefix("GET /sync/history") && $0.contains("Bearer huge-access-0123456789") })
    }

    /// `Retry-After: 1e300` (it trapped) or `100000000` (it waited for ever) on a device poll,
    /// for a code that lives 3 s: the login ends at once, saying why.
    @Test(arguments: ["1e300", "100000000"])
    func aSlowDownLongerThanTheCodeEndsTheLogin(retryAfter: String) async throws {
        let server = try Self.oauthServer(code: #""expires_in":3,"interval":1"#, poll: .init(status: 429, headers: ["Retry-After": retryAfter], body: "{}"))
        defer { server.stop() }
        let home = try TemporaryDirectory()
        let started = Date()
        let login = try await BinaryRunner.run("traktql", ["auth", "login", "--api-url", server.baseURL], environment: Self.environment(home), timeout: 20)
        #expect(login.status == 2, "\(login.status) \(login.stderr)")
        #expect(login.stderr.contains("expired before it was approved (the server asked to wait"), "\(login.stderr)")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(!FileManager.default.fileExists(atPath: Self.tokenFile(home)))
    }

    /// `"expires_at": 1e300` in token.json: `auth status` trapped. Now it is refused naming the
    /// field, and the advice — `traktql auth logout` — removes the file.
    @Test func aTokenFileOutOfRangeIsRefusedAndLogoutRemovesIt() async throws {
        let server = try await Self.emulator()
        let url = server.baseURL.absoluteString
        let home = try TemporaryDirectory()
        try Self.writeToken(home, #"{"access_token":"a-0123456789","refresh_token":"r-0123456789","expires_at":1e300,"scope":"public","server":"\#(url)"}"#)
        let status = try await BinaryRunner.run("traktql", ["auth", "status", "--api-url", url], environment: Self.environment(home))
        let logout = try await BinaryRunner.run("traktql", ["auth", "logout", "--api-url", url], environment: Self.environment(home))
        await server.stop()
        #expect(status.status == 1, "\(status.status) \(status.stderr)")
        #expect(status.stderr.contains("expires_at 1e+300 is not a time between 1970 and 9999"), "\(status.stderr)")
        #expect(status.stderr.contains("run `traktql auth logout` to remove it"), "\(status.stderr)")
        #expect(logout.status == 0, "\(logout.status) \(logout.stderr)")
        #expect(logout.stdout.contains("Removed the token file"), "\(logout.stdout)")
        #expect(!FileManager.default.fileExists(atPath: Self.tokenFile(home)))
    }

    // MARK: - Finding 4: a refresh needs a place to save its answer

    /// An expiring login in a directory that cannot be written: the query is refused before
    /// the refresh is sent, and once the directory is fixed, the same login renews. (Before,
    /// the refresh went out, the save failed, and the login was lost for good.)
    @Test(.enabled(if: ReadOnlyDirectory.isAvailable, "cannot make a directory read-only here"))
    func aReadOnlyTokenDirectoryKeepsTheLogin() async throws {
        let server = try await Self.emulator()
        let url = server.baseURL.absoluteString
        let home = try TemporaryDirectory()
        let login = try await BinaryRunner.run("traktql", ["auth", "login", "--api-url", url], environment: Self.environment(home), timeout: 60)
        try #require(login.status == 0, "\(login.stderr)")
        var object = try Self.saved(home)
        object["expires_at"] = Int(Date().timeIntervalSince1970) + 60  // inside the 5-minute margin
        try Self.writeToken(home, String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        let directory = home.path + "/config/traktql"
        try #require(ReadOnlyDirectory.lock(directory))
        let query = ["--api", "v2", "--api-url", url, "--format", "ndjson", "-c", "activity user:me action:seen | count"]
        let refused = try await BinaryRunner.run("traktql", query, environment: Self.environment(home), timeout: 60)
        ReadOnlyDirectory.unlock(directory)
        let renewed = try await BinaryRunner.run("traktql", query, environment: Self.environment(home), timeout: 60)
        await server.stop()
        #expect(refused.status == 1, "\(refused.status) \(refused.stderr)")
        #expect(refused.stderr.contains("cannot save the token in \(directory)") && refused.stderr.contains("chmod 700"), "\(refused.stderr)")
        #expect(renewed.status == 0, "the login survived: \(renewed.stderr)")
        #expect(renewed.stdout.contains("\"count\":") && !renewed.stdout.contains("\"count\":0"), "\(renewed.stdout)")
        #expect(try Self.saved(home)["access_token"] as? String != object["access_token"] as? String, "renewed and saved")
    }

    // MARK: - Low findings

    /// A FIFO at token.json hung every v2 query (and Ctrl-C did not end it). Now it is refused.
    @Test func aFIFOAtTheTokenFileDoesNotHangAQuery() async throws {
        let server = try await Self.emulator()
        let url = server.baseURL.absoluteString
        let home = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: home.path + "/config/traktql", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        #expect(mkfifo(Self.tokenFile(home), 0o600) == 0)
        let started = Date()
        let query = try await BinaryRunner.run("traktql", ["--api", "v2", "--api-url", url, "-c", "activity user:me action:seen | count"],
                                               environment: Self.environment(home), timeout: 20)
        await server.stop()
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(query.status == 1, "\(query.status) \(query.stderr)")
        #expect(query.stderr.contains("it is not a regular file; remove it with `traktql auth logout`"), "\(query.stderr)")
    }

    /// The token directory's checks ran only after the code was approved (and the approval was
    /// lost). Now nothing is asked of the server when the login could not be saved.
    @Test(.enabled(if: ReadOnlyDirectory.isAvailable, "cannot make a directory read-only here"))
    func theLoginChecksWhereItSavesBeforeAskingForACode() async throws {
        let server = try Self.oauthServer(poll: .init(body: Self.hugeToken))
        defer { server.stop() }
        let home = try TemporaryDirectory()
        let directory = home.path + "/config/traktql"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try #require(ReadOnlyDirectory.lock(directory))
        defer { ReadOnlyDirectory.unlock(directory) }
        let login = try await BinaryRunner.run("traktql", ["auth", "login", "--api-url", server.baseURL], environment: Self.environment(home), timeout: 30)
        #expect(login.status == 1, "\(login.status) \(login.stderr)")
        #expect(login.stderr.contains("cannot save the token in \(directory)"), "\(login.stderr)")
        #expect(server.requests.isEmpty, "no code was asked for: \(server.requests)")
    }

    /// A config file other users can write is refused for secrets and `api_url`, as OpenSSH
    /// refuses its own: `auth login` used to send the client secret to such a file's server.
    @Test func aConfigFileOthersCanWriteNeverGetsTheClientSecretSent() async throws {
        let server = try Self.oauthServer(poll: .init(body: Self.hugeToken))
        defer { server.stop() }
        let home = try TemporaryDirectory()
        let directory = home.path + "/config/traktql"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let config = directory + "/config.json"
        try Data(#"{"api_url": "\#(server.baseURL)", "client_secret": "planted-secret-0123456789"}"#.utf8).write(to: URL(fileURLWithPath: config))
        chmod(config, 0o666)
        let login = try await BinaryRunner.run("traktql", ["auth", "login"], environment: Self.environment(home), timeout: 30)
        let query = try await BinaryRunner.run("traktql", ["-c", "activity | limit 1"], environment: Self.environment(home, ["TRAKT_CLIENT_ID": ""]))
        #expect(login.status == 2, "\(login.status) \(login.stderr)")
        #expect(login.stderr.contains("refusing the config file \(config): other users can write it (mode 666)"), "\(login.stderr)")
        #expect(login.stderr.contains("it holds api_url, client_secret") && login.stderr.contains("chmod 600 \(config)"), "\(login.stderr)")
        #expect(query.status == 2 && query.stdout.isEmpty, "queries refuse it too: \(query.stderr)")
        #expect(server.requests.isEmpty, "nothing was sent: \(server.requests)")
        #expect(!(login.stdout + login.stderr).contains("planted-secret-0123456789"))
    }

    /// `--cacert` reaches `auth login` (which did not take it) and `.whoami` (which ignored it).
    @Test func theCACertificateReachesLoginAndWhoami() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let server = try await Self.emulator(tls: TLSFiles(certificatePath: certificates.serverCertificate, keyPath: certificates.serverKey))
        let url = server.baseURL.absoluteString
        let home = try TemporaryDirectory()
        let login = try await BinaryRunner.run("traktql", ["auth", "login", "--api-url", url, "--cacert", certificates.caFile],
                                               environment: Self.environment(home), timeout: 60)
        let whoami = try await BinaryRunner.run("traktql", ["--api", "v2", "--api-url", url, "--cacert", certificates.caFile, "-c", ".whoami"],
                                                environment: Self.environment(home), timeout: 60)
        let status = try await BinaryRunner.run("traktql", ["--cacert", certificates.caFile, "auth", "status", "--api-url", url],
                                                environment: Self.environment(home), timeout: 60)
        await server.stop()
        #expect(login.status == 0, "\(login.status) \(login.stderr)")
        #expect(whoami.status == 0 && whoami.stdout.contains("Logged in to \(url) as justin"), "\(whoami.status) \(whoami.stdout) \(whoami.stderr)")
        #expect(status.status == 0 && status.stdout.contains("Logged in to \(url) as justin"), "\(status.status) \(status.stderr)")
    }

    /// A token the session knows, sent back by the server inside an item, is printed as
    /// `<token>` in every format (it was printed verbatim).
    @Test func aTokenSentBackInATitleIsRedactedInEveryFormat() async throws {
        let token = "echoed-token-7f3a9c0d2e1b"
        let item = #"{"id":1,"watched_at":"2024-11-20T10:00:00.000Z","action":"watch","type":"episode","episode":{"season":1,"number":2,"title":"\#(token)","ids":{"trakt":11}},"show":{"title":"Show \#(token)","year":2020,"ids":{"trakt":22,"slug":"show"}}}"#
        let server = try Self.oauthServer(items: "[\(item)]")
        defer { server.stop() }
        let home = try TemporaryDirectory()
        for format in ["table", "json", "ndjson", "csv", "tsv"] {
            let out = try await BinaryRunner.run("traktql", ["--api", "v2", "--api-url", server.baseURL, "--format", format, "-c", "activity user:justin action:seen"],
                                                 environment: Self.environment(home, ["TRAKT_ACCESS_TOKEN": token]))
            #expect(out.status == 0, "\(format): \(out.stderr)")
            #expect(!(out.stdout + out.stderr).contains(token), "\(format): \(out.stdout)")
            #expect(out.stdout.contains("<token>"), "\(format): \(out.stdout)")
        }
    }

    /// `traktql auth status --client-secret X` said nothing about the secret on argv.
    @Test func aSecretOnTheAuthCommandLineIsWarnedAbout() async throws {
        let home = try TemporaryDirectory()
        let out = try await BinaryRunner.run("traktql", ["auth", "status", "--client-secret", "argv-secret-0123456789"],
                                             environment: Self.environment(home, ["TRAKT_CLIENT_ID": ""]))
        #expect(out.stderr.contains("--client-secret on the command line can be seen by other local users (ps); use TRAKT_CLIENT_SECRET"), "\(out.stderr)")
        #expect(!(out.stdout + out.stderr).contains("argv-secret-0123456789"))
    }

    /// `--format csv` and `tsv` passed `=HYPERLINK(…)`, `+cmd|…` and `@SUM(…)` through.
    @Test func csvAndTSVCellsCannotBeFormulas() async throws {
        let home = try TemporaryDirectory()
        let titles = ["=HYPERLINK(\"http://evil\",\"x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\tTab", "-5", "Plain"]
        let items = titles.enumerated().map { index, title in
            #"{"id":\#(index + 1),"watched_at":"2024-11-2\#(index)T10:00:00.000Z","action":"watch","type":"movie","movie":{"title":\#(String(decoding: try! JSONSerialization.data(withJSONObject: [title]), as: UTF8.self).dropFirst().dropLast()),"year":2020,"ids":{"trakt":\#(index + 1)}}}"#
        }
        let input = home.path + "/history.json"
        try Data(("[" + items.joined(separator: ",") + "]").utf8).write(to: URL(fileURLWithPath: input))
        let csv = try await BinaryRunner.run("traktql", ["--input", input, "--format", "csv", "-c", "activity | select title | sort title"],
                                             environment: Self.environment(home))
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""), "\(lines)")
        #expect(lines.contains("'+cmd|' /C calc'!A0"), "\(lines)")
        #expect(lines.contains("'@SUM(1+1)") && lines.contains("'-2+3") && lines.contains("'\tTab"), "\(lines)")
        #expect(lines.contains("-5") && lines.contains("Plain"), "a negative number stays a number: \(lines)")
        let tsv = try await BinaryRunner.run("traktql", ["--input", input, "--format", "tsv", "-c", "activity | select title | sort title"],
                                             environment: Self.environment(home))
        let cells = tsv.stdout.split(separator: "\n").map(String.init)
        #expect(cells.contains("'=HYPERLINK(\"http://evil\",\"x\")") && cells.contains("'\\tTab") && cells.contains("-5"), "\(cells)")
        #expect(!cells.contains { $0.hasPrefix("=") || $0.hasPrefix("+") || $0.hasPrefix("@") }, "\(cells)")
    }

    /// A relative `XDG_CONFIG_HOME` put token.json in the working directory.
    @Test func aRelativeXDGConfigHomeIsIgnored() async throws {
        let server = try await Self.emulator()
        let url = server.baseURL.absoluteString
        let home = try TemporaryDirectory()
        let work = try TemporaryDirectory()
        let login = try await BinaryRunner.run("traktql", ["auth", "login", "--api-url", url],
                                               environment: Self.environment(home, ["XDG_CONFIG_HOME": "relative-config"]), timeout: 60, directory: work.path)
        await server.stop()
        #expect(login.status == 0, "\(login.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.path + "/relative-config"), "nothing in the working directory")
        #expect(FileManager.default.fileExists(atPath: home.path + "/.config/traktql/token.json"), "saved under $HOME/.config")
    }
}
