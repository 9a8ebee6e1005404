import Foundation
import Testing

@testable import TraktEmulator

/// The property the issue asks for: after any sequence of writes, v2 (history, ratings,
/// collection, watchlist) is still a view of the v1 activity streams.
@Suite("Writes: v1 and v2 agree after random writes")
struct WriteCrossCheckTests {
    @Test("seeded random writes of every kind, then v2 equals what the v1 streams say", arguments: [UInt64(1), 2, 3])
    func randomWrites(seed: UInt64) async throws {
        // UTC timestamps: v1 times then name instants without the pacific repeated hour's ambiguity.
        let e = writableEmulator(seed: 11, activities: 4_000) { $0.convention = .utc }
        let ds = e.dataset
        var rng = SplitMix64(seed: seed, stream: 25)
        var log: [String] = []
        for step in 0..<80 {
            // Reading the history now and then keeps a flattened copy of it: later writes must
            // replace it, or the final comparison fails.
            if step % 7 == 3 { _ = await pages(e, "/sync/history") }
            let body = randomBody(ds, &rng)
            let route = WriteRoute.syncRoutes[rng.below(WriteRoute.syncRoutes.count)]
            var json = body
            if route == .historyRemove, rng.chance(0.5) {
                let history = await call(e, "GET", "/sync/history?limit=50")
                let ids = history.array.compactMap { $0["id"] as? Int }
                if !ids.isEmpty { json = ["ids": [ids[rng.below(ids.count)], 7]] }
            }
            let path = String(route.rawValue.dropFirst(5))
            let r = await call(e, "POST", path, json: json)
            log.append("\(path) \(String(decoding: WriteBody.json(json), as: UTF8.self)) -> \(r.status)")
            #expect(r.status == 200 || r.status == 201, "\(log.last!) \(r.text)")
        }
        let trail = log.joined(separator: "\n")

        // History: v2 entries, one per episode, equal the v1 seen/scrobble/checkin items flattened.
        let v2History = describeHistory(await pages(e, "/sync/history"))
        let v1History = await v1Stream(e, "justin", actions: "seen,scrobble,checkin").flatMap { describeV1Play($0, ds) }
        #expect(v2History == v1History, "history differs after:\n\(trail)")
        #expect(!v2History.isEmpty)

        // Ratings: the newest v1 rating per item.
        var rated = Set<String>()
        var v1Ratings: [String] = []
        for i in await v1Stream(e, "justin", actions: "rating") where rated.insert(v1Key(i, ds)).inserted {
            v1Ratings.append("\(v1Key(i, ds)) \(v1Rating(i)) \(v1Time(i))")
        }
        let v2Ratings = await pages(e, "/sync/ratings").filter { $0["type"] as? String != "season" }.map {
            "\(v2Key($0)) \($0["rating"] as? Int ?? -1) \($0["rated_at"] as? String ?? "?")"
        }
        #expect(v2Ratings == v1Ratings, "ratings differ after:\n\(trail)")

        // Collection: per movie and per episode, the latest v1 collection time.
        var v1Collected: [String: String] = [:]
        for i in await v1Stream(e, "justin", actions: "collection").reversed() {
            if let movie = i["movie"] as? [String: Any] {
                v1Collected["movie \(movie["imdb_id"] as? String ?? "?")"] = v1Time(i)
            } else {
                let tvdb = (i["show"] as? [String: Any])?["tvdb_id"] as? Int ?? -1
                for ep in i["episodes"] as? [[String: Any]] ?? [] {
                    v1Collected["episode \(tvdb) \(ep["season"] as? Int ?? -1)x\(ep["episode"] as? Int ?? -1)"] = v1Time(i)
                }
            }
        }
        var v2Collected: [String: String] = [:]
        for m in await call(e, "GET", "/sync/collection/movies").array {
            v2Collected["movie \(((m["movie"] as? [String: Any])?["ids"] as? [String: Any])?["imdb"] as? String ?? "?")"] = m["collected_at"] as? String
        }
        for s in await call(e, "GET", "/sync/collection/shows").array {
            let tvdb = ((s["show"] as? [String: Any])?["ids"] as? [String: Any])?["tvdb"] as? Int ?? -1
            for season in s["seasons"] as? [[String: Any]] ?? [] {
                for ep in season["episodes"] as? [[String: Any]] ?? [] {
                    v2Collected["episode \(tvdb) \(season["number"] as? Int ?? -1)x\(ep["number"] as? Int ?? -1)"] = ep["collected_at"] as? String
                }
            }
        }
        #expect(v2Collected == v1Collected, "collection differs after:\n\(trail)")

        // Watchlist: the newest v1 listing per item, unless the item was watched at or after it.
        var lastWatch: [String: String] = [:]
        for i in await v1Stream(e, "justin", actions: "seen,scrobble,checkin") {
            for key in watchKeys(i, ds) where lastWatch[key] == nil { lastWatch[key] = v1Time(i) }
        }
        var listed = Set<String>()
        var v1Watchlist: [String] = []
        for i in await v1Stream(e, "justin", actions: "watchlist") where listed.insert(v1Key(i, ds)).inserted {
            if let w = lastWatch[v1Key(i, ds)], w >= v1Time(i) { continue }
            v1Watchlist.append("\(v1Key(i, ds)) \(v1Time(i))")
        }
        let v2Watchlist = await pages(e, "/sync/watchlist").filter { $0["type"] as? String != "season" }.map {
            "\(v2Key($0)) \($0["listed_at"] as? String ?? "?")"
        }
        #expect(v2Watchlist.sorted() == v1Watchlist.sorted(), "watchlist differs after:\n\(trail)")
    }

