import Foundation
import Testing

@testable import TraktEmulator

/// The moving clock (issue 25, item 4): `POST /emulator/advance` (and `--clock real`) move the
/// server clock, and the community's generated activity appears as it passes.
@Suite("Writes: the moving clock (POST /emulator/advance)")
struct ClockAdvanceTests {
    static let secret = "op-secret"

    func clockEmulator() -> Emulator {
        writableEmulator { $0.v2.operatorSecret = Self.secret }
    }

    /// `POST /emulator/advance?by=…` with the operator secret (or `authorization`).
    func advance(_ e: Emulator, _ by: String, authorization: String? = "Bearer " + secret) async -> WriteAnswer {
        var h = EmulatorHeaders()
        if let authorization { h["Authorization"] = authorization }
        let r = await e.respond(EmulatorRequest(method: "POST", target: "/emulator/advance?by=" + by, headers: h))
        return WriteAnswer(status: r.status, headers: r.headers, body: r.body)
    }

    /// The v1 community stream's first page.
    func community(_ e: Emulator) async -> (current: Int, items: [[String: Any]], body: [UInt8]) {
        let r = await e.respond(EmulatorRequest(target: "/activity/community.json/KEY"))
        let json = (try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]) ?? [:]
        let current = (json["timestamps"] as? [String: Any])?["current"] as? Int ?? 0
        return (current, json["activity"] as? [[String: Any]] ?? [], r.body)
    }

    func username(_ item: [String: Any]) -> String { (item["user"] as? [String: Any])?["username"] as? String ?? "" }

    @Test("advance moves now, and the community's new activity shows in v1, in other users' v2 data and their last_activities")
    func advanceAddsActivity() async throws {
        let e = clockEmulator()
        let before = await community(e)
        let start = Int64(pinnedNow.timeIntervalSince1970)
        let answer = await advance(e, "1d")
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.object["now"] as? String == ISOTime.string(start + 86_400))
        #expect(answer.object["advanced_by"] as? Int == 86_400)
        let appeared = try #require(answer.object["new_activities"] as? Int)
        #expect(appeared > 0)
        let after = await community(e)
        #expect(after.current - before.current == 86_400)
        // The newest activity is new: after the dataset's end, at most the new now.
        let newest = try #require(after.items.first)
        let newestTime = Int64(try #require(newest["timestamp"] as? Int))
        #expect(newestTime > Int64(before.current) && newestTime <= Int64(after.current))
        #expect(before.items.first?["id"] as? Int != newest["id"] as? Int)
        // Nothing of the writer's (justin, the token user) among it.
        #expect(!after.items.contains { username($0) == "justin" && ($0["timestamp"] as? Int ?? 0) > before.current })

        // Someone with new activity: their v2 history or data moved, and so did their last_activities.
        let name = username(newest)
        let user = try #require(e.dataset.userByName[name])
        let fresh = writableEmulator()
        e.v2.oauth.addPermanent(token: "their-token", user: user)
        fresh.v2.oauth.addPermanent(token: "their-token", user: user)
        let moved = await call(e, "GET", "/sync/last_activities", token: "their-token")
        let was = await call(fresh, "GET", "/sync/last_activities", token: "their-token")
        #expect(moved.status == 200 && was.status == 200)
        let all = try #require(moved.object["all"] as? String)
        let wasAll = try #require(was.object["all"] as? String)
        #expect(all > wasAll && all > ISOTime.string(start))
        let stream = await v1Stream(e, name, actions: "all")
        #expect(stream.count > (await v1Stream(fresh, name, actions: "all")).count)
        // A new play is in its player's v2 history, newest first.
        let play = after.items.first { ["seen", "scrobble", "checkin"].contains($0["action"] as? String ?? "") && ($0["timestamp"] as? Int ?? 0) > before.current }
        let player = username(try #require(play))
        let history = await call(e, "GET", "/users/\(player)/history?limit=5", token: "their-token")
        let watchedAt = try #require(history.array.first?["watched_at"] as? String)
        #expect(watchedAt > ISOTime.string(start))
    }

    @Test("the same seed and the same advances give the same data, whatever the steps and the reads between them")
    func deterministic() async throws {
        let stepped = clockEmulator()
        let once = clockEmulator()
        let quarters = clockEmulator()
        // Reads between the steps (they make the community catch up) change nothing.
        _ = await advance(stepped, "12h")
        _ = await community(stepped)
        _ = await call(stepped, "GET", "/users/justin/history")
        _ = await advance(stepped, "12h")
        _ = await advance(once, "86400")
        for _ in 0..<4 {
            _ = await advance(quarters, "6h")
            _ = await community(quarters)
        }
        let views = ["/activity/community.json/KEY", "/activity/shows.json/KEY/the-walking-dead", "/activity/movies.json/KEY/inception-2010"]
        for view in views {
            let a = await stepped.respond(EmulatorRequest(target: view))
            let b = await once.respond(EmulatorRequest(target: view))
            let c = await quarters.respond(EmulatorRequest(target: view))
            #expect(a.body == b.body && b.body == c.body, "\(view)")
        }
        let names = Set(await community(once).items.map(username)).sorted()
        #expect(names.count > 3)
        for name in names {
            let a = await call(stepped, "GET", "/users/\(name)/history?limit=50")
            let b = await call(once, "GET", "/users/\(name)/history?limit=50")
            #expect(a.status == b.status && a.body == b.body, "\(name)")
        }
        // Further along the same path: another day is the same again.
        _ = await advance(stepped, "1d")
        _ = await advance(once, "1d")
        #expect(await community(stepped).body == (await community(once)).body)
    }

    @Test("the writer's own data moves only by their writes: justin's, and another user's after their first write")
    func writerUntouched() async throws {
        let e = clockEmulator()
        let views = ["/sync/history?limit=100", "/sync/ratings", "/sync/watchlist", "/sync/collection/movies", "/sync/last_activities",
                     "/users/justin/stats", "/users/justin/comments"]
        var before: [String: [UInt8]] = [:]
        for view in views { before[view] = (await call(e, "GET", view)).body }
        let v1Before = await v1Stream(e, "justin", actions: "all")
        _ = await advance(e, "3d")
        for view in views { #expect((await call(e, "GET", view)).body == before[view], "\(view)") }
        #expect((await v1Stream(e, "justin", actions: "all")).map { $0["id"] as? Int } == v1Before.map { $0["id"] as? Int })

        // Another user writes; what the community does after that is not theirs.
        let active = await community(e).items.map(username).first { $0 != "justin" }
        let name = try #require(active)
        let user = try #require(e.dataset.userByName[name])
        e.v2.oauth.addPermanent(token: "writer-2", user: user)
        let wrote = await call(e, "POST", "/sync/history", token: "writer-2", json: ["movies": [["ids": ["slug": "inception-2010"]]]])
        #expect(wrote.status == 201)
        let theirs = await pages(e, "/sync/history", token: "writer-2")
        let lastActivities = await call(e, "GET", "/sync/last_activities", token: "writer-2")
        _ = await advance(e, "5d")
        #expect(await pages(e, "/sync/history", token: "writer-2").count == theirs.count)
        #expect((await call(e, "GET", "/sync/last_activities", token: "writer-2")).body == lastActivities.body)
        // The rest of the community went on.
        #expect(await community(e).items.contains { username($0) != name })
    }

    @Test("advance needs the operator secret: 403 without it, with a user's token, with another secret, or when none is set")
    func needsOperator() async throws {
        let e = clockEmulator()
        for authorization in [nil, "Bearer " + writeToken, "Bearer wrong-secret", "Basic b3A6c2VjcmV0"] as [String?] {
            let r = await advance(e, "2h", authorization: authorization)
            #expect(r.status == 403, "\(authorization ?? "none")")
            #expect(r.text.contains("operator"))
        }
        let noSecret = writableEmulator()
        let r = await advance(noSecret, "2h", authorization: "Bearer anything")
        #expect(r.status == 403 && r.text.contains("--operator-secret-file"))
        // Nothing moved.
        #expect(await community(e).current == (await community(writableEmulator())).current)
        let get = await e.respond(EmulatorRequest(method: "GET", target: "/emulator/advance?by=2h", headers: ["Authorization": "Bearer " + Self.secret]))
        #expect(get.status == 405)
    }

    @Test("a bad 'by' is 400 with one clear message, absurd values included (no trap), and the clock stays")
    func badDurations() async throws {
        let e = clockEmulator()
        let start = await community(e).current
        for by in ["", "abc", "-2h", "0", "0h", "2x", "2hh", "h", "1.5h", "99999999999h", "9223372036854775807s", "9223372036854775808",
                   "367d", "%F0%9F%95%90"] {
            let r = await advance(e, by)
            #expect(r.status == 400, "'\(by)': \(r.status)")
            #expect((r.object["error_description"] as? String ?? "").contains("'by' must be a duration"), "'\(by)': \(r.text)")
        }
        let missing = await e.respond(EmulatorRequest(method: "POST", target: "/emulator/advance", headers: ["Authorization": "Bearer " + Self.secret]))
        #expect(missing.status == 400 && String(decoding: missing.body, as: UTF8.self).contains("missing 'by'"))
        #expect(await community(e).current == start)
        // In all, at most ten years: the eleventh is refused, and the clock stays.
        for _ in 0..<9 { #expect((await advance(e, "366d")).status == 200) }
        let tooFar = await advance(e, "366d")
        #expect(tooFar.status == 400 && tooFar.text.contains("at most"))
        #expect(await community(e).current == start + 9 * 366 * 86_400)
    }

    @Test("with --state the clock's moves are journaled: a restart finds the clock and the community where they were; reset rewinds")
    func journaled() async throws {
        let path = NSTemporaryDirectory() + "emulator-clock-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = clockEmulator()
        try first.openState(path: path)
        _ = await advance(first, "10h")
        _ = await call(first, "POST", "/sync/history", json: ["movies": [["ids": ["slug": "inception-2010"]]]])
        _ = await advance(first, "1d")
        let second = clockEmulator()
        try second.openState(path: path)
        #expect(await community(second).body == (await community(first)).body)
        #expect((await call(second, "GET", "/sync/history?limit=20")).body == (await call(first, "GET", "/sync/history?limit=20")).body)
        let reset = await second.respond(EmulatorRequest(method: "POST", target: "/emulator/reset", headers: ["Authorization": "Bearer " + Self.secret]))
        #expect(reset.status == 200)
        #expect(await community(second).body == (await community(clockEmulator())).body)
    }
}

/// `--clock real`: the clock runs from the start at the real clock's pace.
@Suite("Writes: --clock real")
struct RunningClockTests {
    @Test("with --clock real the clock runs from --now, and an advance adds to it")
    func runs() async throws {
        let e = writableEmulator {
            $0.clock = .real
            $0.v2.operatorSecret = "op-secret"
        }
        let start = e.dataset.nowUnix
        #expect(e.nowUnix - start <= 1)
        try await Task.sleep(for: .milliseconds(2_100))
        let ran = e.nowUnix - start
        #expect(ran >= 2 && ran <= 30, "\(ran)")
        let r = await e.respond(EmulatorRequest(method: "POST", target: "/emulator/advance?by=1d", headers: ["Authorization": "Bearer op-secret"]))
        #expect(r.status == 200)
        #expect(e.nowUnix - start >= 86_400 + 2)
        // A pinned clock stands.
        let pinned = writableEmulator()
        try await Task.sleep(for: .milliseconds(1_100))
        #expect(pinned.nowUnix == pinned.dataset.nowUnix)
    }
}
