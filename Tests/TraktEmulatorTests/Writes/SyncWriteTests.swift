import Foundation
import Testing

@testable import TraktEmulator

/// The sync write routes: Trakt's request and response bodies, and every view showing the write.
@Suite("Writes: /sync/history, ratings, watchlist, collection")
struct SyncWriteTests {
    static let justinMovie = "the-social-network-2010"

    /// The trakt id of the newest history entry's item etc. (in-process helpers).
    func historyDescriptions(_ e: Emulator) async -> [String] { describeHistory(await pages(e, "/sync/history")) }

    @Test("POST /sync/history: 201 with added and not_found; the plays lead history, v1 and last_activities move")
    func historyAdd() async throws {
        let e = writableEmulator()
        let before = await call(e, "GET", "/sync/last_activities")
        let beforeHistory = await pages(e, "/sync/history")
        let ds = e.dataset
        let walkingDead = ds.showBySlug["the-walking-dead"]!
        let s1 = ds.shows[walkingDead].seasonIndex(number: 1)!
        let e1 = ds.seasons[s1].firstEpisode
        let body: [String: Any] = [
            "movies": [["ids": ["slug": Self.justinMovie]], ["ids": ["imdb": "tt0000000"], "title": "Nope"]],
            "episodes": [["ids": ["trakt": V2IDs.episode(e1)], "watched_at": "2025-05-30T20:00:00.000Z"]],
            "shows": [["ids": ["tvdb": 153021], "seasons": [["number": 2, "episodes": [["number": 1], ["number": 2], ["number": 99]]]]]],
        ]
        let r = await call(e, "POST", "/sync/history", json: body)
        #expect(r.status == 201, "\(r.text)")
        #expect(r.count("added", "movies") == 1)
        #expect(r.count("added", "episodes") == 3)
        let notFound = try #require(r.object["not_found"] as? [String: Any])
        #expect((notFound["movies"] as? [[String: Any]])?.first?["ids"] as? [String: String] == ["imdb": "tt0000000"])
        #expect((notFound["episodes"] as? [[String: Any]])?.count == 1, "episode 99 of season 2 does not exist")
        #expect((notFound["shows"] as? [Any])?.isEmpty == true && (notFound["seasons"] as? [Any])?.isEmpty == true)

        let after = await pages(e, "/sync/history")
        #expect(after.count == beforeHistory.count + 4)
        let newest = describeHistory(Array(after.prefix(3)))
        let now = ISOTime.string(ds.nowUnix)
        // One second: later-written first (higher ids), the episodes of one item in order.
        #expect(newest == ["\(now) watch episode the-walking-dead 2x1", "\(now) watch episode the-walking-dead 2x2", "\(now) watch movie \(Self.justinMovie)"])
        #expect(describeHistory(after).contains("2025-05-30T20:00:00.000Z watch episode the-walking-dead 1x1"))
        // Ids are unique 64-bit history ids.
        let ids = after.compactMap { $0["id"] as? Int }
        #expect(Set(ids).count == ids.count)

        // last_activities: the watched sections move to the write's stamp.
        let la = await call(e, "GET", "/sync/last_activities")
        let movies = try #require(la.object["movies"] as? [String: Any])
        let episodes = try #require(la.object["episodes"] as? [String: Any])
        let oldMovies = try #require(before.object["movies"] as? [String: Any])
        #expect((movies["watched_at"] as? String ?? "") > (oldMovies["watched_at"] as? String ?? "~"))
        #expect(movies["watched_at"] as? String == episodes["watched_at"] as? String)
        #expect(la.object["all"] as? String == movies["watched_at"] as? String)
        #expect((movies["rated_at"] as? String) == (oldMovies["rated_at"] as? String), "other sections stay")

        // v1: the plays are seen activity of justin.
        let v1 = await v1Stream(e, "justin", actions: "seen")
        let top = try #require(v1.first)
        #expect(top["type"] as? String == "episode" || top["type"] as? String == "movie")
        let v1Movies = v1.filter { ($0["movie"] as? [String: Any])?["url"] as? String != nil || $0["type"] as? String == "movie" }
        #expect(v1Movies.contains { (($0["movie"] as? [String: Any])?["title"] as? String) == "The Social Network" && ($0["timestamp"] as? Int) == Int(ds.clock.apiTimestamp(ds.nowUnix)) })
        let run = v1.first { ($0["episodes"] as? [[String: Any]])?.count == 2 && ($0["timestamp"] as? Int) == Int(ds.clock.apiTimestamp(ds.nowUnix)) }
        #expect(run != nil, "two consecutive episodes of one season at one time are one v1 seen item")
    }