    /// A sync body naming a few random items: movies by slug, imdb or trakt id, episodes by trakt
    /// id, shows with a season, seasons by trakt id; with and without times and ratings.
    func randomBody(_ ds: Dataset, _ rng: inout SplitMix64) -> [String: Any] {
        func when() -> [String: Any] {
            switch rng.below(3) {
            case 0: [:]
            case 1: ["watched_at": ISOTime.string(ds.nowUnix - Int64(rng.below(40 * 86_400))), "collected_at": ISOTime.string(ds.nowUnix - Int64(rng.below(40 * 86_400)))]
            default: ["rated_at": ISOTime.string(ds.nowUnix - Int64(rng.below(40 * 86_400)))]
            }
        }
        var body: [String: Any] = [:]
        var movies: [[String: Any]] = []
        for _ in 0..<rng.below(3) {
            let m = ds.movies[rng.below(ds.movies.count)]
            var o = when()
            o["ids"] = [["slug": m.seed.slug], ["imdb": m.seed.imdb], ["trakt": ds.movies.firstIndex { $0.seed.slug == m.seed.slug }! + 1]][rng.below(3)]
            o["rating"] = 1 + rng.below(10)
            movies.append(o)
        }
        if !movies.isEmpty { body["movies"] = movies }
        var episodes: [[String: Any]] = []
        for _ in 0..<rng.below(3) {
            // Mostly episodes of a few shows, so that writes meet generated activity.
            let show = ds.shows[rng.below(4)]
            let g = ds.seasons[show.seasonIndices[rng.below(show.seasonIndices.count)]]
            var o = when()
            o["ids"] = ["trakt": V2IDs.episode(g.firstEpisode + rng.below(g.episodeCount))]
            o["rating"] = 1 + rng.below(10)
            episodes.append(o)
        }
        if !episodes.isEmpty { body["episodes"] = episodes }
        if rng.chance(0.3) {
            let s = rng.below(4)
            var o = when()
            o["ids"] = ["slug": ds.shows[s].seed.slug]
            o["rating"] = 1 + rng.below(10)
            if rng.chance(0.7) {
                let number = ds.seasons[ds.shows[s].seasonIndices.last!].number
                o["seasons"] = [["number": number, "rating": 1 + rng.below(10), "episodes": [["number": 1], ["number": 2, "rating": 5]]]]
            }
            body["shows"] = [o]
        }
        if body.isEmpty { body["movies"] = [["ids": ["slug": ds.movies[0].seed.slug], "rating": 6]] }
        return body
    }
}

