import Foundation
import Testing
@testable import TraktQL

/// The composition root: which backend a statement gets, and what a session's backends share.
@Suite struct BackendFactoryTests {
    static let url = URL(string: "http://127.0.0.1:1")!

    static func settings(api: APIVersion) -> Settings {
        var settings = Settings()
        settings.api = api
        return settings
    }

    @Test func theKeyIsTheLocalInputElseTheAPI() {
        let remote = BackendFactory(configuration: EngineConfiguration(apiURL: Self.url))
        #expect(remote.key(for: Self.settings(api: .v1)) == .api(.v1))
        #expect(remote.key(for: Self.settings(api: .v2)) == .api(.v2))
        #expect(remote.key(for: Settings()) == .api(.standard))
        let local = BackendFactory(configuration: EngineConfiguration(apiURL: Self.url, input: "saved.json"))
        #expect(local.key(for: Self.settings(api: .v2)) == .local(path: "saved.json"))
    }

    @Test func eachKeyMakesItsBackend() {
        var configuration = EngineConfiguration(apiURL: Self.url, apiKey: "k")
        configuration.v2 = V2Credentials(clientID: "id")
        configuration.plainHTTPSecretHosts = ["emulator.invalid"]
        let factory = BackendFactory(configuration: configuration)
        var pacific = Self.settings(api: .v1)
        pacific.convention = .utc
        let v1 = factory.backend(for: pacific) as? V1Backend
        #expect(v1?.apiKey == "k" && v1?.convention == .utc)
        let v2 = factory.backend(for: Self.settings(api: .v2)) as? V2Backend
        #expect(v2?.credentials.clientID == "id" && v2?.plainHTTPHosts == ["emulator.invalid"])
        configuration.input = "-"
        #expect(BackendFactory(configuration: configuration).backend(for: Self.settings(api: .v2)) is LocalBackend)
    }

    /// The rate limit one statement meets holds for the session's next (one budget per
    /// factory, that is per engine), and not for another session.
    @Test func aSessionsV2BackendsShareOneRateBudget() throws {
        let factory = BackendFactory(configuration: EngineConfiguration(apiURL: Self.url))
        let first = try #require(factory.backend(for: Self.settings(api: .v2)) as? V2Backend)
        let second = try #require(factory.backend(for: Self.settings(api: .v2)) as? V2Backend)
        #expect(first.budget === second.budget)
        let other = try #require(BackendFactory(configuration: EngineConfiguration(apiURL: Self.url)).backend(for: Self.settings(api: .v2)) as? V2Backend)
        #expect(other.budget !== first.budget)
    }

    /// A plan runs on the backend that made it: planned for v1, it still calls v1 after `set api = v2`.
    @Test func aPlanRunsOnTheBackendThatMadeIt() async throws {
        let engine = Engine(configuration: EngineConfiguration(apiURL: Self.url, apiKey: "k"))
        let plan = try await engine.plan("activity user:justin")
        try await engine.set("api", to: "v2")
        #expect(plan.backend is V1Backend)
        #expect(await engine.backend() is V2Backend)
        do {
            _ = try await engine.execute(plan)
            Issue.record("the engine has no transport: the call must fail")
        } catch {
            // v1's call (its path), not v2's missing client id.
            #expect("\(error)".contains("/activity/user.json/"), "\(error)")
        }
    }
}
