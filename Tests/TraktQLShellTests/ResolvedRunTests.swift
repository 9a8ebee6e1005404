import Foundation
import Testing
@testable import TraktQL
@testable import TraktQLShell

/// The shell's first step (issue 24): what a run resolves from its flags. The API is a setting
/// like any other: the engine gets every credential given, whichever API the session starts
/// with, and the engine's backend factory picks (so `set api` later finds them too).
@Suite struct ResolvedRunTests {
    static let terminal = Terminal(stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false, noColor: true)

    static func configuration(api: String) -> ShellConfiguration {
        var configuration = ShellConfiguration()
        configuration.api = api
        configuration.apiURL = URL(string: "http://127.0.0.1:9")!
        configuration.configFile = URL(fileURLWithPath: "/nonexistent/traktql-config.json")
        configuration.apiKey = "the-key"
        configuration.username = "justin"
        configuration.password = "pw"
        configuration.accessToken = "the-token-0123456789"
        configuration.commands = ["activity"]
        return configuration
    }

    @Test func theEngineIsConfiguredTheSameWhateverTheAPI() throws {
        let v1 = try ResolvedRun.resolve(Self.configuration(api: "v1"), terminal: Self.terminal)
        let v2 = try ResolvedRun.resolve(Self.configuration(api: "v2"), terminal: Self.terminal)
        #expect(v1.settings.api == .v1 && v2.settings.api == .v2)
        for run in [v1, v2] {
            #expect(run.engine.apiKey == "the-key")
            #expect(run.engine.credentials?.username == "justin")
            // No client id given: v2's default app, on a v1 session as on a v2 one (before, a v1
            // session got no v2 credentials, so `set api = v2` found none).
            #expect(run.engine.v2?.clientID == "traktql")
            #expect((run.engine.v2?.bearer as? StaticBearerToken)?.token == "the-token-0123456789")
            #expect(run.engine.redactor.redact("the-token-0123456789 pw") == "<token> <password>")
        }
        var other = v2.settings
        other.api = .v1
        #expect(other == v1.settings)
    }

    @Test func aProblemStopsTheRunWithItsStatus() {
        var configuration = Self.configuration(api: "v3")
        #expect(throws: StartupFailure.self) { try ResolvedRun.resolve(configuration, terminal: Self.terminal) }
        configuration = Self.configuration(api: "v1")
        configuration.username = nil
        do {
            _ = try ResolvedRun.resolve(configuration, terminal: Self.terminal)
            Issue.record("--password without --username must be refused")
        } catch {
            #expect(error.message == "--password needs --username" && error.status == .usage)
        }
    }
}
