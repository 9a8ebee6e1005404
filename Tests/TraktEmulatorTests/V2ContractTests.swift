import Foundation
import Testing

@testable import TraktEmulator
import TraktEmulatorServer
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("API v2: headers, auth, paging, errors")
struct V2HeaderTests {
    @Test("trakt-api-version 2 and the client id are required (403); JSON content type")
    func appHeaders() async throws {
        let s = try await v2Server.value
        let none = try await fetch(s, "/users/justin")
        #expect(none.status == 403)
        let noVersion = try await fetch(s, "/users/justin", headers: ["trakt-api-key": v2Client])
        #expect(noVersion.status == 403)
        let wrongKey = try await fetch(s, "/users/justin", headers: v2Headers(key: "other"))
        #expect(wrongKey.status == 403)
        let ok = try await v2(s, "/users/justin")
        #expect(ok.status == 200)
        #expect(ok.header("Content-Type")?.hasPrefix("application/json") == true)
        #expect(ok.json["username"] as? String == "justin")
        #expect((ok.json["ids"] as? [String: Any])?["slug"] as? String == "justin")
    }

    @Test("🔒 routes and me need a Bearer token (401); a bad token is 401")
    func bearer() async throws {
        let s = try await v2Server.value
        for path in ["/users/me", "/users/settings", "/sync/history", "/sync/last_activities", "/users/me/history", "/users/likes"] {
            let r = try await v2(s, path)
            #expect(r.status == 401, "\(path)")
            #expect(r.json["error"] != nil)
            let bad = try await v2(s, path, token: "nope")
            #expect(bad.status == 401, "\(path)")
            let good = try await v2(s, path, token: v2Token)
            #expect(good.status == 200, "\(path)")
        }
        let me = try await v2(s, "/users/me", token: v2Token)
        #expect(me.json["username"] as? String == "justin")
    }

    @Test("private users: 401 without a token, 403 with another user's, 200 with their own")
    func privateUsers() async throws {
        let s = try await v2Server.value
        let ds = s.dataset
        let priv = try #require(ds.users.first { $0.isProtected })
        let anon = try await v2(s, "/users/\(priv.username)/history")
        #expect(anon.status == 401)
        let other = try await v2(s, "/users/\(priv.username)/history", token: v2Token)
        #expect(other.status == 403)
        let token = try await tokenFor(s, priv.username)
        #expect(!token.isEmpty)
        let own = try await v2(s, "/users/\(priv.username)/history", token: token)
        #expect(own.status == 200)
        let me = try await v2(s, "/users/me", token: token)
        #expect(me.json["username"] as? String == priv.username)
        #expect(me.json["private"] as? Bool == true)
    }

    @Test("paging headers: history 100 by default, others 10; limit capped at 250; past the end is []")
    func paging() async throws {
        let s = try await v2Server.value
        let r = try await v2(s, "/users/justin/history")
        #expect(r.status == 200)
        #expect(r.intHeader("X-Pagination-Page") == 1)
        #expect(r.intHeader("X-Pagination-Limit") == 100)
        let total = try #require(r.intHeader("X-Pagination-Item-Count"))
        #expect(total > 100, "justin should have more than a page of history")
        #expect(r.intHeader("X-Pagination-Page-Count") == (total + 99) / 100)
        #expect(r.array.count == 100)
        let big = try await v2(s, "/users/justin/history?limit=1000")
        #expect(big.intHeader("X-Pagination-Limit") == 250)
        #expect(big.array.count == min(250, total))
        let past = try await v2(s, "/users/justin/history?page=9999")
        #expect(past.status == 200)
        #expect(past.isArray && past.array.isEmpty)
        let comments = try await v2(s, "/users/justin/comments")
        #expect(comments.intHeader("X-Pagination-Limit") == 10)
        let watchlist = try await v2(s, "/users/justin/watchlist")
        #expect(watchlist.intHeader("X-Pagination-Limit") == 100)
        // Pages tile the whole history without overlap.
        let p1 = try await v2(s, "/users/justin/history?limit=7&page=1")
        let p2 = try await v2(s, "/users/justin/history?limit=7&page=2")
        let both = try await v2(s, "/users/justin/history?limit=14")
        #expect(describeHistory(p1.array + p2.array) == describeHistory(both.array))
    }

