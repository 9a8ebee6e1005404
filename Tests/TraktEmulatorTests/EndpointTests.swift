import Foundation
import Testing
import TraktProtocol

@testable import TraktEmulator
import TraktEmulatorServer
import TestSupport

@Suite("Activity endpoints over loopback")
struct EndpointTests {
    @Test("community: every allowed type × action exists, and the filter returns only that pair")
    func everyTypeAndAction() async throws {
        let server = try await smallServer.value
        for kind in Kind.all {
            let r = try await fetch(server, "/activity/community.json/KEY/\(kind.type.name)/\(kind.action.name)")
            #expect(r.status == 200)
            #expect(!r.activity.isEmpty, "no \(kind.type.name)/\(kind.action.name) activity")
            for item in r.activity {
                #expect(item["type"] as? String == kind.type.name)
                #expect(item["action"] as? String == kind.action.name)
            }
            let expected = reference(server.dataset) { $0.kind == kind && server.dataset.publicActivity($0) }
            #expect(identities(r.activity) == expected)
        }
    }

    @Test("community: capped at 100, newest first, ties by id descending, matches the reference")
    func communityCapAndOrder() async throws {
        let server = try await smallServer.value
        let r = try await fetch(server, "/activity/community.json/KEY")
        #expect(r.status == 200)
        #expect(r.activity.count == 100)
        let ts = r.activity.map { $0["timestamp"] as! Int }
        #expect(ts == ts.sorted(by: >))
        #expect(identities(r.activity) == reference(server.dataset) { server.dataset.publicActivity($0) })
        // The placeholders mean the same as no segment.
        let all = try await fetch(server, "/activity/community.json/KEY/all/all")
        #expect(all.body == r.body)
        // Envelope.
        let stamps = r.json["timestamps"] as? [String: Any]
        #expect(stamps?["current"] as? Int == Int(TimestampConvention.pacific.apiTimestamp(for: pinnedNow)))
        #expect(stamps?["start"] as? Int == ts.last)
    }

    @Test("community: comma lists of types and actions")
    func communityLists() async throws {
        let server = try await smallServer.value
        let ds = server.dataset
        let r = try await fetch(server, "/activity/community.json/KEY/movie,show/rating,shout,watchlist")
        #expect(r.status == 200)
        let expected = reference(ds) { a in
            [.movie, .show].contains(a.kind.type) && [.rating, .shout, .watchlist].contains(a.kind.action) && ds.publicActivity(a)
        }
        #expect(identities(r.activity) == expected)
        #expect(expected.count == 100)
    }

