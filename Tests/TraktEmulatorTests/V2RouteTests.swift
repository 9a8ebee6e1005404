import Foundation
import Testing

@testable import TraktEmulator

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

private func ids(_ o: Any?) -> [String: Any] { ((o as? [String: Any])?["ids"] as? [String: Any]) ?? [:] }

@Suite("API v2: routes (status, body shape, derivation)")
struct V2RouteTests {
    @Test("users/{id}: profile, extended=full; settings; stats")
    func users() async throws {
        let s = try await v2Server.value
        let p = try await v2(s, "/users/justin")
        #expect(Set(p.json.keys).isSuperset(of: ["username", "private", "name", "vip", "vip_ep", "ids"]))
        #expect(p.json["joined_at"] == nil)
        let full = try await v2(s, "/users/justin?extended=full")
        #expect((full.json["joined_at"] as? String)?.hasSuffix(".000Z") == true)
        #expect(full.json["location"] is String)
        let settings = try await v2(s, "/users/settings", token: v2Token)
        #expect((settings.json["user"] as? [String: Any])?["username"] as? String == "justin")
        #expect(settings.json["account"] is [String: Any])
        let stats = try await v2(s, "/users/justin/stats")
        let episodes = try #require(stats.json["episodes"] as? [String: Any])
        let history = try await v2(s, "/users/justin/history/episodes?limit=1")
        #expect(episodes["plays"] as? Int == history.intHeader("X-Pagination-Item-Count"))
        let network = try #require(stats.json["network"] as? [String: Any])
        let followers = try await v2(s, "/users/justin/followers")
        #expect(network["followers"] as? Int == followers.array.count)
    }

    @Test("ratings: the latest rating per item, 1–10, type and rating filters")
    func ratings() async throws {
        let s = try await v2Server.value
        let ds = s.dataset
        let u = ds.userByName["justin"]!
        let all = try await v2(s, "/users/justin/ratings")
        #expect(all.status == 200)
        // Reference: latest rating per item among justin's rating activity.
        var seen = Set<String>()
        var expected: [Int] = []
        for a in ds.activities where Int(a.user) == u && a.kind.action == .rating {
            let key = a.kind.type == .episode ? "e\(a.item)" : "\(a.kind.type.name)\(a.subject)"
            if seen.insert(key).inserted { expected.append(Int(a.extra)) }
        }
        #expect(all.array.map { $0["rating"] as? Int ?? -1 } == expected)
        for i in all.array {
            #expect((i["rated_at"] as? String)?.hasSuffix("Z") == true)
            #expect(["movie", "show", "episode"].contains(i["type"] as? String ?? ""))
        }
        let movies = try await v2(s, "/users/justin/ratings/movies")
        #expect(movies.array.allSatisfy { $0["type"] as? String == "movie" && $0["movie"] != nil })
        let tens = try await v2(s, "/users/justin/ratings/all/9,10")
        #expect(tens.array.allSatisfy { [9, 10].contains($0["rating"] as? Int ?? 0) })
        #expect(tens.array.count == expected.filter { $0 >= 9 }.count)
        let sync = try await v2(s, "/sync/ratings/movies", token: v2Token)
        #expect(sync.body == movies.body)
    }

