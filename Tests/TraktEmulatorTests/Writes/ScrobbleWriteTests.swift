import Foundation
import Testing

@testable import TraktEmulator

/// Check-ins, scrobbles and paused playback.
@Suite("Writes: /checkin, /scrobble, /sync/playback")
struct ScrobbleWriteTests {
    static var movie: [String: Any] { ["movie": ["ids": ["slug": "inception-2010"]]] }

    /// An emulator whose justin is watching nothing now (a generated `watching` may be running).
    func idle() async -> Emulator {
        let e = writableEmulator()
        let r = await call(e, "DELETE", "/checkin")
        #expect(r.status == 204)
        #expect((await call(e, "GET", "/users/justin/watching")).status == 204)
        return e
    }

    @Test("POST /checkin: 201 with the play's id; watching until the runtime ends; a second check-in is 409 with expires_at")
    func checkin() async throws {
        let e = await idle()
        let ds = e.dataset
        let r = await call(e, "POST", "/checkin", json: Self.movie.merging(["sharing": ["twitter": true]]) { a, _ in a })
        #expect(r.status == 201, "\(r.text)")
        let id = try #require(r.object["id"] as? Int)
        #expect(r.object["watched_at"] as? String == ISOTime.string(ds.nowUnix))
        #expect((r.object["sharing"] as? [String: Bool])?["twitter"] == true)
        #expect(((r.object["movie"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String == "inception-2010")
        let history = await call(e, "GET", "/sync/history?limit=1")
        #expect(history.array.first?["id"] as? Int == id)
        #expect(history.array.first?["action"] as? String == "checkin")
        let watching = await call(e, "GET", "/users/justin/watching")
        #expect(watching.status == 200)
        let runtime = Int64(ds.movies[ds.movieBySlug["inception-2010"]!].seed.runtime) * 60
        #expect(watching.object["expires_at"] as? String == ISOTime.string(ds.nowUnix + runtime))
        // Another check-in while it lasts: 409 with expires_at.
        let again = await call(e, "POST", "/checkin", json: ["episode": ["ids": ["trakt": 100_000]]])
        #expect(again.status == 409)
        #expect(again.object["expires_at"] as? String == ISOTime.string(ds.nowUnix + runtime))
        // v1: checkin and watching activity.
        let v1 = await v1Stream(e, "justin", actions: "checkin,watching", types: "movie")
        #expect(Set(v1.prefix(2).compactMap { $0["action"] as? String }) == ["checkin", "watching"])
        // DELETE /checkin: 204, not watching, the play taken back.
        let delete = await call(e, "DELETE", "/checkin")
        #expect(delete.status == 204 && delete.body.isEmpty)
        #expect((await call(e, "GET", "/users/justin/watching")).status == 204)
        #expect(!(await pages(e, "/sync/history")).contains { $0["id"] as? Int == id })
        #expect((await call(e, "POST", "/checkin", json: ["episode": ["ids": ["trakt": 100_000]]])).status == 201)
    }

