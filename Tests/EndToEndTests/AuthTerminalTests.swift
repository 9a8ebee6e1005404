import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `traktql auth login|status|logout` in a real terminal (tmux) against a `trakt-emulator`
/// process with manual approval: the code and its QR code are shown, the test approves the code
/// as the user would, the token is saved 0600, status names the user, logout revokes and
/// deletes it. Ctrl-C saves nothing. No output ever holds the token, the refresh token, the
/// device code or the client secret.
@Suite(.serialized, .enabled(if: Tmux.executable != nil, "tmux is not installed; skipping the terminal tests"))
struct AuthTerminalTests {
    static let clientID = "e2e-auth-client"
    static let secret = "e2e-auth-secret-5b9f0c2d"

    static func command(_ home: TemporaryDirectory, _ arguments: [String]) throws -> String {
        let environment = [
            "HOME=\(home.path)", "XDG_CONFIG_HOME=\(home.path)/config", "TERM=xterm-256color", "LANG=C.UTF-8",
            "TRAKT_API_URL=", "TRAKT_ACCESS_TOKEN=", "TRAKT_CLIENT_ID=\(clientID)", "TRAKT_CLIENT_SECRET=\(secret)",
        ]
        let command = [try REPLTerminalTests.binary("traktql")] + arguments
        return "env " + (environment + command).map(Tmux.quote).joined(separator: " ") + "; echo EXIT=$?; sleep 60"
    }

    static func environment(_ home: TemporaryDirectory) -> [String: String] {
        ["HOME": home.path, "XDG_CONFIG_HOME": home.path + "/config", "TRAKT_CLIENT_ID": clientID, "TRAKT_CLIENT_SECRET": secret,
         "TRAKT_ACCESS_TOKEN": ""]
    }

    /// The 8-character user code on the line after "enter the code:".
    static func userCode(on screen: String) -> String? {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let i = lines.firstIndex(where: { $0.hasSuffix("enter the code:") }), i + 1 < lines.count else { return nil }
        let code = lines[i + 1]
        return code.count == 8 && code.allSatisfy({ $0.isLetter || $0.isNumber }) ? code : nil
    }

    static func post(_ url: String, bearer: String? = nil) async throws -> Int {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let bearer { request.setValue("Bearer " + bearer, forHTTPHeaderField: "Authorization") }
        request.httpBody = Data("{}".utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    static func settingsStatus(_ base: String, token: String) async throws -> Int {
        var request = URLRequest(url: URL(string: base + "/users/settings")!)
        request.setValue("2", forHTTPHeaderField: "trakt-api-version")
        request.setValue(clientID, forHTTPHeaderField: "trakt-api-key")
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    @Test func loginStatusLogout() async throws {
        let home = try TemporaryDirectory()
        // The operator approves codes with a secret (POST /emulator/approve); the app's secret is read from a file too.
        let operatorSecret = "operator-" + UUID().uuidString
        try (operatorSecret + "\n").write(toFile: home.path + "/operator", atomically: true, encoding: .utf8)
        try (Self.secret + "\n").write(toFile: home.path + "/client-secret", atomically: true, encoding: .utf8)
        let emulator = try Emulator.start(arguments: [
            "--scale", "small", "--client-id", Self.clientID, "--client-secret-file", home.path + "/client-secret", "--device-approval", "manual",
            "--operator-secret-file", home.path + "/operator", "--token-ttl", "1h",
        ])
        defer { emulator.stop() }
        let tokenFile = home.path + "/config/traktql/token.json"
        var everything = ""  // all output, searched for secrets at the end

        // Ctrl-C while waiting: exit 130, nothing saved.
        do {
            let tmux = try Tmux.start(try Self.command(home, ["auth", "login", "--api-url", emulator.url]))
            defer { tmux.stop() }
            try tmux.expect("Waiting for approval", "the login waiting")
            tmux.send("C-c")
            try tmux.expect("EXIT=130", "exit 130 after Ctrl-C")
            everything += tmux.screen
            #expect(tmux.screen.contains("login cancelled; nothing saved"))
            #expect(!FileManager.default.fileExists(atPath: tokenFile))
        }

        // Login, approved from "another device".
        let tmux = try Tmux.start(try Self.command(home, ["auth", "login", "--api-url", emulator.url]))
        defer { tmux.stop() }
        try tmux.expect("Waiting for approval", "the code")
        let screen = tmux.screen
        let code = try #require(Self.userCode(on: screen), "a user code on screen:\n\(screen)")
        #expect(screen.contains("open https://trakt.tv/activate and enter the code:"))
        #expect(screen.contains("or scan this code (it opens https://trakt.tv/activate/\(code))"))
        #expect(screen.contains("█") || screen.contains("▀"), "the QR code is drawn on a terminal")
        // Without the operator secret nobody can approve it; with it, the operator can.
        #expect(try await Self.post(emulator.url + "/emulator/approve/" + code) == 403)
        #expect(try await Self.post(emulator.url + "/emulator/approve/" + code, bearer: "wrong") == 403)
        #expect(try await Self.post(emulator.url + "/emulator/approve/" + code, bearer: operatorSecret) == 200)
        try tmux.expect("EXIT=", "login to finish", timeout: 40)
        everything += tmux.screen
        #expect(tmux.screen.contains("Logged in to \(emulator.url) as justin (scope public; the token expires "), "\(tmux.screen)")
        #expect(tmux.screen.contains("Saved to \(tokenFile) (mode 0600)."))
        #expect(tmux.screen.contains("EXIT=0"))

        var info = stat()
        #expect(stat(tokenFile, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(stat(home.path + "/config/traktql", &info) == 0 && info.st_mode & 0o777 == 0o700)
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tokenFile))) as? [String: Any]
        let access = try #require(saved?["access_token"] as? String)
        let refresh = try #require(saved?["refresh_token"] as? String)
        #expect(saved?["server"] as? String == emulator.url)

        // status: the user, scope and expiry.
        let status = try await BinaryRunner.run("traktql", ["auth", "status", "--api-url", emulator.url], environment: Self.environment(home))
        everything += status.stdout + status.stderr
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("Logged in to \(emulator.url) as justin"), "\(status.stdout)")
        #expect(status.stdout.contains("scope:   public"))
        #expect(status.stdout.contains("expires: "))
        #expect(status.stdout.contains("saved:   \(tokenFile) (mode 0600)"))