    @Test("POST /sync/history/remove: by history ids and by items; removed everywhere; unknown ids in not_found.ids")
    func historyRemove() async throws {
        let e = writableEmulator()
        let all = await pages(e, "/sync/history")
        let episodeEntry = try #require(all.first { $0["type"] as? String == "episode" })
        let movieEntry = try #require(all.first { $0["type"] as? String == "movie" })
        let episodeID = try #require(episodeEntry["id"] as? Int)
        let movieTrakt = try #require(((movieEntry["movie"] as? [String: Any])?["ids"] as? [String: Any])?["trakt"] as? Int)
        let moviePlays = all.filter { (($0["movie"] as? [String: Any])?["ids"] as? [String: Any])?["trakt"] as? Int == movieTrakt }.count

        let r = await call(e, "POST", "/sync/history/remove", json: ["ids": [episodeID, 12345], "movies": [["ids": ["trakt": movieTrakt]]]])
        #expect(r.status == 200, "\(r.text)")
        #expect(r.count("deleted", "episodes") == 1)
        #expect(r.count("deleted", "movies") == moviePlays)
        let notFound = try #require(r.object["not_found"] as? [String: Any])
        #expect(notFound["ids"] as? [Int] == [12345])

        let after = await pages(e, "/sync/history")
        #expect(after.count == all.count - 1 - moviePlays)
        #expect(!after.contains { $0["id"] as? Int == episodeID })
        #expect(!after.contains { (($0["movie"] as? [String: Any])?["ids"] as? [String: Any])?["trakt"] as? Int == movieTrakt })
        // Watched and stats agree.
        let watched = await call(e, "GET", "/sync/watched/movies")
        #expect(!watched.array.contains { (($0["movie"] as? [String: Any])?["ids"] as? [String: Any])?["trakt"] as? Int == movieTrakt })
        // v1: no seen/scrobble/checkin of that movie remains, and the episode is gone from its item.
        let slug = e.dataset.movies[movieTrakt - 1].seed.slug
        let v1Movie = await e.respond(EmulatorRequest(target: "/activity/user/movies.json/KEY/justin/\(slug)/seen,scrobble,checkin", headers: basicAuthHeaders("justin")))
        let v1Items = (try JSONSerialization.jsonObject(with: Data(v1Movie.body)) as? [String: Any])?["activity"] as? [Any]
        #expect(v1Items?.isEmpty == true)
        // The same removal again deletes nothing and moves nothing.
        let la = await call(e, "GET", "/sync/last_activities")
        let again = await call(e, "POST", "/sync/history/remove", json: ["ids": [episodeID]])
        #expect(again.count("deleted", "episodes") == 0)
        #expect(((again.object["not_found"] as? [String: Any])?["ids"] as? [Int]) == [episodeID])
        let la2 = await call(e, "GET", "/sync/last_activities")
        #expect((la2.object["episodes"] as? [String: Any])?["watched_at"] as? String == (la.object["episodes"] as? [String: Any])?["watched_at"] as? String)
    }

