import Foundation
import Testing

@testable import TraktEmulator

/// `--state FILE`: the journal, its replay, a torn last line, resets.
@Suite("Writes: --state journal, replay and reset")
struct WriteStateTests {
    static let views = ["/sync/history?limit=30", "/sync/ratings", "/sync/watchlist", "/sync/collection/movies", "/sync/collection/shows",
                        "/sync/last_activities", "/users/justin/stats"]

    func temporaryFile() -> String { NSTemporaryDirectory() + "emulator-state-\(UUID().uuidString).jsonl" }

    /// A few writes of every kind.
    func writeSome(_ e: Emulator) async {
        let writes: [(String, [String: Any])] = [
            ("/sync/history", ["movies": [["ids": ["slug": "the-social-network-2010"]]], "shows": [["ids": ["slug": "chernobyl"]]]]),
            ("/sync/ratings", ["movies": [["ids": ["slug": "inception-2010"], "rating": 10]], "seasons": [["ids": ["trakt": 10_003], "rating": 7]]]),
            ("/sync/watchlist", ["shows": [["ids": ["slug": "sherlock"]]]]),
            ("/sync/collection", ["movies": [["ids": ["slug": "inception-2010"]]]]),
            ("/sync/history/remove", ["shows": [["ids": ["slug": "chernobyl"], "seasons": [["number": 1, "episodes": [["number": 2]]]]]]]),
            ("/sync/ratings", ["movies": [["ids": ["slug": "inception-2010"], "rating": 99]]]),  // 422: recorded, changes nothing
        ]
        for (path, body) in writes { _ = await call(e, "POST", path, json: body) }
    }

    @Test("a restarted emulator replays the journal: every view answers the same bytes")
    func survivesRestart() async throws {
        let path = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = writableEmulator()
        #expect(try first.openState(path: path).isEmpty)
        await writeSome(first)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6)
        let second = writableEmulator()
        #expect(try second.openState(path: path).isEmpty)
        for view in Self.views {
            let a = await call(first, "GET", view)
            let b = await call(second, "GET", view)
            #expect(a.status == 200 && a.body == b.body, "\(view)")
        }
        // And differs from an emulator without the writes.
        let bare = await call(writableEmulator(), "GET", "/sync/history?limit=30")
        #expect(bare.body != (await call(second, "GET", "/sync/history?limit=30")).body)
        // Writes after the replay go on in the same file.
        _ = await call(second, "POST", "/sync/history", json: ["movies": [["ids": ["slug": "inception-2010"]]]])
        let third = writableEmulator()
        try third.openState(path: path)
        #expect((await call(third, "GET", "/sync/history?limit=30")).body == (await call(second, "GET", "/sync/history?limit=30")).body)
    }

    @Test("a torn last line is dropped with a warning (and trimmed from the file); a damaged middle line is an error")
    func tornLastLine() async throws {
        let path = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = writableEmulator()
        try first.openState(path: path)
        await writeSome(first)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"v":1,"dataset":"seed 7, 6000 act"#.utf8))
        try handle.close()
        let second = writableEmulator()
        let warnings = try second.openState(path: path)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("line 7 is incomplete") == true, "\(warnings)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == whole, "the torn tail is cut off")
        #expect((await call(second, "GET", "/sync/history?limit=30")).body == (await call(first, "GET", "/sync/history?limit=30")).body)

        // A damaged line before the last: refuse, naming it.
        var damaged = whole
        damaged.replaceSubrange(0..<5, with: Data("xxxxx".utf8))
        try damaged.write(to: URL(fileURLWithPath: path))
        #expect(throws: EmulatorError.self) { try writableEmulator().openState(path: path) }
        do {
            try writableEmulator().openState(path: path)
        } catch {
            #expect(error.description.contains("line 1 is not a journal record"), "\(error)")
        }
    }

    @Test("a journal of another dataset is refused; --reset-state empties it")
    func otherDatasetAndReset() async throws {
        let path = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = writableEmulator()
        try first.openState(path: path)
        await writeSome(first)
        do {
            try writableEmulator(seed: 8).openState(path: path)
            Issue.record("another seed's journal was accepted")
        } catch {
            #expect(error.description.contains("another dataset"), "\(error)")
        }
        let reset = writableEmulator()
        try reset.openState(path: path, reset: true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
        #expect((await call(reset, "GET", "/sync/history?limit=30")).body == (await call(writableEmulator(), "GET", "/sync/history?limit=30")).body)
    }

    @Test("POST /emulator/reset with the operator secret forgets every write and empties the file; without it 403")
    func resetRoute() async throws {
        let path = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let e = writableEmulator { $0.v2.operatorSecret = "op-secret"; $0.v2.approveFromLoopback = true }
        try e.openState(path: path)
        await writeSome(e)
        let fresh = await call(writableEmulator(), "GET", "/sync/last_activities")
        #expect((await call(e, "GET", "/sync/last_activities")).body != fresh.body)
        // A user's token, no token, or loopback alone: 403.
        for token in [writeToken, nil] as [String?] {
            var h = EmulatorHeaders()
            if let token { h["Authorization"] = "Bearer " + token }
            let r = await e.respond(EmulatorRequest(method: "POST", target: "/emulator/reset", headers: h, fromLoopback: true))
            #expect(r.status == 403)
        }
        let ok = await e.respond(EmulatorRequest(method: "POST", target: "/emulator/reset", headers: ["Authorization": "Bearer op-secret"]))
        #expect(ok.status == 200)
        #expect(String(decoding: ok.body, as: UTF8.self) == #"{"reset":true}"#)
        #expect((await call(e, "GET", "/sync/last_activities")).body == fresh.body)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
        let get = await e.respond(EmulatorRequest(method: "GET", target: "/emulator/reset", headers: ["Authorization": "Bearer op-secret"]))
        #expect(get.status == 405)
    }
}
