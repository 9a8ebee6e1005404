import Foundation
import Testing
@testable import TraktQL

/// The engine library has no HTTP client of its own: without one, a call fails with the
/// reason (not retried), and statements that make none still work.
@Suite struct UnconfiguredTransportTests {
    @Test func callsFailWithTheReasonAndExplainStillWorks() async throws {
        let engine = Engine(configuration: EngineConfiguration(apiURL: URL(string: "http://127.0.0.1:9")!, apiKey: "k"))
        _ = try await engine.plan("activity since:7d")
        do {
            _ = try await engine.run("activity since:7d | count")
            Issue.record("the query ran")
        } catch {
            #expect("\(error)".contains("no HTTP client: set EngineConfiguration.transport"), "\(error)")
        }
        await #expect(throws: TransportError.self) { try await UnconfiguredTransport().send(HTTPRequest(url: URL(string: "http://x/")!)) }
    }
}
