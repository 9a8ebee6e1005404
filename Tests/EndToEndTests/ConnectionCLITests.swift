#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport
import TraktEmulator
import TraktEmulatorServer

/// Issue 21, the command-line and configuration items, on the built binary: a config file that
/// cannot be used stops traktql; the built-in emulator always says it answers; login, status
/// and queries resolve one server; `auth` takes traktql's connection options; an overriding
/// token is named. Each test failed on main before the fix.
@Suite(.serialized)
struct ConnectionCLITests {
    static func environment(_ home: TemporaryDirectory, _ extra: [String: String] = [:]) -> [String: String] {
        LoginSecurityTests.environment(home, extra)
    }

    /// Item 6: an invalid config.json was a warning, then the query answered from the built-in
    /// emulator with exit 0. Now it is an error naming the file, line and column.
    @Test func aBrokenConfigFileIsAnErrorNotTheBuiltInEmulator() async throws {
        let home = try TemporaryDirectory()
        let directory = home.path + "/config/traktql"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let config = directory + "/config.json"
        try Data("{\n  \"api_url\": \"https://api.example.com\",\n  \"client_id\" \"x\"\n}".utf8).write(to: URL(fileURLWithPath: config))
        chmod(config, 0o600)
        let query = try await BinaryRunner.run("traktql", ["-c", "activity user:justin | count"], environment: Self.environment(home, ["TRAKT_CLIENT_ID": ""]))
        #expect(query.status == 2, "\(query.status) \(query.stderr)")
        #expect(query.stderr.hasPrefix("traktql: error: \(config):3:15: it is not valid JSON"), "\(query.stderr)")
        #expect(query.stdout.isEmpty, "no answer from anywhere: \(query.stdout)")
        #expect(!query.stderr.contains("built-in emulator"))
        let login = try await BinaryRunner.run("traktql", ["auth", "status"], environment: Self.environment(home, ["TRAKT_CLIENT_ID": ""]))
        #expect(login.status == 2 && login.stderr.contains("\(config):3:15"), "\(login.stderr)")
    }

