import Foundation
import Testing
import TraktEmulator
import TraktEmulatorServer
import TraktQL
import TraktQLCurl
import TestSupport

/// The example in `Engine`'s doc comment (and the README), compiled and run as written.
@Suite struct DocumentationExampleTests {
    @Test func engineDocCommentExampleRuns() async throws {
        // An emulator on the real clock, since the example uses the engine's default clock.
        let server = try await EmulatorServer.start(EmulatorConfiguration(seed: 7, size: DatasetScale.small.size))
        try await withEmulator(server) {
            let serverURL = server.baseURL
            var printed: [String] = []
            func print(_ line: String) { printed.append(line) }

            // --- from Engine.swift ---
            var configuration = EngineConfiguration(apiURL: serverURL, apiKey: "my-key")
            configuration.transport = CurlTransport.retrying(for: configuration)  // import TraktQLCurl
            let engine = Engine(configuration: configuration)
            let result = try await engine.run("activity show:the-walking-dead season:1 since:30d | select time, who, sxe | limit 5")
            for row in result.rows {
                print(row.map(\.description).joined(separator: "  "))
            }
            // ---

            #expect(result.columns == ["time", "who", "sxe"])
            #expect((1...5).contains(printed.count))
        }
    }
}