    @Test("shows: by slug and by TVDB id, comma lists, episode and show items only")
    func shows() async throws {
        let server = try await smallServer.value
        let ds = server.dataset
        let twd = ds.showIndex("the-walking-dead")
        let bySlug = try await fetch(server, "/activity/shows.json/KEY/the-walking-dead")
        let byTVDB = try await fetch(server, "/activity/shows.json/KEY/153021")
        #expect(bySlug.status == 200)
        #expect(bySlug.body == byTVDB.body)
        #expect(identities(bySlug.activity) == reference(ds) { a in
            (a.kind.type == .episode || a.kind.type == .show) && a.subject == twd && ds.publicActivity(a)
        })
        for item in bySlug.activity {
            #expect((item["show"] as? [String: Any])?["tvdb_id"] as? Int == 153021)
        }
        let bb = ds.showIndex("breaking-bad")
        let two = try await fetch(server, "/activity/shows.json/KEY/the-walking-dead,breaking-bad/seen,rating")
        #expect(identities(two.activity) == reference(ds) { a in
            (a.kind.type == .episode || a.kind.type == .show) && (a.subject == twd || a.subject == bb)
                && [.seen, .rating].contains(a.kind.action) && ds.publicActivity(a)
        })
        #expect(!two.activity.isEmpty)
    }

    @Test("seasons: comma list of seasons, specials (0), and actions")
    func seasons() async throws {
        let server = try await smallServer.value
        let ds = server.dataset
        let twd = ds.showIndex("the-walking-dead")
        let r = try await fetch(server, "/activity/seasons.json/KEY/the-walking-dead/1,2")
        #expect(r.status == 200)
        #expect(r.activity.count <= 100 && !r.activity.isEmpty)
        for item in r.activity {
            #expect(item["type"] as? String == "episode")
            let eps = (item["episodes"] as? [[String: Any]]) ?? [item["episode"] as! [String: Any]]
            for e in eps { #expect([1, 2].contains(e["season"] as? Int ?? -1)) }
        }
        #expect(identities(r.activity) == reference(ds) { a in
            a.kind.type == .episode && a.subject == twd && [1, 2].contains(ds.seasonNumber(of: a)) && ds.publicActivity(a)
        })
        let specials = try await fetch(server, "/activity/seasons.json/KEY/the-walking-dead/0/all")
        #expect(identities(specials.activity) == reference(ds) { a in
            a.kind.type == .episode && a.subject == twd && ds.seasonNumber(of: a) == 0 && ds.publicActivity(a)
        })
        let filtered = try await fetch(server, "/activity/seasons.json/KEY/the-walking-dead/1/scrobble,checkin")
        #expect(identities(filtered.activity) == reference(ds) { a in
            a.kind.type == .episode && a.subject == twd && ds.seasonNumber(of: a) == 1
                && [.scrobble, .checkin].contains(a.kind.action) && ds.publicActivity(a)
        })
    }

    @Test("episodes: season and episode lists; multi-episode seen items match any of their episodes")
    func episodes() async throws {
        let server = try await smallServer.value
        let ds = server.dataset
        let twd = ds.showIndex("the-walking-dead")
        let r = try await fetch(server, "/activity/episodes.json/KEY/the-walking-dead/1,2/1,2,3")
        #expect(r.status == 200)
        #expect(!r.activity.isEmpty)
        #expect(identities(r.activity) == reference(ds) { a in
            a.kind.type == .episode && a.subject == twd && [1, 2].contains(ds.seasonNumber(of: a))
                && !Set(ds.episodeNumbers(of: a)).isDisjoint(with: [1, 2, 3]) && ds.publicActivity(a)
        })
        let one = try await fetch(server, "/activity/episodes.json/KEY/the-walking-dead/1/1/seen")
        for item in one.activity { #expect(item["action"] as? String == "seen") }
    }

    @Test("movies: by slug, IMDB id and TMDB id")
    func movies() async throws {
        let server = try await smallServer.value
        let ds = server.dataset
        let inception = ds.movieBySlug["inception-2010"]!
        let a = try await fetch(server, "/activity/movies.json/KEY/inception-2010")
        let b = try await fetch(server, "/activity/movies.json/KEY/tt1375666")
        let c = try await fetch(server, "/activity/movies.json/KEY/27205")
        #expect(a.status == 200)
        #expect(a.body == b.body && b.body == c.body)
        #expect(identities(a.activity) == reference(ds) { x in
            x.kind.type == .movie && x.subject == inception && ds.publicActivity(x)
        })
        for item in a.activity {
            #expect((item["movie"] as? [String: Any])?["imdb_id"] as? String == "tt1375666")
        }
        let two = try await fetch(server, "/activity/movies.json/KEY/inception-2010,the-dark-knight-2008/seen")
        #expect(!two.activity.isEmpty)
    }

    @Test("user: the stream of one user, with types and actions")
    func user() async throws {
        let server = try await smallServer.value
        let ds = server.dataset
        let u = ds.userIndex("justin")
        let r = try await fetch(server, "/activity/user.json/KEY/justin")
        #expect(r.status == 200)
        #expect(identities(r.activity) == reference(ds) { $0.user == u })
        for item in r.activity { #expect((item["user"] as? [String: Any])?["username"] as? String == "justin") }
        let lists = try await fetch(server, "/activity/user.json/KEY/justin/list/all")
        #expect(identities(lists.activity) == reference(ds) { $0.user == u && $0.kind.type == .list })
        let rated = try await fetch(server, "/activity/user.json/KEY/justin/all/rating")
        #expect(identities(rated.activity) == reference(ds) { $0.user == u && $0.kind.action == .rating })
    }

    @Test("user/shows, user/seasons, user/episodes, user/movies match the reference")
    func userScoped() async throws {
        let server = try await smallServer.value
        let ds = server.dataset
        let u = ds.userIndex("justin")
        let twd = ds.showIndex("the-walking-dead")
        let shows = try await fetch(server, "/activity/user/shows.json/KEY/justin/the-walking-dead")
        #expect(shows.status == 200)
        #expect(!shows.activity.isEmpty)
        #expect(identities(shows.activity) == reference(ds) { a in
            a.user == u && (a.kind.type == .episode || a.kind.type == .show) && a.subject == twd
        })
        let seasons = try await fetch(server, "/activity/user/seasons.json/KEY/justin/the-walking-dead/1,2/all")
        #expect(identities(seasons.activity) == reference(ds) { a in
            a.user == u && a.kind.type == .episode && a.subject == twd && [1, 2].contains(ds.seasonNumber(of: a))
        })
        let episodes = try await fetch(server, "/activity/user/episodes.json/KEY/justin/the-walking-dead/1/1,2,3,4,5,6")
        #expect(identities(episodes.activity) == reference(ds) { a in
            a.user == u && a.kind.type == .episode && a.subject == twd && ds.seasonNumber(of: a) == 1
        })
        // A busy user and a rare show, then a rare user and a busy show: both index paths.
        for name in ds.users.prefix(40).map(\.username) where !ds.users[ds.userIndex(name)].isProtected {
            let x = ds.userIndex(name)
            for movie in ["inception-2010", "gravity-2013"] {
                let m = ds.movieBySlug[movie]!
                let r = try await fetch(server, "/activity/user/movies.json/KEY/\(name)/\(movie)")
                #expect(identities(r.activity) == reference(ds) { a in a.user == x && a.kind.type == .movie && a.subject == m })
            }
        }
    }

    @Test("start_ts and end_ts bound the window (pacific convention)")
    func timeBoundsPacific() async throws {
        let server = try await smallServer.value
        try await checkTimeBounds(server, convention: .pacific)
    }

    @Test("start_ts and end_ts bound the window (utc convention)")
    func timeBoundsUTC() async throws {
        let server = try await smallUTCServer.value
        try await checkTimeBounds(server, convention: .utc)
        // The same instant reads 7 hours apart in June under the two conventions.
        let pacific = try await smallServer.value
        let a = try await fetch(server, "/activity/community.json/KEY")
        let b = try await fetch(pacific, "/activity/community.json/KEY")
        #expect(identities(a.activity) == identities(b.activity))
        let ta = a.activity.first?["timestamp"] as? Int ?? 0
        let tb = b.activity.first?["timestamp"] as? Int ?? 0
        #expect(ta - tb == 7 * 3600)
    }

    func checkTimeBounds(_ server: EmulatorServer, convention: TimestampConvention) async throws {
        let ds = server.dataset
        let start = convention.apiTimestamp(for: pinnedNow.addingTimeInterval(-30 * 86_400))
        let end = convention.apiTimestamp(for: pinnedNow.addingTimeInterval(-10 * 86_400))
        let startUnix = Int64(convention.instant(forAPITimestamp: start).timeIntervalSince1970)
        let endUnix = Int64(convention.instant(forAPITimestamp: end).timeIntervalSince1970)
        let r = try await fetch(server, "/activity/community.json/KEY/all/all/\(start)/\(end)")
        #expect(r.status == 200)
        #expect(r.activity.count == 100)
        for item in r.activity {
            let t = Int64(item["timestamp"] as! Int)
            #expect(t >= start && t < end)
        }
        #expect(identities(r.activity) == reference(ds) { a in a.time >= startUnix && a.time < endUnix && ds.publicActivity(a) })
        let stamps = r.json["timestamps"] as? [String: Any]
        #expect(stamps?["start"] as? Int == Int(start))
        #expect(stamps?["end"] as? Int == Int(end))
        // start_ts alone: everything at or after it (fewer than 100 in the last hour).
        let recent = convention.apiTimestamp(for: pinnedNow.addingTimeInterval(-3600))
        let lastHour = try await fetch(server, "/activity/community.json/KEY/all/all/\(recent)")
        let recentUnix = Int64(convention.instant(forAPITimestamp: recent).timeIntervalSince1970)
        #expect(identities(lastHour.activity) == reference(ds) { a in a.time >= recentUnix && ds.publicActivity(a) })
        // An item exactly at start_ts is included; end_ts at that instant excludes it.
        let first = r.activity[0]
        let t = first["timestamp"] as! Int
        let at = try await fetch(server, "/activity/community.json/KEY/all/all/\(t)/\(t + 1)")
        #expect(identities(at.activity).contains(identities([first])[0]))
        let before = try await fetch(server, "/activity/community.json/KEY/all/all/\(t)/\(t)")
        #expect(before.activity.isEmpty)
        // Item-scoped endpoints take start/end after actions.
        let twd = try await fetch(server, "/activity/shows.json/KEY/the-walking-dead/all/\(start)/\(end)")
        for item in twd.activity {
            let ts = Int64(item["timestamp"] as! Int)
            #expect(ts >= start && ts < end)
        }
    }

    @Test("min=1 gives minimal items: timestamp, type, action, user.username and ids")
    func minimal() async throws {
        let server = try await smallServer.value
        let full = try await fetch(server, "/activity/community.json/KEY")
        let min = try await fetch(server, "/activity/community.json/KEY?min=1")
        #expect(min.status == 200)
        #expect(identities(full.activity) == identities(min.activity))
        #expect(min.body.count * 4 < full.body.count)
        let allowed: Set<String> = ["id", "timestamp", "type", "action", "user", "show", "episode", "episodes", "movie", "list", "list_item"]
        for item in min.activity {
            #expect(Set(item.keys).isSubset(of: allowed), "\(item.keys)")
            #expect((item["user"] as? [String: Any])?.keys.sorted() == ["username"])
            if let show = item["show"] as? [String: Any] { #expect(show.keys.sorted() == ["imdb_id", "tvdb_id"]) }
            if let movie = item["movie"] as? [String: Any] { #expect(movie.keys.sorted() == ["imdb_id", "tmdb_id"]) }
            if let ep = item["episode"] as? [String: Any] { #expect(ep.keys.sorted() == ["episode", "season", "tvdb_id"]) }
        }
    }

    @Test("item shapes: per-action extras and sub-objects (§2)")
    func itemShapes() async throws {
        let server = try await smallServer.value
        func first(_ path: String) async throws -> [String: Any] {
            let r = try await fetch(server, path)
            return try #require(r.activity.first)
        }
        let common = ["id", "timestamp", "when", "elapsed", "type", "action", "user"]
        let userKeys = ["about", "age", "avatar", "full_name", "gender", "joined", "location", "protected", "url", "username", "vip"]

        let scrobble = try await first("/activity/community.json/KEY/episode/scrobble")
        #expect(Set(scrobble.keys) == Set(common + ["show", "episode"]))
        #expect((scrobble["user"] as? [String: Any])?.keys.sorted() == userKeys)
        let ep = try #require(scrobble["episode"] as? [String: Any])
        for k in ["season", "episode", "tvdb_id", "title", "overview", "first_aired", "url", "images", "ratings"] {
            #expect(ep[k] != nil, "episode.\(k)")
        }
        #expect(ep["number"] == nil)
        let show = try #require(scrobble["show"] as? [String: Any])
        for k in ["title", "year", "url", "imdb_id", "tvdb_id", "tvrage_id", "first_aired", "country", "overview", "runtime",
                  "network", "air_day", "air_time", "certification", "images", "ratings", "genres"] {
            #expect(show[k] != nil, "show.\(k)")
        }
        let when = try #require(scrobble["when"] as? [String: String])
        #expect(when["day"]?.count == 3)
        #expect(when["time"]?.hasSuffix("am") == true || when["time"]?.hasSuffix("pm") == true)
        let elapsed = try #require(scrobble["elapsed"] as? [String: String])
        #expect(elapsed["full"] != nil && elapsed["short"] != nil)

        let seen = try await first("/activity/community.json/KEY/episode/seen")
        #expect(Set(seen.keys) == Set(common + ["show", "episodes"]))
        #expect((seen["episodes"] as? [Any])?.isEmpty == false)
        let collection = try await first("/activity/community.json/KEY/episode/collection")
        #expect(Set(collection.keys) == Set(common + ["show", "episodes"]))

        let rating = try await first("/activity/community.json/KEY/episode/rating")
        #expect(Set(rating.keys) == Set(common + ["show", "episode", "rating", "rating_advanced", "use_rating_advanced"]))
        #expect(["love", "hate"].contains(rating["rating"] as? String ?? ""))

        let shout = try await first("/activity/community.json/KEY/show/shout")
        #expect(Set(shout.keys) == Set(common + ["show", "shout"]))
        let s = try #require(shout["shout"] as? [String: Any])
        #expect(Set(s.keys) == ["id", "text", "text_html", "spoiler"])
        let review = try await first("/activity/community.json/KEY/movie/review")
        #expect(Set(review.keys) == Set(common + ["movie", "review"]))
        let movieSeen = try await first("/activity/community.json/KEY/movie/seen")
        #expect(Set(movieSeen.keys) == Set(common + ["movie"]))
        let movie = try #require(movieSeen["movie"] as? [String: Any])
        for k in ["title", "year", "url", "imdb_id", "tmdb_id", "released", "runtime", "tagline", "overview", "certification", "images", "ratings", "genres"] {
            #expect(movie[k] != nil, "movie.\(k)")
        }
        let created = try await first("/activity/community.json/KEY/list/created")
        #expect(Set(created.keys) == Set(common + ["list"]))
        let list = try #require(created["list"] as? [String: Any])
        for k in ["name", "slug", "url", "description", "privacy", "show_numbers", "allow_shouts"] { #expect(list[k] != nil, "list.\(k)") }
        let added = try await first("/activity/community.json/KEY/list/item_added")
        #expect(Set(added.keys) == Set(common + ["list", "list_item"]))
        let li = try #require(added["list_item"] as? [String: Any])
        #expect(["movie", "show", "episode"].contains(li["type"] as? String ?? ""))
    }

    @Test("rating_advanced is a string exactly for users whose username bytes sum to a multiple of 7")
    func ratingQuirk() async throws {
        let server = try await smallServer.value
        var sawString = false
        var sawInt = false
        for type in ["episode", "show", "movie"] {
            let r = try await fetch(server, "/activity/community.json/KEY/\(type)/rating")
            for item in r.activity {
                let name = (item["user"] as! [String: Any])["username"] as! String
                let value = item["rating_advanced"]
                if Dataset.emitsRatingAsString(username: name) {
                    #expect(value is String)
                    sawString = true
                    let n = Int(value as? String ?? "") ?? 0
                    #expect((1...10).contains(n))
                } else {
                    #expect(value is Int)
                    sawInt = true
                }
            }
        }
        #expect(sawString && sawInt)
    }

    @Test("POST is accepted like GET")
    func post() async throws {
        let server = try await smallServer.value
        let get = try await fetch(server, "/activity/shows.json/KEY/the-walking-dead")
        let post = try await fetch(server, "/activity/shows.json/KEY/the-walking-dead", method: "POST")
        #expect(post.status == 200)
        #expect(get.body == post.body)
    }

    @Test("server/time.json and the catalog extension")
    func serverTimeAndCatalog() async throws {
        let server = try await smallServer.value
        let time = try await fetch(server, "/server/time.json/KEY")
        #expect(time.status == 200)
        #expect(time.json["timezone"] as? String == "PST")
        #expect(time.json["timestamp"] as? Int == Int(TimestampConvention.pacific.apiTimestamp(for: pinnedNow)))
        let catalog = try await fetch(server, "/emulator/catalog.json")
        #expect(catalog.status == 200)
        let shows = try #require(catalog.json["shows"] as? [[String: Any]])
        let movies = try #require(catalog.json["movies"] as? [[String: Any]])
        let users = try #require(catalog.json["users"] as? [[String: Any]])
        #expect(shows.count >= 30 && movies.count >= 20)
        #expect(users.count == server.dataset.userCount)
        #expect(shows.contains { $0["slug"] as? String == "the-walking-dead" && $0["title"] as? String == "The Walking Dead" })
        #expect(movies.contains { $0["slug"] as? String == "the-social-network-2010" })
        #expect(users.contains { $0["username"] as? String == "justin" })
    }

    @Test("same seed and clock: byte-identical bodies from two servers; another seed differs")
    func determinism() async throws {
        let config = EmulatorConfiguration(seed: 7, size: DatasetSize(activities: 6_000), now: pinnedNow)
        let a = try await smallServer.value
        let b = try await EmulatorServer.start(config)
        let c = try await EmulatorServer.start(EmulatorConfiguration(seed: 8, size: DatasetSize(activities: 6_000), now: pinnedNow))
        try await withEmulator(b, c) {
            let paths = [
                "/activity/community.json/KEY", "/activity/community.json/KEY?min=1",
                "/activity/shows.json/KEY/the-walking-dead", "/activity/user.json/KEY/justin",
                "/activity/seasons.json/KEY/the-walking-dead/1,2/seen,rating", "/activity/community.json/KEY/list/all",
                "/emulator/catalog.json",
            ]
            for p in paths {
                let x = try await fetch(a, p)
                let y = try await fetch(b, p)
                #expect(x.body == y.body, "\(p)")
            }
            let x = try await fetch(a, "/activity/community.json/KEY")
            let z = try await fetch(c, "/activity/community.json/KEY")
            #expect(x.body != z.body)
        }
    }

    @Test("ids are unique per type")
    func uniqueIDs() async throws {
        let ds = try await smallServer.value.dataset
        for t in ActivityType.allCases {
            let ids = ds.activities.filter { $0.kind.type == t }.map(\.id)
            #expect(Set(ids).count == ids.count)
        }
    }
}