    /// Item 6: the built-in emulator said so only on a terminal; the README promises it always.
    @Test func theBuiltInEmulatorAnnouncesItselfWhenStderrIsAPipe() async throws {
        let home = try TemporaryDirectory()
        let out = try await BinaryRunner.run("traktql", ["--emulator-scale", "small", "-c", "activity | limit 1"],
                                             environment: Self.environment(home, ["TRAKT_CLIENT_ID": ""]))
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("traktql: no API configured; using the built-in emulator"), "\(out.stderr)")
        let quiet = try await BinaryRunner.run("traktql", ["-q", "--emulator-scale", "small", "-c", "activity | limit 1"],
                                               environment: Self.environment(home, ["TRAKT_CLIENT_ID": ""]))
        #expect(quiet.stderr.isEmpty, "-q still silences it: \(quiet.stderr)")
    }

    /// "Login and queries go to different servers": with a client id and no URL, queries went to
    /// api.trakt.tv but `auth` to the built-in emulator. Now both resolve the same server, and
    /// status names it (no network needed: there is no saved login to check).
    @Test func loginStatusAndQueriesResolveTheSameServer() async throws {
        let home = try TemporaryDirectory()
        let status = try await BinaryRunner.run("traktql", ["auth", "status"], environment: Self.environment(home))
        #expect(status.status == 2, "\(status.status) \(status.stderr)")
        #expect(status.stderr.contains("not logged in to Trakt v2 (no saved login for https://api.trakt.tv)"), "\(status.stderr)")
        let explain = try await BinaryRunner.run("traktql", ["-c", "explain activity user:justin"], environment: Self.environment(home))
        #expect(explain.stdout.contains("https://api.trakt.tv/users/justin/"), "\(explain.stdout)")
    }

    /// A login for server A broke every query to server B ("the saved login is for A"). Now
    /// public queries to B go out without it, and `user:me` on B says whose login it is.
    @Test func aLoginForOneServerLeavesPublicQueriesToAnotherAlone() async throws {
        let a = try await LoginSecurityTests.emulator()
        let b = try await LoginSecurityTests.emulator()
        let home = try TemporaryDirectory()
        let login = try await BinaryRunner.run("traktql", ["auth", "login", "--api-url", a.baseURL.absoluteString], environment: Self.environment(home), timeout: 60)
        let publicQuery = try await BinaryRunner.run("traktql", ["--api-url", b.baseURL.absoluteString, "--format", "ndjson", "-c", "activity user:justin action:seen | count"],
                                                     environment: Self.environment(home), timeout: 60)
        let me = try await BinaryRunner.run("traktql", ["--api-url", b.baseURL.absoluteString, "-c", "activity user:me | count"],
                                            environment: Self.environment(home), timeout: 60)
        let status = try await BinaryRunner.run("traktql", ["auth", "status", "--api-url", b.baseURL.absoluteString], environment: Self.environment(home))
        await a.stop()
        await b.stop()
        #expect(login.status == 0, "\(login.stderr)")
        #expect(publicQuery.status == 0 && publicQuery.stdout.contains("\"count\":"), "\(publicQuery.status) \(publicQuery.stderr)")
        #expect(me.status == 2, "\(me.stderr)")
        #expect(me.stderr.contains("the saved login is for \(a.baseURL.absoluteString), not \(b.baseURL.absoluteString)"), "\(me.stderr)")
        #expect(status.status == 2 && status.stderr.contains("the saved login is for \(a.baseURL.absoluteString)"), "\(status.stderr)")
    }

    /// `traktql --api-url U auth login` took `auth` for a script file.
    @Test func authTakesTheConnectionOptionsBeforeIt() async throws {
        let server = try await LoginSecurityTests.emulator()
        let url = server.baseURL.absoluteString
        let home = try TemporaryDirectory()
        let login = try await BinaryRunner.run("traktql", ["--api-url", url, "auth", "login"], environment: Self.environment(home), timeout: 60)
        let status = try await BinaryRunner.run("traktql", ["--api-url", url, "auth", "status"], environment: Self.environment(home))
        // `auth` as an option's value, or after a statement, is still not the command.
        let script = try await BinaryRunner.run("traktql", ["--api-url", url, "-c", "activity user:justin | count", "auth"], environment: Self.environment(home))
        await server.stop()
        #expect(login.status == 0 && login.stdout.contains("Logged in to \(url) as justin"), "\(login.status) \(login.stderr)")
        #expect(status.status == 0 && status.stdout.contains("Logged in to \(url) as justin"), "\(status.stderr)")
        #expect(script.status == 1 && script.stderr.contains("cannot read auth"), "\(script.stderr)")
    }

    /// `traktql login` read "login" as a script file and said only that it cannot be read.
    @Test func traktqlLoginPointsToAuthLogin() async throws {
        let home = try TemporaryDirectory()
        for (word, hint) in [("login", "traktql auth login"), ("whoami", "traktql auth status"), ("logout", "traktql auth logout")] {
            let out = try await BinaryRunner.run("traktql", [word], environment: Self.environment(home), directory: home.path)
            #expect(out.status == 1, "\(out.stderr)")
            #expect(out.stderr.contains("did you mean `\(hint)`?"), "\(out.stderr)")
        }
    }

    /// `auth login --help` said `--api-url` was "http:// to this machine", and took no `--cacert`.
    @Test func authLoginHelpIsCurrent() async throws {
        let help = try await BinaryRunner.run("traktql", ["auth", "login", "--help"])
        #expect(help.status == 0)
        #expect(!help.stdout.contains("http:// to this machine"), "\(help.stdout)")
        for option in ["--cacert", "--api-url", "--api ", "--client-id", "--client-secret", "--access-token"] {
            #expect(help.stdout.contains(option), "\(option) in \(help.stdout)")
        }
    }

    /// "An overriding token is named": `auth login` said nothing about TRAKT_ACCESS_TOKEN winning
    /// over the login it made; `auth status` named only TRAKT_ACCESS_TOKEN, even for --access-token.
    @Test func anOverridingTokenIsNamed() async throws {
        let server = try await LoginSecurityTests.emulator()
        let url = server.baseURL.absoluteString
        let home = try TemporaryDirectory()
        let reference = try #require(try await LoginSecurityTests.preIssued(server))
        let login = try await BinaryRunner.run("traktql", ["auth", "login", "--api-url", url], environment: Self.environment(home, ["TRAKT_ACCESS_TOKEN": reference]),
                                               timeout: 60)
        let status = try await BinaryRunner.run("traktql", ["auth", "status", "--api-url", url, "--access-token", reference], environment: Self.environment(home))
        await server.stop()
        #expect(login.status == 0, "\(login.stderr)")
        #expect(login.stderr.contains("TRAKT_ACCESS_TOKEN is set and overrides the saved login"), "\(login.stderr)")
        #expect(login.stdout.contains("TRAKT_ACCESS_TOKEN still overrides it"), "\(login.stdout)")
        #expect(status.status == 0 && status.stdout.contains("with --access-token (it overrides the saved login"), "\(status.stdout) \(status.stderr)")
        #expect(!(login.stdout + login.stderr + status.stdout + status.stderr).contains(reference))
    }

    /// In the shell, hints name `.login`, which works right there, not `traktql auth login`.
    @Test(.enabled(if: Tmux.executable != nil, "tmux is not installed"))
    func theShellsHintsSayDotLogin() async throws {
        let server = try await LoginSecurityTests.emulator()
        try await withEmulator(server) {
            let home = try TemporaryDirectory()
            let environment = [
                "HOME=\(home.path)", "XDG_CONFIG_HOME=\(home.path)/config", "XDG_STATE_HOME=\(home.path)/state", "TERM=xterm-256color", "NO_COLOR=1",
                "LANG=C.UTF-8", "EDITRC=/dev/null", "TRAKT_CLIENT_ID=\(LoginSecurityTests.clientID)", "TRAKT_ACCESS_TOKEN=", "TRAKT_API_URL=",
            ]
            let command = "env " + (environment + [try REPLTerminalTests.binary("traktql"), "--api-url", server.baseURL.absoluteString]).map(Tmux.quote)
                .joined(separator: " ") + "; echo EXIT=$?; sleep 60"
            let tmux = try Tmux.start(command)
            defer { tmux.stop() }
            try tmux.expect("traktql>", "the prompt", timeout: 30)
            tmux.send("activity user:me | count", "Enter")
            try tmux.expect("run `.login`", "the hint", timeout: 30)
            #expect(!tmux.screen.contains("traktql auth login"), "\(tmux.screen)")
        }
    }
}

extension LoginSecurityTests {
    /// A token the emulator accepts, issued through its device flow (for TRAKT_ACCESS_TOKEN).
    static func preIssued(_ server: EmulatorServer) async throws -> String? {
        let home = try TemporaryDirectory()
        let url = server.baseURL.absoluteString
        let login = try await BinaryRunner.run("traktql", ["auth", "login", "--api-url", url], environment: environment(home), timeout: 60)
        guard login.status == 0 else { return nil }
        return try saved(home)["access_token"] as? String
    }
}