    @Test("watchlist: rank, id, listed_at, notes; watched items removed; sort headers")
    func watchlist() async throws {
        let s = try await v2Server.value
        let ds = s.dataset
        // The busiest watchlister.
        var best = (0, 0)
        for u in ds.users.indices where !ds.users[u].isProtected {
            let n = ds.activities.filter { Int($0.user) == u && $0.kind.action == .watchlist }.count
            if n > best.1 { best = (u, n) }
        }
        let name = ds.users[best.0].username
        let r = try await v2(s, "/users/\(name)/watchlist")
        #expect(r.status == 200)
        #expect(r.header("X-Applied-Sort-By") == "rank")
        #expect(r.header("X-Sort-How") == "asc")
        let items = r.array
        #expect(!items.isEmpty)
        #expect(items.map { $0["rank"] as? Int ?? 0 } == Array(1...items.count))
        for i in items {
            #expect(i["id"] is Int && i["listed_at"] is String && i.keys.contains("notes"))
            // Not watched after it was listed.
            let listed = try #require(ISOTime.parse(i["listed_at"] as! String)).seconds
            if i["type"] as? String == "movie" {
                let m = ds.movieBySlug[ids(i["movie"])["slug"] as! String]!
                #expect(!ds.activities.contains {
                    Int($0.user) == best.0 && $0.kind.type == .movie && Int($0.subject) == m && $0.time >= listed
                        && [ActivityAction.seen, .scrobble, .checkin].contains($0.kind.action)
                })
            }
        }
        let added = try await v2(s, "/users/\(name)/watchlist/all/added/desc")
        #expect(added.header("X-Applied-Sort-By") == "added")
        let times = added.array.compactMap { $0["listed_at"] as? String }
        #expect(times == times.sorted(by: >))
        let movies = try await v2(s, "/users/\(name)/watchlist/movies")
        #expect(movies.array.allSatisfy { $0["type"] as? String == "movie" })
    }

    @Test("collection and watched: movies and shows with seasons; collected_at / plays")
    func collectionWatched() async throws {
        let s = try await v2Server.value
        let cm = try await v2(s, "/users/justin/collection/movies")
        #expect(cm.status == 200)
        #expect(cm.array.allSatisfy { $0["collected_at"] is String && $0["movie"] != nil })
        let cs = try await v2(s, "/users/justin/collection/shows")
        for show in cs.array {
            #expect(show["last_collected_at"] is String)
            let seasons = try #require(show["seasons"] as? [[String: Any]])
            #expect(seasons.allSatisfy { (($0["episodes"] as? [[String: Any]]) ?? []).allSatisfy { $0["collected_at"] is String } })
        }
        let wm = try await v2(s, "/users/justin/watched/movies")
        let movieHistory = try await allPages(s, "/users/justin/history/movies")
        #expect(wm.array.reduce(0) { $0 + ($1["plays"] as? Int ?? 0) } == movieHistory.count)
        let ws = try await v2(s, "/users/justin/watched/shows")
        let episodeHistory = try await allPages(s, "/users/justin/history/episodes")
        #expect(ws.array.reduce(0) { $0 + ($1["plays"] as? Int ?? 0) } == episodeHistory.count)
        let noSeasons = try await v2(s, "/users/justin/watched/shows?extended=noseasons")
        #expect(noSeasons.array.allSatisfy { $0["seasons"] == nil })
        #expect(try await v2(s, "/users/justin/collection/seasons").status == 404)
        let sync = try await v2(s, "/sync/collection/movies", token: v2Token)
        #expect(sync.body == cm.body)
    }

    @Test("comments from shouts and reviews; lists and their items; followers, following, friends")
    func commentsListsNetwork() async throws {
        let s = try await v2Server.value
        let ds = s.dataset
        let commenter = try #require(ds.users.indices.first { u in
            !ds.users[u].isProtected && ds.activities.contains { Int($0.user) == u && $0.kind.action == .review }
        })
        let name = ds.users[commenter].username
        let all = try await allPages(s, "/users/\(name)/comments")
        let expected = ds.activities.filter { Int($0.user) == commenter && ($0.kind.action == .shout || $0.kind.action == .review) }.count
        #expect(all.count == expected)
        for c in all {
            let comment = try #require(c["comment"] as? [String: Any])
            #expect(comment["id"] is Int && comment["comment"] is String && comment["spoiler"] is Bool && comment["review"] is Bool)
            #expect(comment["user"] is [String: Any])
        }
        let reviews = try await allPages(s, "/users/\(name)/comments/reviews")
        #expect(!reviews.isEmpty)
        #expect(reviews.allSatisfy { ($0["comment"] as? [String: Any])?["review"] as? Bool == true })
        let movieShouts = try await allPages(s, "/users/\(name)/comments/shouts/movies")
        #expect(movieShouts.allSatisfy { $0["type"] as? String == "movie" })

        let owner = try #require(ds.lists.first.map { Int($0.owner) })
        let ownerName = ds.users[owner].username
        if !ds.users[owner].isProtected {
            let lists = try await v2(s, "/users/\(ownerName)/lists")
            #expect(lists.status == 200)
            let first = try #require(lists.array.first)
            let traktID = try #require(ids(first)["trakt"] as? Int)
            let items = try await v2(s, "/users/\(ownerName)/lists/\(traktID)/items")
            #expect(items.array.count == first["item_count"] as? Int)
            #expect(items.array.map { $0["rank"] as? Int ?? 0 } == Array(1...max(1, items.array.count)).prefix(items.array.count).map { $0 })
            let slug = try #require(ids(first)["slug"] as? String)
            #expect(try await v2(s, "/users/\(ownerName)/lists/\(slug)/items").body == items.body)
        }

        let u = ds.userByName["justin"]!
        for (which, key, count) in [("followers", "followed_at", ds.users[u].followers.count), ("following", "followed_at", ds.users[u].following.count),
                                     ("friends", "friends_at", ds.users[u].friends.count)] {
            let r = try await v2(s, "/users/justin/\(which)")
            #expect(r.array.count == count, "\(which)")
            #expect(r.array.allSatisfy { $0[key] is String && $0["user"] is [String: Any] })
        }
    }

    @Test("watching: 200 with the item while within its runtime, else 204")
    func watching() async throws {
        let s = try await defaultServer.value
        let ds = s.dataset
        var headers = v2Headers()
        headers["trakt-api-key"] = "any"
        func running(_ u: Int) -> Bool {
            // Reference: the user's latest watching activity is still within its runtime.
            guard let a = ds.activities.first(where: { Int($0.user) == u && $0.kind.action == .watching }) else { return false }
            let runtime = a.kind.type == .movie ? ds.movies[Int(a.subject)].seed.runtime : ds.shows[Int(a.subject)].seed.runtime
            return a.time + Int64(runtime * 60) > ds.nowUnix
        }
        let publicUsers = ds.users.indices.filter { !ds.users[$0].isProtected }
        let busy = try #require(publicUsers.first(where: running), "the default dataset has someone watching now")
        let idle = try #require(publicUsers.first { !running($0) })
        let r = try await fetch(s, "/users/\(ds.users[busy].username)/watching", headers: headers)
        #expect(r.status == 200)
        #expect(r.json["action"] as? String == "scrobble")
        #expect(r.json["expires_at"] is String && r.json["started_at"] is String)
        #expect(r.json["episode"] != nil || r.json["movie"] != nil)
        let none = try await fetch(s, "/users/\(ds.users[idle].username)/watching", headers: headers)
        #expect(none.status == 204)
        #expect(none.body.isEmpty)
    }

    @Test("last_activities: ISO times per section, all = the latest")
    func lastActivities() async throws {
        let s = try await v2Server.value
        let r = try await v2(s, "/sync/last_activities", token: v2Token)
        #expect(r.status == 200)
        let all = try #require(r.json["all"] as? String)
        let episodes = try #require(r.json["episodes"] as? [String: Any])
        let watched = try #require(episodes["watched_at"] as? String)
        #expect(all >= watched)
        let latest = try await v2(s, "/sync/history?limit=1", token: v2Token)
        let newest = latest.array.first?["watched_at"] as? String
        let movies = try #require(r.json["movies"] as? [String: Any])
        #expect(newest == max(watched, movies["watched_at"] as? String ?? ""))
        for key in ["shows", "seasons", "comments", "lists", "watchlist", "account"] { #expect(r.json[key] is [String: Any], "\(key)") }
    }

    @Test("shows: slug or trakt id, v2 ids, extended=full, seasons?extended=episodes, episodes, comments, watching")
    func shows() async throws {
        let s = try await v2Server.value
        let bySlug = try await v2(s, "/shows/the-walking-dead")
        #expect(bySlug.status == 200)
        let i = ids(bySlug.json)
        #expect(Set(i.keys) == ["trakt", "slug", "tvdb", "imdb", "tmdb"])
        #expect(i["tvdb"] as? Int == 153021)
        #expect(bySlug.json["overview"] == nil)
        let byID = try await v2(s, "/shows/\(i["trakt"] as! Int)")
        #expect(byID.body == bySlug.body)
        let full = try await v2(s, "/shows/the-walking-dead?extended=full")
        #expect(full.json["runtime"] is Int && full.json["overview"] is String && full.json["aired_episodes"] is Int)
        #expect((full.json["first_aired"] as? String)?.hasSuffix("Z") == true)
        let seasons = try await v2(s, "/shows/the-walking-dead/seasons?extended=episodes")
        let list = seasons.array
        #expect(list.first?["number"] as? Int == 0)
        #expect(list.allSatisfy { ($0["episodes"] as? [[String: Any]])?.isEmpty == false && ids($0)["trakt"] is Int })
        let plain = try await v2(s, "/shows/the-walking-dead/seasons")
        #expect(plain.array.allSatisfy { $0["episodes"] == nil })
        let season1 = try await v2(s, "/shows/the-walking-dead/seasons/1")
        #expect(season1.array.first?["title"] as? String == "Days Gone Bye")
        let episode = try await v2(s, "/shows/the-walking-dead/seasons/1/episodes/1?extended=full")
        #expect(episode.json["number"] as? Int == 1 && episode.json["runtime"] is Int)
        #expect(try await v2(s, "/shows/the-walking-dead/seasons/99").status == 404)
        let comments = try await v2(s, "/shows/the-walking-dead/comments/newest")
        #expect(comments.status == 200 && comments.isArray)
        #expect(comments.array.allSatisfy { $0["comment"] is String && $0["user"] is [String: Any] })
        let oldest = try await v2(s, "/shows/the-walking-dead/comments/oldest")
        #expect(oldest.intHeader("X-Pagination-Item-Count") == comments.intHeader("X-Pagination-Item-Count"))
        #expect(try await v2(s, "/shows/the-walking-dead/watching").isArray)
        #expect(try await v2(s, "/shows/the-walking-dead/seasons/1/watching").isArray)
        #expect(try await v2(s, "/shows/the-walking-dead/seasons/1/episodes/1/comments").isArray)
        #expect(try await v2(s, "/shows/the-walking-dead/seasons/1/episodes/1/watching").isArray)
        #expect(try await v2(s, "/shows/the-walking-dead/seasons/1/comments").isArray)
    }

    @Test("movies: title-year slugs, ids, extended=full, comments, watching; search by id")
    func moviesAndSearch() async throws {
        let s = try await v2Server.value
        let m = try await v2(s, "/movies/the-social-network-2010")
        #expect(m.status == 200)
        let i = ids(m.json)
        #expect(i["slug"] as? String == "the-social-network-2010")
        #expect(i["imdb"] as? String == "tt1285016" && i["tmdb"] as? Int == 37799)
        #expect(Set(i.keys) == ["trakt", "slug", "imdb", "tmdb"])
        let full = try await v2(s, "/movies/tt1285016?extended=full")
        #expect(full.json["runtime"] as? Int == 120)
        #expect(full.json["released"] as? String == "2010-10-01")
        #expect(try await v2(s, "/movies/the-social-network-2010/comments").isArray)
        #expect(try await v2(s, "/movies/the-social-network-2010/watching").isArray)
        let search = try await v2(s, "/search/imdb/tt1285016")
        #expect(search.array.first?["type"] as? String == "movie")
        let tvdb = try await v2(s, "/search/tvdb/153021?type=show")
        #expect(ids(tvdb.array.first?["show"])["slug"] as? String == "the-walking-dead")
        let trakt = try await v2(s, "/search/trakt/1")
        #expect(Set(trakt.array.compactMap { $0["type"] as? String }) == ["movie", "show"])
        let onlyShows = try await v2(s, "/search/trakt/1?type=show")
        #expect(onlyShows.array.count == 1)
        #expect(try await v2(s, "/search/name/x").status == 400)
    }

    @Test("text search: /search/{type}?query= finds titles and slugs, best first, paged; bad types and no query refused")
    func textSearch() async throws {
        let s = try await v2Server.value
        let inception = try await v2(s, "/search/movie?query=inception")
        #expect(inception.status == 200)
        #expect(ids(inception.array.first?["movie"])["slug"] as? String == "inception-2010")
        #expect(inception.array.first?["type"] as? String == "movie" && inception.array.first?["score"] is Double)
        // Every result holds a word of the query; the words of a title in any case and punctuation.
        let dark = try await v2(s, "/search/movie,show?query=The%20DARK%20knight")
        #expect(ids(dark.array.first?["movie"])["slug"] as? String == "the-dark-knight-2008")
        let scores = dark.array.compactMap { $0["score"] as? Double }
        #expect(scores == scores.sorted(by: >) && scores.count == dark.array.count)
        // The last word may be a prefix; shows only when asked for shows.
        let breaking = try await v2(s, "/search/show?query=breaking%20ba")
        #expect(ids(breaking.array.first?["show"])["slug"] as? String == "breaking-bad")
        #expect(breaking.array.allSatisfy { $0["type"] as? String == "show" })
        #expect(try await v2(s, "/search/movie?query=zzzzqqq").array.isEmpty)
        let paged = try await v2(s, "/search/movie,show?query=the&limit=2")
        #expect(paged.array.count == 2)
        #expect(try await v2(s, "/search/movie").status == 400)
        #expect(try await v2(s, "/search/planet?query=x").status == 404)
    }
}
