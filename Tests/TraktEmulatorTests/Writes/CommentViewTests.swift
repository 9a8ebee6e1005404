import Foundation
import Testing

@testable import TraktEmulator

/// Comments on seasons and lists (`POST /comments` with `season` or `list`), and what writes
/// show in the item views: written comments in `/shows|movies/{id}/comments`, a running check-in
/// or scrobble in `/shows|movies/{id}/watching`.
@Suite("Writes: season and list comments; writes in the show and movie views")
struct CommentViewTests {
    static let text = "A quiet season that earns its ending."

    func ids(_ answer: WriteAnswer) -> [Int] { answer.array.compactMap { $0["id"] as? Int } }

    @Test("a season comment: 201; in the season's comments, the user's comments (type season), stats and seasons.commented_at; PUT and DELETE")
    func seasonComment() async throws {
        let e = writableEmulator()
        let ds = e.dataset
        let show = try #require(ds.showBySlug["breaking-bad"])
        let season = try #require(ds.shows[show].seasonIndex(number: 2))
        let seasonTrakt = V2IDs.season(season)
        let before = await call(e, "GET", "/sync/last_activities")
        let created = await call(e, "POST", "/comments", json: ["season": ["ids": ["trakt": seasonTrakt]], "comment": Self.text, "spoiler": true])
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.object["id"] as? Int)
        #expect(created.object["comment"] as? String == Self.text && created.object["spoiler"] as? Bool == true)
        #expect((created.object["user"] as? [String: Any])?["username"] as? String == "justin")

        let seasonView = await call(e, "GET", "/shows/breaking-bad/seasons/2/comments")
        #expect(ids(seasonView) == [id])
        #expect(seasonView.headers["X-Pagination-Item-Count"] == "1")
        #expect(ids(await call(e, "GET", "/shows/breaking-bad/seasons/1/comments")).isEmpty)
        let mine = await call(e, "GET", "/users/justin/comments/all/seasons")
        let row = try #require(mine.array.first)
        #expect(row["type"] as? String == "season")
        #expect((row["comment"] as? [String: Any])?["id"] as? Int == id)
        #expect((row["season"] as? [String: Any])?["number"] as? Int == 2)
        #expect(((row["show"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String == "breaking-bad")
        #expect((await call(e, "GET", "/users/justin/comments")).array.contains { ($0["comment"] as? [String: Any])?["id"] as? Int == id })
        #expect(!(await call(e, "GET", "/users/justin/comments/all/movies")).array.contains { ($0["comment"] as? [String: Any])?["id"] as? Int == id })
        let stats = await call(e, "GET", "/users/justin/stats")
        #expect((stats.object["seasons"] as? [String: Any])?["comments"] as? Int == 1)
        let moved = await call(e, "GET", "/sync/last_activities")
        let wasAt = try #require((before.object["seasons"] as? [String: Any])?["commented_at"] as? String)
        let nowAt = try #require((moved.object["seasons"] as? [String: Any])?["commented_at"] as? String)
        #expect(nowAt > wasAt)