    @Test("check-in errors: unknown item 404, no item 422, no token 401; show plus season and number works")
    func checkinErrors() async throws {
        let e = await idle()
        #expect((await call(e, "POST", "/checkin", json: ["movie": ["ids": ["slug": "no-such-movie"]]])).status == 404)
        let none = await call(e, "POST", "/checkin", json: ["message": "hi"])
        #expect(none.status == 422)
        #expect((none.object["error_description"] as? String)?.contains("movie or an episode") == true)
        #expect((await call(e, "POST", "/checkin", token: nil, json: Self.movie)).status == 401)
        #expect((await call(e, "DELETE", "/checkin", token: nil)).status == 401)
        let byNumber = await call(e, "POST", "/checkin", json: ["show": ["ids": ["slug": "breaking-bad"]], "episode": ["season": 1, "number": 2]])
        #expect(byNumber.status == 201, "\(byNumber.text)")
        #expect((byNumber.object["episode"] as? [String: Any])?["number"] as? Int == 2)
        #expect((await call(e, "POST", "/checkin", json: ["show": ["ids": ["slug": "breaking-bad"]], "episode": ["season": 1, "number": 99]])).status == 404,
                "an unknown episode is 404 before any conflict")
    }

    @Test("scrobble: start watches, pause saves playback, stop >= 80% records a play, below 80% keeps playback; repeated stop 409")
    func scrobble() async throws {
        let e = await idle()
        let ds = e.dataset
        let start = await call(e, "POST", "/scrobble/start", json: Self.movie.merging(["progress": 25]) { a, _ in a })
        #expect(start.status == 201, "\(start.text)")
        #expect(start.object["action"] as? String == "start")
        #expect(start.object["progress"] as? Int == 25)
        let watching = await call(e, "GET", "/users/justin/watching")
        #expect(watching.status == 200)
        let runtime = Int64(ds.movies[ds.movieBySlug["inception-2010"]!].seed.runtime) * 60
        #expect(watching.object["expires_at"] as? String == ISOTime.string(ds.nowUnix + runtime - runtime / 4))

        let pause = await call(e, "POST", "/scrobble/pause", json: Self.movie.merging(["progress": 40.5]) { a, _ in a })
        #expect(pause.status == 201)
        #expect(pause.object["action"] as? String == "pause")
        #expect((await call(e, "GET", "/users/justin/watching")).status == 204)
        let playback = await call(e, "GET", "/sync/playback")
        #expect(playback.array.count == 1)
        #expect(playback.array.first?["progress"] as? Double == 40.5)
        #expect(playback.array.first?["type"] as? String == "movie")
        #expect(playback.array.first?["paused_at"] as? String == ISOTime.string(ds.nowUnix))
        #expect((await call(e, "GET", "/sync/playback/episodes")).array.isEmpty)
        let paused = try #require((await call(e, "GET", "/sync/last_activities")).object["movies"] as? [String: Any])
        #expect((paused["paused_at"] as? String ?? "").hasPrefix(String(ISOTime.string(ds.nowUnix).prefix(19))))

        let historyBefore = await pages(e, "/sync/history")
        let low = await call(e, "POST", "/scrobble/stop", json: Self.movie.merging(["progress": 60]) { a, _ in a })
        #expect(low.object["action"] as? String == "pause")
        #expect((await pages(e, "/sync/history")).count == historyBefore.count, "below 80%: no play")
        #expect((await call(e, "GET", "/sync/playback")).array.first?["progress"] as? Int == 60)

        let stop = await call(e, "POST", "/scrobble/stop", json: Self.movie.merging(["progress": 85]) { a, _ in a })
        #expect(stop.status == 201)
        #expect(stop.object["action"] as? String == "scrobble")
        let history = await pages(e, "/sync/history")
        #expect(history.count == historyBefore.count + 1)
        #expect(history.first?["action"] as? String == "scrobble")
        #expect(history.first?["id"] as? Int == stop.object["id"] as? Int)
        #expect((await call(e, "GET", "/sync/playback")).array.isEmpty, "a play ends the playback")
        let v1 = await v1Stream(e, "justin", actions: "scrobble", types: "movie")
        #expect((v1.first?["movie"] as? [String: Any])?["title"] as? String == ds.movies[ds.movieBySlug["inception-2010"]!].seed.title)

        let twice = await call(e, "POST", "/scrobble/stop", json: Self.movie.merging(["progress": 95]) { a, _ in a })
        #expect(twice.status == 409)
        #expect(twice.object["watched_at"] as? String == ISOTime.string(ds.nowUnix))
        #expect(twice.object["expires_at"] as? String == ISOTime.string(ds.nowUnix + runtime))
        #expect((await call(e, "POST", "/scrobble/start", json: Self.movie.merging(["progress": 101]) { a, _ in a })).status == 422)
        #expect((await call(e, "POST", "/scrobble/start", json: Self.movie)).status == 422)
    }

    @Test("DELETE /sync/playback/{id}: 204, then 404")
    func removePlayback() async throws {
        let e = await idle()
        let pause = await call(e, "POST", "/scrobble/pause", json: ["episode": ["ids": ["trakt": 100_001]], "progress": 10])
        let id = try #require(pause.object["id"] as? Int)
        let list = await call(e, "GET", "/sync/playback/episodes")
        #expect(list.array.first?["id"] as? Int == id)
        #expect((await call(e, "DELETE", "/sync/playback/\(id)")).status == 204)
        #expect((await call(e, "GET", "/sync/playback")).array.isEmpty)
        #expect((await call(e, "DELETE", "/sync/playback/\(id)")).status == 404)
        #expect((await call(e, "DELETE", "/sync/playback/abc")).status == 404)
    }
}
