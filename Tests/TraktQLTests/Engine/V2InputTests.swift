import Foundation
import Testing
@testable import TraktEmulator
import TraktEmulatorServer
@testable import TraktQL

/// `--input` over saved v2 data: a history array and an export object, detected by shape and
/// named in a message; the answers equal the v2 API's over the same data.
@Suite(.serialized) struct V2InputTests {
    static func get(_ server: EmulatorServer, _ path: String) async throws -> Data {
        let transport = Engine.defaultTransport(for: EngineConfiguration(apiURL: server.baseURL))
        let response = try await transport.send(HTTPRequest(url: URL(string: server.baseURL.absoluteString + path)!,
                                                            headers: ["trakt-api-version": "2", "trakt-api-key": V2TestServer.clientID]))
        #expect(response.status == 200, "\(path)")
        return response.body
    }

    static func engine(input: String) -> Engine {
        var settings = Settings()
        settings.timeZone = TimeZone(identifier: "UTC")!
        var configuration = EngineConfiguration(apiURL: URL(string: "http://127.0.0.1:1")!, settings: settings, clock: { TestServer.now })
        configuration.input = input
        return Engine(configuration: configuration)
    }

    @Test func aHistoryArrayAndAnExportAreReadAndNamed() async throws {
        let server = try await V2TestServer.unlimited.value
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("v2input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let history = try await Self.get(server, "/users/\(user)/history?limit=250")
        let historyFile = directory.appendingPathComponent("history.json")
        try history.write(to: historyFile)
        let fromFile = try await Self.engine(input: historyFile.path).run("activity action:seen | count")
        #expect(fromFile.warnings.first?.contains("as a v2 array of history (250)") == true, "\(fromFile.warnings)")
        // The same 250 entries through the API, filtered the same way.
        let api = V2TestServer.engine(server, api: .v2)
        let newest = try await api.run("activity user:\(user) actions:seen,scrobble,checkin | limit 250 | where action == \"seen\" | count")
        #expect(fromFile.rows == newest.rows && !fromFile.rows.isEmpty, "\(fromFile.rows) \(newest.rows)")

        // An export object of raw arrays.
        var export = Data("{\"user\":{\"username\":\"\(user)\"},\"history\":".utf8)
        export += history
        export += Data(",\"ratings\":".utf8) + (try await Self.get(server, "/users/\(user)/ratings"))
        export += Data(",\"watchlist\":".utf8) + (try await Self.get(server, "/users/\(user)/watchlist"))
        export += Data(",\"comments\":".utf8) + (try await Self.get(server, "/users/\(user)/comments?limit=250"))
        export += Data(",\"lists\":".utf8) + (try await Self.get(server, "/users/\(user)/lists"))
        export += Data("}".utf8)
        let exportFile = directory.appendingPathComponent("export.json")
        try export.write(to: exportFile)
        let counts = try await Self.engine(input: exportFile.path).run("activity | count by action | sort action")
        #expect(counts.warnings.first?.hasPrefix("read \(exportFile.path) as a v2 export: history (250), ratings (") == true, "\(counts.warnings)")
        let actions = counts.rows.compactMap { $0.first?.stringValue }
        #expect(Set(actions).isSuperset(of: ["seen", "rating"]), "\(actions)")
        let ratings = try await Self.engine(input: exportFile.path).run("activity action:rating | select who | limit 1")
        #expect(ratings.rows.first?.first == .string(user))
        let apiRatings = try await api.run("activity user:\(user) action:rating | limit all | count")
        let fileRatings = try await Self.engine(input: exportFile.path).run("activity action:rating | count")
        #expect(apiRatings.rows == fileRatings.rows)
    }
}