        // A query as user:me goes out with the saved login (the v2 backend's bearer token),
        // and answers what user:justin answers.
        let me = try await BinaryRunner.run("traktql", ["--api", "v2", "--api-url", emulator.url, "-c", "activity user:me | count"],
                                            environment: Self.environment(home))
        let justin = try await BinaryRunner.run("traktql", ["--api", "v2", "--api-url", emulator.url, "-c", "activity user:justin | count"],
                                                environment: Self.environment(home))
        everything += me.stdout + me.stderr + justin.stdout + justin.stderr
        #expect(me.status == 0, "\(me.stderr)")
        #expect(me.stdout.contains("\"count\":") && me.stdout == justin.stdout, "\(me.stdout) vs \(justin.stdout)")
        #expect(!me.stdout.contains("\"count\":0"))

        // TRAKT_ACCESS_TOKEN wins, and status says so.
        var overridden = Self.environment(home)
        overridden["TRAKT_ACCESS_TOKEN"] = access
        let override = try await BinaryRunner.run("traktql", ["auth", "status", "--api-url", emulator.url], environment: overridden)
        everything += override.stdout + override.stderr
        #expect(override.status == 0 && override.stdout.contains("with TRAKT_ACCESS_TOKEN (it overrides the saved login"), "\(override.stdout)\(override.stderr)")

        // logout: revoked at the server and deleted.
        let logout = try await BinaryRunner.run("traktql", ["auth", "logout", "--api-url", emulator.url], environment: Self.environment(home))
        everything += logout.stdout + logout.stderr
        #expect(logout.status == 0, "\(logout.stderr)")
        #expect(logout.stdout.contains("Logged out: the token was revoked and deleted."))
        #expect(!FileManager.default.fileExists(atPath: tokenFile))
        #expect(try await Self.settingsStatus(emulator.url, token: access) == 401, "the revoked token no longer works")

        let after = try await BinaryRunner.run("traktql", ["auth", "status", "--api-url", emulator.url], environment: Self.environment(home))
        everything += after.stdout + after.stderr
        #expect(after.status == 2)
        #expect(after.stderr.contains("not logged in to Trakt v2 (no saved login for \(emulator.url)); run `traktql auth login`"), "\(after.stderr)")
        let loggedOut = try await BinaryRunner.run("traktql", ["--api", "v2", "--api-url", emulator.url, "-c", "activity user:me | count"],
                                                   environment: Self.environment(home))
        everything += loggedOut.stdout + loggedOut.stderr
        #expect(loggedOut.status == 2)
        #expect(loggedOut.stderr.contains("traktql auth login"), "\(loggedOut.stderr)")