    @Test("writes need a Bearer token (401), the app's client id (403); bodies are validated (400, 422); other methods 405")
    func authAndValidation() async throws {
        let e = writableEmulator()
        let body: [String: Any] = ["movies": [["ids": ["slug": Self.justinMovie]]]]
        for route in WriteRoute.syncRoutes {
            let path = String(route.rawValue.dropFirst(5))
            let none = await call(e, "POST", path, token: nil, json: body)
            #expect(none.status == 401, "\(path)")
            #expect(none.object["error"] as? String == "unauthorized")
            let bad = await call(e, "POST", path, token: "nope", json: body)
            #expect(bad.status == 401, "\(path)")
            let app = await call(e, "POST", path, json: body, key: "another-client")
            #expect(app.status == 403, "\(path)")
            let notJSON = await call(e, "POST", path, raw: Array("movies=1".utf8))
            #expect(notJSON.status == 400, "\(path)")
            #expect((notJSON.object["error_description"] as? String)?.contains("JSON") == true)
            let empty = await call(e, "POST", path, raw: [])
            #expect(empty.status == 400, "\(path)")
            let shape = await call(e, "POST", path, json: ["movies": "all of them"])
            #expect(shape.status == 422, "\(path)")
            #expect(shape.object["error"] as? String == "validation_failed")
            #expect((shape.object["error_description"] as? String)?.contains("'movies' must be an array") == true)
        }
        let when = await call(e, "POST", "/sync/history", json: ["movies": [["ids": ["slug": Self.justinMovie], "watched_at": "last tuesday"]]])
        #expect(when.status == 422)
        #expect((when.object["error_description"] as? String)?.contains("last tuesday") == true)
        let rating = await call(e, "POST", "/sync/ratings", json: ["movies": [["ids": ["slug": Self.justinMovie], "rating": 11]]])
        #expect(rating.status == 422)
        #expect((rating.object["error_description"] as? String)?.contains("1 to 10") == true)
        // A 422 changes nothing.
        let unchanged = await call(e, "GET", "/sync/ratings/movies").body
        let fresh = await writableEmulator().respondSync("/sync/ratings/movies")
        #expect(unchanged == fresh)
        let put = await call(e, "PUT", "/sync/history", json: body)
        #expect(put.status == 405)
        let getWrite = await call(e, "DELETE", "/users/justin/history", json: body)
        #expect(getWrite.status == 405)
    }