/// `watched_at` of a v1 item: its timestamp (UTC convention) as ISO 8601.
func v1Time(_ i: [String: Any]) -> String { ISOTime.string(Int64(i["timestamp"] as? Int ?? 0)) }

func v1Rating(_ i: [String: Any]) -> Int {
    if let n = i["rating_advanced"] as? Int { return n }
    return Int(i["rating_advanced"] as? String ?? "") ?? -1
}

/// The item of a v1 activity: `movie IMDB`, `show TVDB` or `episode TVDB SxE`.
func v1Key(_ i: [String: Any], _ ds: Dataset) -> String {
    if let movie = i["movie"] as? [String: Any] { return "movie \(movie["imdb_id"] as? String ?? "?")" }
    let tvdb = (i["show"] as? [String: Any])?["tvdb_id"] as? Int ?? -1
    if let ep = (i["episode"] as? [String: Any]) ?? (i["episodes"] as? [[String: Any]])?.first {
        return "episode \(tvdb) \(ep["season"] as? Int ?? -1)x\(ep["episode"] as? Int ?? -1)"
    }
    return "show \(tvdb)"
}

/// The same key for a v2 rating or watchlist entry.
func v2Key(_ i: [String: Any]) -> String {
    if let movie = i["movie"] as? [String: Any] { return "movie \((movie["ids"] as? [String: Any])?["imdb"] as? String ?? "?")" }
    let tvdb = ((i["show"] as? [String: Any])?["ids"] as? [String: Any])?["tvdb"] as? Int ?? -1
    if let ep = i["episode"] as? [String: Any] { return "episode \(tvdb) \(ep["season"] as? Int ?? -1)x\(ep["number"] as? Int ?? -1)" }
    return "show \(tvdb)"
}

/// Watchlist items a v1 play takes off: the movie, or each episode and its show.
func watchKeys(_ i: [String: Any], _ ds: Dataset) -> [String] {
    if let movie = i["movie"] as? [String: Any] { return ["movie \(movie["imdb_id"] as? String ?? "?")"] }
    let tvdb = (i["show"] as? [String: Any])?["tvdb_id"] as? Int ?? -1
    let eps = (i["episodes"] as? [[String: Any]]) ?? [(i["episode"] as? [String: Any]) ?? [:]]
    return ["show \(tvdb)"] + eps.map { "episode \(tvdb) \($0["season"] as? Int ?? -1)x\($0["episode"] as? Int ?? -1)" }
}

/// A v1 play as the v2 history descriptions (``describeHistory(_:)``) of its entries.
func describeV1Play(_ i: [String: Any], _ ds: Dataset) -> [String] {
    let action = ["seen": "watch", "scrobble": "scrobble", "checkin": "checkin"][i["action"] as? String ?? ""] ?? "?"
    let when = v1Time(i)
    if let movie = i["movie"] as? [String: Any] {
        let slug = ds.movieByIMDB[movie["imdb_id"] as? String ?? ""].map { ds.movies[$0].seed.slug } ?? "?"
        return ["\(when) \(action) movie \(slug)"]
    }
    let tvdb = (i["show"] as? [String: Any])?["tvdb_id"] as? Int ?? -1
    let slug = ds.showByTVDB[tvdb].map { ds.shows[$0].seed.slug } ?? "?"
    let eps = (i["episodes"] as? [[String: Any]]) ?? [(i["episode"] as? [String: Any]) ?? [:]]
    return eps.map { "\(when) \(action) episode \(slug) \($0["season"] as? Int ?? -1)x\($0["episode"] as? Int ?? -1)" }
}