        // Nothing printed anywhere holds a secret.
        for secret in [access, refresh, Self.secret] {
            #expect(!everything.contains(secret), "a secret was printed")
        }
    }

    /// A login about to expire is renewed by `auth status`; the new pair is on disk, the old
    /// tokens are dead.
    @Test func statusRenewsAnExpiringLogin() async throws {
        let emulator = try Emulator.start(arguments: ["--scale", "small", "--client-id", Self.clientID, "--token-ttl", "60s"])
        defer { emulator.stop() }
        let home = try TemporaryDirectory()
        let tokenFile = home.path + "/config/traktql/token.json"
        let login = try await BinaryRunner.run("traktql", ["auth", "login", "--api-url", emulator.url], environment: Self.environment(home), timeout: 60)
        #expect(login.status == 0, "\(login.stderr)")
        func saved() throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tokenFile))) as? [String: Any] ?? [:]
        }
        let first = try saved()
        let oldAccess = try #require(first["access_token"] as? String)
        let status = try await BinaryRunner.run("traktql", ["auth", "status", "--api-url", emulator.url], environment: Self.environment(home))
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("as justin"))
        let second = try saved()
        let newAccess = try #require(second["access_token"] as? String)
        #expect(newAccess != oldAccess, "renewed (60 s is inside the 5-minute margin)")
        #expect(second["refresh_token"] as? String != first["refresh_token"] as? String)
        var info = stat()
        #expect(stat(tokenFile, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(try await Self.settingsStatus(emulator.url, token: oldAccess) == 401)
        #expect(try await Self.settingsStatus(emulator.url, token: newAccess) == 200)
        for secret in [oldAccess, newAccess, first["refresh_token"] as? String ?? "?", second["refresh_token"] as? String ?? "?"] {
            #expect(!(login.stdout + login.stderr + status.stdout + status.stderr).contains(secret))
        }
    }

    @Test func deniedLoginSavesNothing() async throws {
        let emulator = try Emulator.start(arguments: ["--scale", "small", "--client-id", Self.clientID, "--device-approval", "deny"])
        defer { emulator.stop() }
        let home = try TemporaryDirectory()
        let login = try await BinaryRunner.run("traktql", ["auth", "login", "--api-url", emulator.url], environment: Self.environment(home), timeout: 60)
        #expect(login.status == 2)
        #expect(login.stderr.contains("was denied (418): nothing was saved"), "\(login.stderr)")
        #expect(!login.stdout.contains("█"), "no QR code when stdout is not a terminal")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/config/traktql/token.json"))
    }

    @Test func refusesPlainHTTPToAnotherHost() async throws {
        let home = try TemporaryDirectory()
        let login = try await BinaryRunner.run("traktql", ["auth", "login", "--api-url", "http://trakt.example.com"], environment: Self.environment(home))
        #expect(login.status == 1)
        #expect(login.stderr.contains("refusing to send a Trakt token over plain http:// to trakt.example.com"), "\(login.stderr)")
    }

    /// `.login`, `.whoami`, `.logout` in a script, against the built-in emulator.
    @Test func metaCommandsWithTheBuiltInEmulator() async throws {
        let home = try TemporaryDirectory()
        var environment = Self.environment(home)
        environment["TRAKT_CLIENT_ID"] = ""
        environment["TRAKT_CLIENT_SECRET"] = ""
        let run = try await BinaryRunner.run("traktql", ["--emulator-scale", "small", "-c", ".login", "-c", ".whoami", "-c", ".logout", "-c", ".whoami"],
                                             environment: environment, timeout: 60)
        // The built-in emulator is in this process: named, with no address.
        #expect(run.stdout.contains("Logged in to the built-in emulator as justin (scope public;"), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("Logged in to the built-in emulator as justin (Justin Sanchez)."), "\(run.stdout)")
        #expect(!run.stdout.contains("127.0.0.1") && !run.stderr.contains("127.0.0.1"), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("saved:   no"))
        #expect(run.stdout.contains("Logged out: the token was revoked and deleted."))
        // After the device login is gone, user:me still has the built-in emulator's own token.
        #expect(run.stdout.hasSuffix("Logged in to the built-in emulator as justin (Justin Sanchez) with its own token (user:me uses it on Trakt API v2; nothing is saved).\n"
                                     + "  .login runs the device flow against it; with --client-id, traktql talks to your Trakt account instead.\n"), "\(run.stdout)")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/config/traktql/token.json"))
    }
}