    @Test("ratings: add (201, re-rating replaces), seasons too, remove (200); v2 and v1 agree")
    func ratings() async throws {
        let e = writableEmulator()
        let ds = e.dataset
        let s1 = ds.shows[ds.showBySlug["breaking-bad"]!].seasonIndex(number: 1)!
        let body: [String: Any] = [
            "movies": [["ids": ["slug": Self.justinMovie], "rating": 9, "rated_at": "2025-05-31T10:00:00.000Z"]],
            "shows": [["ids": ["slug": "breaking-bad"], "rating": 10, "seasons": [["number": 1, "rating": 8]]]],
            "episodes": [["ids": ["trakt": V2IDs.episode(ds.seasons[s1].firstEpisode)], "rating": 7]],
        ]
        let r = await call(e, "POST", "/sync/ratings", json: body)
        #expect(r.status == 201, "\(r.text)")
        #expect(r.count("added", "movies") == 1 && r.count("added", "shows") == 1 && r.count("added", "seasons") == 1 && r.count("added", "episodes") == 1)
        let movies = await call(e, "GET", "/sync/ratings/movies")
        let mine = try #require(movies.array.first { (($0["movie"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String == Self.justinMovie })
        #expect(mine["rating"] as? Int == 9)
        #expect(mine["rated_at"] as? String == "2025-05-31T10:00:00.000Z")
        let seasons = await call(e, "GET", "/sync/ratings/seasons")
        #expect(seasons.array.count == 1)
        #expect((seasons.array.first?["season"] as? [String: Any])?["number"] as? Int == 1)
        #expect(seasons.array.first?["type"] as? String == "season")
        // Re-rating replaces.
        _ = await call(e, "POST", "/sync/ratings", json: ["movies": [["ids": ["slug": Self.justinMovie], "rating": 3]]])
        let again = await call(e, "GET", "/sync/ratings/movies")
        let replaced = again.array.filter { (($0["movie"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String == Self.justinMovie }
        #expect(replaced.count == 1)
        #expect(replaced.first?["rating"] as? Int == 3)
        // v1 carries the rating activity.
        let v1 = await v1Stream(e, "justin", actions: "rating", types: "movie")
        #expect((v1.first?["movie"] as? [String: Any])?["title"] as? String == "The Social Network")
        // Remove.
        let removed = await call(e, "POST", "/sync/ratings/remove", json: [
            "movies": [["ids": ["slug": Self.justinMovie]]], "seasons": [["ids": ["trakt": V2IDs.season(s1)]]],
            "shows": [["ids": ["trakt": 999_999]]],
        ])
        #expect(removed.status == 200, "\(removed.text)")
        #expect(removed.count("deleted", "movies") == 1 && removed.count("deleted", "seasons") == 1)
        #expect(((removed.object["not_found"] as? [String: Any])?["shows"] as? [Any])?.count == 1)
        let gone = await call(e, "GET", "/sync/ratings/movies")
        #expect(!gone.array.contains { (($0["movie"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String == Self.justinMovie })
        let v1After = await v1Stream(e, "justin", actions: "rating", types: "movie")
        #expect(!v1After.contains { ($0["movie"] as? [String: Any])?["title"] as? String == "The Social Network" })
        #expect((await call(e, "GET", "/sync/ratings/seasons")).array.isEmpty)
    }

    @Test("watchlist: add (existing counted), remove, list counts; watching an item takes it off")
    func watchlist() async throws {
        let e = writableEmulator()
        let ds = e.dataset
        let before = await pages(e, "/sync/watchlist")
        let movie = ds.movies.firstIndex { m in !before.contains { (($0["movie"] as? [String: Any])?["ids"] as? [String: Any])?["trakt"] as? Int == V2IDs.movie(ds.movies.firstIndex { $0.seed.slug == m.seed.slug }!) } }!
        let slug = ds.movies[movie].seed.slug
        let body: [String: Any] = ["movies": [["ids": ["slug": slug]]], "shows": [["ids": ["slug": "sherlock"], "seasons": [["number": 2]]]]]
        let r = await call(e, "POST", "/sync/watchlist", json: body)
        #expect(r.status == 201, "\(r.text)")
        #expect(r.count("added", "movies") == 1 && r.count("added", "seasons") == 1)
        #expect(r.count("existing", "movies") == 0)
        let list = try #require(r.object["list"] as? [String: Any])
        #expect(list["item_count"] as? Int == before.count + 2)
        #expect(list["updated_at"] is String)
        let twice = await call(e, "POST", "/sync/watchlist", json: body)
        #expect(twice.count("existing", "movies") == 1 && twice.count("existing", "seasons") == 1)
        #expect(twice.count("added", "movies") == 0)
        let after = await pages(e, "/sync/watchlist")
        #expect(after.count == before.count + 2)
        #expect(after.contains { (($0["movie"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String == slug })
        let newest = await call(e, "GET", "/sync/watchlist/movies/added/desc")
        #expect(((newest.array.first?["movie"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String == slug)
        // v1 watchlist activity.
        let v1 = await v1Stream(e, "justin", actions: "watchlist", types: "movie")
        #expect(((v1.first?["movie"] as? [String: Any])?["title"] as? String) == ds.movies[movie].seed.title)
        // Watching it takes it off the watchlist.
        _ = await call(e, "POST", "/sync/history", json: ["movies": [["ids": ["slug": slug]]]])
        let watchedOff = await pages(e, "/sync/watchlist")
        #expect(!watchedOff.contains { (($0["movie"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String == slug })
        // Remove the season.
        let removed = await call(e, "POST", "/sync/watchlist/remove", json: ["shows": [["ids": ["slug": "sherlock"], "seasons": [["number": 2]]]]])
        #expect(removed.status == 200)
        #expect(removed.count("deleted", "seasons") == 1)
        #expect((removed.object["list"] as? [String: Any])?["item_count"] as? Int == before.count)
    }

    @Test("collection: added, existing, updated (collected_at or metadata), removed")
    func collection() async throws {
        let e = writableEmulator()
        let body: [String: Any] = ["movies": [["ids": ["slug": Self.justinMovie]]], "shows": [["ids": ["slug": "chernobyl"]]]]
        let r = await call(e, "POST", "/sync/collection", json: body)
        #expect(r.status == 201, "\(r.text)")
        let chernobyl = e.dataset.shows[e.dataset.showBySlug["chernobyl"]!]
        let aired = chernobyl.seasonIndices.reduce(0) { $0 + e.dataset.seasons[$1].episodeCount }
        let was = await call(e, "GET", "/sync/collection/movies")
        #expect((r.count("added", "movies") ?? 0) + (r.count("existing", "movies") ?? 0) == 1)
        #expect((r.count("added", "episodes") ?? 0) + (r.count("existing", "episodes") ?? 0) == aired)
        let again = await call(e, "POST", "/sync/collection", json: body)
        #expect(again.count("existing", "movies") == 1 && again.count("added", "movies") == 0)
        #expect(again.count("existing", "episodes") == aired)
        let update = await call(e, "POST", "/sync/collection", json: ["movies": [["ids": ["slug": Self.justinMovie], "collected_at": "2024-01-01T00:00:00.000Z", "media_type": "bluray"]]])
        #expect(update.count("updated", "movies") == 1)
        let movies = await call(e, "GET", "/sync/collection/movies")
        let entry = try #require(movies.array.first { (($0["movie"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String == Self.justinMovie })
        #expect(entry["collected_at"] as? String == "2024-01-01T00:00:00.000Z")
        #expect(movies.array.count == was.array.count)
        let shows = await call(e, "GET", "/sync/collection/shows")
        let show = try #require(shows.array.first { (($0["show"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String == "chernobyl" })
        #expect((show["seasons"] as? [[String: Any]])?.flatMap { $0["episodes"] as? [Any] ?? [] }.count == aired)
        let removed = await call(e, "POST", "/sync/collection/remove", json: body)
        #expect(removed.status == 200)
        #expect(removed.count("deleted", "movies") == 1 && removed.count("deleted", "episodes") == aired)
        let after = await call(e, "GET", "/sync/collection/shows")
        #expect(!after.array.contains { (($0["show"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String == "chernobyl" })
        let v1 = await v1Stream(e, "justin", actions: "collection")
        #expect(!v1.contains { ($0["show"] as? [String: Any])?["title"] as? String == "Chernobyl" })
    }

    @Test("every write moves its sections strictly forward, even with a pinned clock")
    func stampsMove() async throws {
        let e = writableEmulator()
        var last = ""
        for i in 0..<5 {
            let r = await call(e, "POST", "/sync/ratings", json: ["movies": [["ids": ["slug": Self.justinMovie], "rating": 1 + i]]])
            #expect(r.status == 201)
            let la = await call(e, "GET", "/sync/last_activities")
            let rated = try #require((la.object["movies"] as? [String: Any])?["rated_at"] as? String)
            #expect(rated > last)
            #expect(rated.hasPrefix(String(ISOTime.string(e.dataset.nowUnix).prefix(19))))
            last = rated
        }
    }
}

extension Emulator {
    /// The body of a GET as justin (for comparing with another emulator's).
    func respondSync(_ target: String) async -> [UInt8] {
        await call(self, "GET", target).body
    }
}
