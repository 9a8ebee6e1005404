import Foundation
import Testing
import TraktProtocol

@testable import TraktEmulator
import TraktEmulatorServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The core answers as plain values exactly what the server puts on the wire: the server is
/// only a front end of it.
@Suite("Emulator core: in-process answers equal the server's")
struct EmulatorCoreTests {
    /// Requests across v1, v2, OAuth and the extensions, successes and failures alike.
    static let v1Targets = [
        "/activity/community.json/KEY", "/activity/community.json/KEY?min=1",
        "/activity/seasons.json/KEY/the-walking-dead/1,2/seen,rating", "/activity/user.json/KEY/justin/all/all/0/1748000000",
        "/server/time.json/KEY", "/emulator/catalog.json", "/activity/user.json/KEY/nobody-here",
        "/activity/seasons.json/KEY/the-walking-dead/abc", "/activity/friends.json/KEY", "/no/such/route",
    ]
    static let v2Targets = [
        "/users/justin/history?page=2&limit=7", "/users/justin/history/movies?extended=full", "/users/justin/watchlist/movies/title/desc",
        "/users/justin/ratings/episodes/8,9,10", "/users/justin/ratings?page=1&limit=3", "/shows/the-walking-dead/seasons?extended=full",
        "/search/movie?query=mad", "/users/nobody-here/history", "/users/justin/history?start_at=yesterday", "/sync/history",
    ]

    @Test("v1 and v2: the same status, headers and bytes in-process as over HTTP", arguments: [false, true])
    func sameAnswers(v2Routes: Bool) async throws {
        let server = try await (v2Routes ? v2Server : smallServer).value
        let headers: [String: String] = v2Routes ? v2Headers() : [:]
        for target in v2Routes ? Self.v2Targets : Self.v1Targets {
            for method in ["GET", "HEAD"] {
                let wire = try await fetch(server, target, method: method, headers: headers)
                let core = await server.emulator.respond(EmulatorRequest(method: method, target: target, headers: EmulatorHeaders(headers.map { ($0.key, $0.value) })))
                #expect(core.status == wire.status, "\(method) \(target)")
                #expect(Data(core.body) == wire.body, "\(method) \(target)")
                #expect(core.wireFault == nil)
                for name in ["Content-Type", "Content-Length", "X-Pagination-Page", "X-Pagination-Limit", "X-Pagination-Page-Count",
                             "X-Pagination-Item-Count", "X-Sort-By", "X-Sort-How", "X-Applied-Sort-By", "X-Applied-Sort-How"] {
                    #expect(core.headers[name] == wire.header(name), "\(method) \(target): \(name)")
                }
            }
        }
    }

    @Test("header names in any case; a POSTed credential body in-process authenticates as over HTTP")
    func headersAndBodies() async throws {
        let server = try await smallServer.value
        let emulator = server.emulator
        let password = SHA1.hex(Dataset.password(forUsername: "justin"))
        let body = Array(#"{"username":"justin","password":"\#(password)"}"#.utf8)
        let posted = await emulator.respond(EmulatorRequest(method: "POST", target: "/activity/friends.json/KEY", body: body))
        #expect(posted.status == 200)
        let wire = try await fetch(server, "/activity/friends.json/KEY", method: "POST", body: Data(body))
        #expect(Data(posted.body) == wire.body)
        let basic = basicAuth("justin")["Authorization"]!
        for name in ["Authorization", "authorization", "AUTHORIZATION"] {
            let r = await emulator.respond(EmulatorRequest(target: "/activity/friends.json/KEY", headers: EmulatorHeaders([(name, basic)])))
            #expect(r.status == 200, "\(name)")
        }
        // Over the body limit counts as no body: anonymous, so friends is refused.
        let huge = await emulator.respond(EmulatorRequest(method: "POST", target: "/activity/friends.json/KEY",
                                                          body: body + [UInt8](repeating: 32, count: Emulator.bodyLimit)))
        #expect(huge.status == 401)
    }

    @Test("faults in-process: reset is a wire fault for the front end; truncate and malformed cut the bytes; 503 and 429 are answers")
    func faults() async throws {
        let server = try await smallServer.value
        let emulator = server.emulator
        func forced(_ fault: String) async -> EmulatorResponse {
            await emulator.respond(EmulatorRequest(target: "/activity/community.json/KEY", headers: ["X-Emulator-Fault": fault]))
        }
        let whole = await emulator.respond(EmulatorRequest(target: "/activity/community.json/KEY"))
        #expect(await forced("reset").wireFault == .reset)
        let truncated = await forced("truncate")
        #expect(truncated.status == 200)
        #expect(truncated.body == Array(whole.body.prefix(whole.body.count / 2)))
        #expect(truncated.headers["Content-Length"] == String(whole.body.count / 2))
        let malformed = await forced("malformed")
        #expect((try? JSONSerialization.jsonObject(with: Data(malformed.body))) == nil)
        #expect(await forced("503").status == 503)
        let limited = await forced("429")
        #expect(limited.status == 429)
        #expect(limited.headers["retry-after"] == "1")
        // Over HTTP the same reset closes the connection with no answer.
        await #expect(throws: (any Error).self) { _ = try await fetch(server, "/activity/community.json/KEY", headers: ["X-Emulator-Fault": "reset"]) }
    }

    @Test("the core target imports only Foundation and TraktProtocol (no server, NIO or HTTP types)")
    func coreImports() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/TraktEmulator")
        let files = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL })
            .filter { $0.pathExtension == "swift" }
        #expect(files.count > 20, "found \(files.count) sources under \(root.path)")
        var imported: Set<String> = []
        for file in files {
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                let words = line.split(separator: " ")
                if let i = words.firstIndex(of: "import"), i + 1 < words.count, words[..<i].allSatisfy({ $0.hasPrefix("@") }) {
                    imported.insert(String(words[i + 1]))
                }
            }
        }
        #expect(imported.isSubset(of: ["Foundation", "TraktProtocol"]), "\(imported.sorted())")
    }
}

extension EmulatorCoreTests {
    @Test("EmulatorHeaders: case-insensitive lookup, repeated fields joined, set replaces every field of a name")
    func headerValues() {
        var h: EmulatorHeaders = ["Trakt-Api-Key": "a", "X-Thing": "1"]
        h.append(name: "x-thing", value: "2")
        #expect(h["TRAKT-API-KEY"] == "a")
        #expect(h["x-THING"] == "1, 2")
        h["X-THING"] = "3"
        #expect(h["x-thing"] == "3")
        #expect(h.fields.count == 2)
        h["trakt-api-key"] = nil
        #expect(h["Trakt-Api-Key"] == nil)
        #expect(EmulatorRequest(target: "/a/b?x=1&y=2").query == "x=1&y=2")
        #expect(EmulatorRequest(target: "/a/b").query == nil)
    }
}