    @Test("HEAD carries the same headers and no body")
    func head() async throws {
        let s = try await v2Server.value
        let get = try await v2(s, "/users/justin/history?limit=5")
        let head = try await v2(s, "/users/justin/history?limit=5", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        for h in ["X-Pagination-Page", "X-Pagination-Limit", "X-Pagination-Page-Count", "X-Pagination-Item-Count", "Content-Type"] {
            #expect(head.header(h) == get.header(h), "\(h)")
        }
        let show = try await v2(s, "/shows/the-walking-dead", method: "HEAD")
        #expect(show.status == 200)
    }

    @Test("errors: unknown user/show/route 404, bad start_at 400, POST to a GET route 405")
    func errors() async throws {
        let s = try await v2Server.value
        #expect(try await v2(s, "/users/nobody-here").status == 404)
        #expect(try await v2(s, "/shows/no-such-show").status == 404)
        #expect(try await v2(s, "/users/justin/nothing").status == 404)
        #expect(try await v2(s, "/users/justin/history/movies/999999").status == 404)
        let bad = try await v2(s, "/users/justin/history?start_at=yesterday")
        #expect(bad.status == 400)
        #expect((bad.json["error_description"] as? String)?.contains("start_at") == true)
        let post = try await fetch(s, "/users/justin", method: "POST", headers: v2Headers())
        #expect(post.status == 405)
    }

    @Test("X-Emulator-Fault and --faults apply to v2 routes")
    func faults() async throws {
        let s = try await v2Server.value
        var h = v2Headers()
        h["X-Emulator-Fault"] = "503"
        let r = try await fetch(s, "/users/justin/history", headers: h)
        #expect(r.status == 503)
        h["X-Emulator-Fault"] = "truncate"
        let t = try await fetch(s, "/users/justin/history", headers: h)
        #expect(t.status == 200)
        #expect(!t.isValidJSON)
    }

    @Test("420, 423 and 426 answers carry the real API's headers", arguments: [
        (420, ["X-Upgrade-URL": "https://trakt.tv/vip", "X-VIP-User": "false", "X-Account-Limit": "100"]),
        (423, ["X-Account-Locked": "true", "X-Account-Deactivated": "false"]),
        (426, ["X-Upgrade-URL": "https://trakt.tv/vip", "X-VIP-User": "false"]),
    ])
    func accountAnswers(status: Int, headers expected: [String: String]) async throws {
        let s = try await v2Server.value
        var h = v2Headers()
        h["X-Emulator-Fault"] = String(status)
        let r = try await fetch(s, "/users/justin/history", headers: h)
        #expect(r.status == status)
        for (name, value) in expected {
            #expect(r.response.value(forHTTPHeaderField: name) == value, "\(name)")
        }
        #expect(r.response.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("application/json") == true)
        #expect(r.error?.isEmpty == false)
    }

    @Test("rate limit: N per period per token or client, then 429 with Retry-After and X-Ratelimit")
    func rateLimit() async throws {
        var c = EmulatorConfiguration(seed: 3, size: DatasetSize(activities: 500), now: pinnedNow)
        c.v2 = V2Settings(accessToken: "tok", rateLimit: RateLimit(limit: 3, period: 300))
        let s = try await EmulatorServer.start(c)
        try await withEmulator(s) {
            for _ in 0..<3 { #expect(try await v2(s, "/users/justin", token: "tok").status == 200) }
            let over = try await v2(s, "/users/justin", token: "tok")
            #expect(over.status == 429)
            let retry = try #require(over.intHeader("Retry-After"))
            #expect(retry >= 1 && retry <= 300)
            let info = try #require(over.header("X-Ratelimit"))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(info.utf8)) as? [String: Any])
            #expect(json["limit"] as? Int == 3)
            #expect(json["period"] as? Int == 300)
            #expect(json["remaining"] as? Int == 0)
            #expect(json["name"] as? String == "AUTHED_API_GET_LIMIT")
            #expect(json["until"] is String)
            // Counted per token: the anonymous client has its own budget.
            #expect(try await v2(s, "/users/justin").status == 200)
            #expect(RateLimit(limit: 0, period: 1).isOff)
            #expect(try RateLimit(parsing: "1000/300s") == .trakt)
            #expect(try RateLimit(parsing: "60/1m") == RateLimit(limit: 60, period: 60))
            #expect(throws: RateLimit.ParseError.self) { try RateLimit(parsing: "lots") }
        }
    }

    @Test("ISO 8601 reading and writing")
    func isoTime() {
        #expect(ISOTime.string(1_748_779_200) == "2025-06-01T12:00:00.000Z")
        #expect(ISOTime.string(0) == "1970-01-01T00:00:00.000Z")
        #expect(ISOTime.parse("2025-06-01T12:00:00.000Z")?.seconds == 1_748_779_200)
        #expect(ISOTime.parse("2025-06-01T12:00:00-00:00")?.seconds == 1_748_779_200)
        #expect(ISOTime.parse("2025-06-01T14:00:00+02:00")?.seconds == 1_748_779_200)
        #expect(ISOTime.parse("2025-06-01T14:00:00 02:00")?.seconds == 1_748_779_200)
        #expect(ISOTime.parse("2025-06-01")?.seconds == 1_748_736_000)
        #expect(ISOTime.parse("2025-06-01T12:00:00.5Z")?.millis == 500)
        #expect(ISOTime.parse("2025-06-01T12:00:00.123456Z")?.millis == 123)
        for bad in ["", "2025", "2025-13-01", "2025-06-01T25:00", "2025-06-01Tx", "2025-06-01T12:00:00Zjunk", "2025-06-01T12:00:00."] {
            #expect(ISOTime.parse(bad) == nil, "\(bad)")
        }
        // Round trip over many instants.
        for t in stride(from: Int64(-86_400 * 400), to: 4_000_000_000, by: 7_777_777) {
            #expect(ISOTime.parse(ISOTime.string(t))?.seconds == t)
        }
    }
}

@Suite("API v2: history is the v1 seen/scrobble/checkin activity, per episode")
struct V2HistoryCrossCheckTests {
    @Test("for several users, all history and windows equal the v1 activity flattened per episode")
    func crossCheck() async throws {
        let s = try await v2Server.value
        let ds = s.dataset
        // Busy, quiet and middling public users.
        let publicUsers = ds.users.indices.filter { !ds.users[$0].isProtected }
        let counts = publicUsers.map { u in (u, referenceHistory(ds, user: u).count) }.sorted { $0.1 > $1.1 }
        let picks = [counts[0].0, counts[1].0, counts[counts.count / 2].0, counts[counts.count - 1].0]
        for u in picks {
            let name = ds.users[u].username
            let served = describeHistory(try await allPages(s, "/users/\(name)/history"))
            #expect(served == referenceHistory(ds, user: u), "user \(name)")
            #expect(!served.isEmpty || counts.last!.0 == u)
        }
        // Windows, in the three forms clients send.
        let u = counts[0].0
        let name = ds.users[u].username
        let start = ds.nowUnix - 60 * 86_400
        let end = ds.nowUnix - 10 * 86_400
        let reference = referenceHistory(ds, user: u, start: start, end: end)
        #expect(!reference.isEmpty)
        let z = ISOTime.string(start)
        let zEnd = ISOTime.string(end)
        let offset = z.replacingOccurrences(of: ".000Z", with: "-00:00")
        let offsetEnd = zEnd.replacingOccurrences(of: ".000Z", with: "-00:00")
        for (a, b) in [(z, zEnd), (offset, offsetEnd)] {
            let q = "start_at=\(a.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&end_at=\(b.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            let served = describeHistory(try await allPages(s, "/users/\(name)/history?\(q)"))
            #expect(served == reference, "\(q)")
        }
        // Date only: midnight UTC.
        let dayStart = (start / 86_400) * 86_400
        let dayEnd = (end / 86_400) * 86_400
        let dates = describeHistory(
            try await allPages(s, "/users/\(name)/history?start_at=\(String(ISOTime.string(dayStart).prefix(10)))&end_at=\(String(ISOTime.string(dayEnd).prefix(10)))"))
        #expect(dates == referenceHistory(ds, user: u, start: dayStart, end: dayEnd))
        // /sync/history is the token user's history.
        let sync = describeHistory(try await allPages(s, "/sync/history", token: v2Token))
        #expect(sync == referenceHistory(ds, user: ds.userByName["justin"]!))
    }

    @Test("history entries: fields, ISO times with milliseconds, stable 64-bit ids, type and item filters")
    func entries() async throws {
        let s = try await v2Server.value
        let ds = s.dataset
        let r = try await v2(s, "/users/justin/history?limit=250")
        let items = r.array
        #expect(!items.isEmpty)
        var ids = Set<Int>()
        for i in items {
            let id = try #require(i["id"] as? Int)
            #expect(id > Int(UInt32.max), "history ids do not fit 32 bits")
            ids.insert(id)
            let when = try #require(i["watched_at"] as? String)
            #expect(when.count == 24 && when.hasSuffix(".000Z"))
            #expect(["watch", "scrobble", "checkin"].contains(i["action"] as? String ?? ""))
            if i["type"] as? String == "episode" {
                let ep = try #require(i["episode"] as? [String: Any])
                let epIDs = try #require(ep["ids"] as? [String: Any])
                #expect(epIDs["trakt"] is Int && epIDs["tvdb"] is Int && epIDs.keys.contains("imdb") && epIDs["tmdb"] is Int)
                let showIDs = try #require((i["show"] as? [String: Any])?["ids"] as? [String: Any])
                #expect(Set(showIDs.keys) == ["trakt", "slug", "tvdb", "imdb", "tmdb"])
            } else {
                #expect(i["type"] as? String == "movie")
                let movieIDs = try #require((i["movie"] as? [String: Any])?["ids"] as? [String: Any])
                #expect(Set(movieIDs.keys) == ["trakt", "slug", "imdb", "tmdb"])
            }
        }
        #expect(ids.count == items.count, "history ids are unique")
        let again = try await v2(s, "/users/justin/history?limit=250")
        #expect(again.array.map { $0["id"] as? Int } == items.map { $0["id"] as? Int }, "ids are stable")

        // Type filters.
        let movies = try await allPages(s, "/users/justin/history/movies")
        #expect(movies.allSatisfy { $0["type"] as? String == "movie" })
        let episodes = try await allPages(s, "/users/justin/history/episodes")
        #expect(episodes.allSatisfy { $0["type"] as? String == "episode" })
        let all = try await allPages(s, "/users/justin/history")
        #expect(movies.count + episodes.count == all.count)
        // Item filters: a show, one of its seasons, one episode.
        let first = try #require(episodes.first)
        let showID = try #require(((first["show"] as? [String: Any])?["ids"] as? [String: Any])?["trakt"] as? Int)
        let epID = try #require(((first["episode"] as? [String: Any])?["ids"] as? [String: Any])?["trakt"] as? Int)
        let byShow = try await allPages(s, "/users/justin/history/shows/\(showID)")
        #expect(!byShow.isEmpty)
        #expect(byShow.allSatisfy { ((($0["show"] as? [String: Any])?["ids"] as? [String: Any])?["trakt"] as? Int) == showID })
        #expect(describeHistory(byShow) == describeHistory(episodes.filter { ((($0["show"] as? [String: Any])?["ids"] as? [String: Any])?["trakt"] as? Int) == showID }))
        let byEpisode = try await allPages(s, "/users/justin/history/episodes/\(epID)")
        #expect(!byEpisode.isEmpty)
        #expect(byEpisode.allSatisfy { ((($0["episode"] as? [String: Any])?["ids"] as? [String: Any])?["trakt"] as? Int) == epID })
        let g = epID - 100_000
        let seasonID = 10_000 + Int(ds.episodes[g].seasonIndex)
        let bySeason = try await allPages(s, "/users/justin/history/seasons/\(seasonID)")
        #expect(bySeason.allSatisfy { (($0["episode"] as? [String: Any])?["season"] as? Int) == Int(ds.episodes[g].season) })
        #expect(bySeason.count >= byEpisode.count)
        // Extended full carries runtime and overview.
        let full = try await v2(s, "/users/justin/history?limit=3&extended=full")
        for i in full.array {
            let obj = (i["episode"] ?? i["movie"]) as? [String: Any]
            #expect(obj?["runtime"] is Int)
            #expect(obj?["overview"] is String)
        }
    }
}