        let edited = await call(e, "PUT", "/comments/\(id)", json: ["comment": "On a second look it is the best one."])
        #expect(edited.status == 200 && edited.object["comment"] as? String == "On a second look it is the best one.")
        #expect(edited.object["spoiler"] as? Bool == true)
        let other = try #require(ds.userByName.first { $0.value != 0 }?.value)
        e.v2.oauth.addPermanent(token: "someone-else", user: other)
        #expect((await call(e, "PUT", "/comments/\(id)", token: "someone-else", json: ["comment": "not mine to change at all"])).status == 403)
        #expect((await call(e, "DELETE", "/comments/\(id)")).status == 204)
        #expect(ids(await call(e, "GET", "/shows/breaking-bad/seasons/2/comments")).isEmpty)
        #expect((await call(e, "DELETE", "/comments/\(id)")).status == 404)
        #expect((await call(e, "POST", "/comments", json: ["season": ["ids": ["trakt": 1]], "comment": Self.text])).status == 404)
        #expect((await call(e, "POST", "/comments", json: ["season": ["ids": ["trakt": seasonTrakt]], "comment": "too short"])).status == 422)
    }

    @Test("a list comment: 201; in the list's comments, its comment_count, the user's comments (type list) and lists.commented_at; a list closed to comments is 422")
    func listComment() async throws {
        let e = writableEmulator()
        // Someone without lists yet (justin is at the non-VIP limit of 2).
        let ds = e.dataset
        let lister = try #require((1..<ds.users.count).first { e.v2.listsByOwner[$0].isEmpty && !ds.users[$0].isProtected && !ds.users[$0].vip })
        let name = ds.users[lister].username
        e.v2.oauth.addPermanent(token: "lister", user: lister)
        let list = await call(e, "POST", "/users/me/lists", token: "lister", json: ["name": "Rainy Sundays", "privacy": "public", "allow_comments": true])
        #expect(list.status == 201)
        let trakt = try #require((list.object["ids"] as? [String: Any])?["trakt"] as? Int)
        let created = await call(e, "POST", "/comments", token: "lister", json: ["list": ["ids": ["trakt": trakt]], "comment": "Every one of these is a comfort watch."])
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.object["id"] as? Int)
        #expect(ids(await call(e, "GET", "/users/\(name)/lists/rainy-sundays/comments")) == [id])
        #expect((await call(e, "GET", "/users/\(name)/lists/rainy-sundays")).object["comment_count"] as? Int == 1)
        let mine = await call(e, "GET", "/users/\(name)/comments/all/lists")
        let row = try #require(mine.array.first)
        #expect(row["type"] as? String == "list")
        #expect((row["list"] as? [String: Any])?["name"] as? String == "Rainy Sundays")
        let activities = await call(e, "GET", "/sync/last_activities", token: "lister")
        #expect(((activities.object["lists"] as? [String: Any])?["commented_at"] as? String ?? "") > ISOTime.string(ds.nowUnix - 1))
        // A list that takes no comments.
        let closed = await call(e, "POST", "/users/me/lists", token: "lister", json: ["name": "Quiet", "allow_comments": false])
        let closedID = try #require((closed.object["ids"] as? [String: Any])?["trakt"] as? Int)
        let refused = await call(e, "POST", "/comments", token: "lister", json: ["list": ["ids": ["trakt": closedID]], "comment": "Can I say something here please?"])
        #expect(refused.status == 422 && refused.text.contains("comments"))
        #expect((await call(e, "POST", "/comments", json: ["list": ["ids": ["trakt": 9_999_999]], "comment": Self.text])).status == 404)
        // Another user's list: a public one takes justin's comment, a private one is not found.
        #expect((await call(e, "POST", "/comments", json: ["list": ["ids": ["trakt": trakt]], "comment": Self.text])).status == 201)
        #expect((await call(e, "PUT", "/users/me/lists/\(closedID)", token: "lister", json: ["privacy": "private", "allow_comments": true])).status == 200)
        #expect((await call(e, "POST", "/comments", json: ["list": ["ids": ["trakt": closedID]], "comment": Self.text])).status == 404)
        #expect((await call(e, "DELETE", "/comments/\(id)")).status == 403)
        #expect((await call(e, "DELETE", "/comments/\(id)", token: "lister")).status == 204)
        #expect(ids(await call(e, "GET", "/users/\(name)/lists/rainy-sundays/comments")).count == 1)
        #expect((await call(e, "GET", "/users/\(name)/lists/rainy-sundays")).object["comment_count"] as? Int == 1)
    }

    @Test("written comments show in /movies|shows/{id}/comments and the episode's, newest first; deleted ones leave")
    func itemComments() async throws {
        let e = writableEmulator()
        let movie = await call(e, "POST", "/comments", json: ["movie": ["ids": ["slug": "inception-2010"]], "comment": "This film bends time and my brain."])
        let show = await call(e, "POST", "/comments", json: ["show": ["ids": ["slug": "sherlock"]], "comment": "Clever, fast and very well acted."])
        let episode = await call(e, "POST", "/comments", json: ["episode": ["ids": ["trakt": 100_000]], "comment": "What a way to start a show."])
        let movieID = try #require(movie.object["id"] as? Int)
        let showID = try #require(show.object["id"] as? Int)
        let episodeID = try #require(episode.object["id"] as? Int)
        let movieView = await call(e, "GET", "/movies/inception-2010/comments")
        #expect(ids(movieView).first == movieID)
        let fresh = await call(writableEmulator(), "GET", "/movies/inception-2010/comments")
        #expect(Int(movieView.headers["X-Pagination-Item-Count"] ?? "") == Int(fresh.headers["X-Pagination-Item-Count"] ?? "0")! + 1)
        #expect(ids(await call(e, "GET", "/movies/inception-2010/comments/oldest?limit=250")).last == movieID)
        #expect(ids(await call(e, "GET", "/shows/sherlock/comments")).first == showID)
        let ds = e.dataset
        let first = ds.episodes[0]
        let slug = ds.shows[Int(first.show)].seed.slug
        #expect(ids(await call(e, "GET", "/shows/\(slug)/seasons/\(first.season)/episodes/\(first.number)/comments")).first == episodeID)
        #expect((await call(e, "DELETE", "/comments/\(movieID)")).status == 204)
        #expect(!ids(await call(e, "GET", "/movies/inception-2010/comments")).contains(movieID))
    }

    @Test("a running check-in or scrobble shows in the item's watching views; DELETE /checkin takes it out")
    func watchingViews() async throws {
        let e = writableEmulator()
        #expect((await call(e, "DELETE", "/checkin")).status == 204)
        func watchers(_ path: String) async -> [String] {
            (await call(e, "GET", path)).array.compactMap { $0["username"] as? String }
        }
        #expect(!(await watchers("/movies/inception-2010/watching")).contains("justin"))
        #expect((await call(e, "POST", "/checkin", json: ["movie": ["ids": ["slug": "inception-2010"]]])).status == 201)
        #expect(await watchers("/movies/inception-2010/watching").contains("justin"))
        #expect((await call(e, "DELETE", "/checkin")).status == 204)
        #expect(!(await watchers("/movies/inception-2010/watching")).contains("justin"))
        // An episode scrobble: the show, season and episode views.
        let ds = e.dataset
        let first = ds.episodes[0]
        let slug = ds.shows[Int(first.show)].seed.slug
        #expect((await call(e, "POST", "/scrobble/start", json: ["episode": ["ids": ["trakt": 100_000]], "progress": 10])).status == 201)
        #expect(await watchers("/shows/\(slug)/watching").contains("justin"))
        #expect(await watchers("/shows/\(slug)/seasons/\(first.season)/watching").contains("justin"))
        #expect(await watchers("/shows/\(slug)/seasons/\(first.season)/episodes/\(first.number)/watching").contains("justin"))
        #expect(!(await watchers("/movies/inception-2010/watching")).contains("justin"))
    }
}
