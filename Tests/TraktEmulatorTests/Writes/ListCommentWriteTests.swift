import Foundation
import Testing

@testable import TraktEmulator

/// Lists (create, update, delete, items) and comments (create, update, delete).
@Suite("Writes: lists and comments")
struct ListCommentWriteTests {
    /// An emulator whose token belongs to a non-VIP user with no lists (limits 2 lists, 100 items).
    func plainUser() -> (Emulator, String) {
        let ds = writableEmulator().dataset
        let owners = Set(ds.lists.map { Int($0.owner) })
        let u = ds.users.indices.first { !ds.users[$0].vip && !owners.contains($0) && !ds.users[$0].isProtected }!
        let name = ds.users[u].username
        return (writableEmulator { $0.v2.tokenUser = name }, name)
    }

    @Test("lists: create (201), update (200), items add/remove with counts, delete (204); v2 and v1 show them")
    func lists() async throws {
        let (e, name) = plainUser()
        let created = await call(e, "POST", "/users/me/lists", json: ["name": "Sunday Films!", "description": "for rainy days", "privacy": "public"])
        #expect(created.status == 201, "\(created.text)")
        #expect(created.object["name"] as? String == "Sunday Films!")
        #expect(created.object["privacy"] as? String == "public")
        let ids = try #require(created.object["ids"] as? [String: Any])
        #expect(ids["slug"] as? String == "sunday-films")
        let trakt = try #require(ids["trakt"] as? Int)
        #expect(trakt == e.dataset.lists.count + 1)
        let mine = await call(e, "GET", "/users/\(name)/lists")
        #expect(mine.array.map { $0["name"] as? String } == ["Sunday Films!"])

        let add = await call(e, "POST", "/users/\(name)/lists/\(trakt)/items", json: [
            "movies": [["ids": ["slug": "inception-2010"]], ["ids": ["slug": "nope-0000"]]], "shows": [["ids": ["slug": "sherlock"]]],
            "episodes": [["ids": ["trakt": 100_004]]],
        ])
        #expect(add.status == 201, "\(add.text)")
        #expect(add.count("added", "movies") == 1 && add.count("added", "shows") == 1 && add.count("added", "episodes") == 1)
        #expect(add.count("added", "people") == 0)
        #expect(((add.object["not_found"] as? [String: Any])?["movies"] as? [Any])?.count == 1)
        #expect((add.object["list"] as? [String: Any])?["item_count"] as? Int == 3)
        let again = await call(e, "POST", "/users/me/lists/sunday-films/items", json: ["movies": [["ids": ["slug": "inception-2010"]]]])
        #expect(again.count("existing", "movies") == 1 && again.count("added", "movies") == 0)
        let items = await call(e, "GET", "/users/\(name)/lists/sunday-films/items")
        #expect(items.array.map { $0["type"] as? String } == ["movie", "show", "episode"])
        #expect(items.array.map { $0["rank"] as? Int } == [1, 2, 3])

        // v1: created and item_added, with the written list's object.
        let v1 = await v1Stream(e, name, actions: "created,item_added", types: "list")
        #expect(v1.count == 4)
        #expect(v1.allSatisfy { ($0["list"] as? [String: Any])?["slug"] as? String == "sunday-films" })
        #expect(v1.last?["action"] as? String == "created")
        #expect((v1.last?["list"] as? [String: Any])?["name"] as? String == "Sunday Films!")

        let removed = await call(e, "POST", "/users/me/lists/\(trakt)/items/remove", json: ["shows": [["ids": ["slug": "sherlock"]]]])
        #expect(removed.status == 200)
        #expect(removed.count("deleted", "shows") == 1)
        #expect((removed.object["list"] as? [String: Any])?["item_count"] as? Int == 2)
        #expect((await v1Stream(e, name, actions: "item_added", types: "list")).count == 2)

        let updated = await call(e, "PUT", "/users/me/lists/\(trakt)", json: ["name": "Rainy Sundays", "privacy": "private"])
        #expect(updated.status == 200, "\(updated.text)")
        #expect(updated.object["name"] as? String == "Rainy Sundays")
        #expect(updated.object["privacy"] as? String == "private")
        #expect((updated.object["ids"] as? [String: Any])?["slug"] as? String == "sunday-films", "the slug stays")
        let la = await call(e, "GET", "/sync/last_activities")
        let listsUpdated = (la.object["lists"] as? [String: Any])?["updated_at"] as? String
        #expect(listsUpdated?.hasPrefix(String(ISOTime.string(e.dataset.nowUnix).prefix(19))) == true)

        let deleted = await call(e, "DELETE", "/users/me/lists/\(trakt)")
        #expect(deleted.status == 204)
        #expect((await call(e, "GET", "/users/\(name)/lists")).array.isEmpty)
        #expect((await call(e, "GET", "/users/\(name)/lists/\(trakt)")).status == 404)
        #expect((await v1Stream(e, name, actions: "created,item_added", types: "list")).isEmpty)
        #expect((await call(e, "DELETE", "/users/me/lists/\(trakt)")).status == 404)
    }

    @Test("lists: 420 at the list and item limits with Trakt's headers; 422 without a name; 403 on another user's; 401 without a token")
    func listErrors() async throws {
        let (e, _) = plainUser()
        #expect((await call(e, "POST", "/users/me/lists", json: ["description": "no name"])).status == 422)
        #expect((await call(e, "POST", "/users/me/lists", json: ["name": "x", "privacy": "secret"])).status == 422)
        #expect((await call(e, "POST", "/users/me/lists", json: ["name": "one"])).status == 201)
        #expect((await call(e, "POST", "/users/me/lists", json: ["name": "two"])).status == 201)
        let third = await call(e, "POST", "/users/me/lists", json: ["name": "three"])
        #expect(third.status == 420)
        #expect(third.headers["X-Account-Limit"] == "2" && third.headers["X-VIP-User"] == "false" && third.headers["X-Upgrade-URL"] == "https://trakt.tv/vip")
        #expect(third.object["error"] as? String == "account_limit_exceeded")
        // 100 items per list.
        let ds = e.dataset
        let episodes = (0..<101).map { ["ids": ["trakt": V2IDs.episode($0)]] }
        let tooMany = await call(e, "POST", "/users/me/lists/one/items", json: ["episodes": episodes])
        #expect(tooMany.status == 420)
        #expect(tooMany.headers["X-Account-Limit"] == "100")
        #expect((await call(e, "POST", "/users/me/lists/one/items", json: ["episodes": Array(episodes.prefix(100))])).count("added", "episodes") == 100)
        #expect((await call(e, "POST", "/users/me/lists/one/items", json: ["movies": [["ids": ["trakt": 1]]]])).status == 420)
        // Someone else's lists.
        let other = ds.users.first { $0.username != "justin" && !ds.users[0].username.isEmpty }!.username
        let forbidden = await call(e, "POST", "/users/justin/lists", json: ["name": "mine now"])
        #expect(forbidden.status == 403, "\(other)")
        #expect((await call(e, "POST", "/users/nobody-here/lists", json: ["name": "x"])).status == 404)
        #expect((await call(e, "POST", "/users/me/lists", token: nil, json: ["name": "x"])).status == 401)
        #expect((await call(e, "PUT", "/users/me/lists/no-such-list", json: ["name": "x"])).status == 404)
    }

    @Test("comments: create (201, shout or review), 422 under 5 words, update own (200), 403 others', delete (204); v1 shows the text")
    func comments() async throws {
        let e = writableEmulator()
        let text = "This film bends time and my brain."
        let created = await call(e, "POST", "/comments", json: ["movie": ["ids": ["slug": "inception-2010"]], "comment": text, "spoiler": true])
        #expect(created.status == 201, "\(created.text)")
        #expect(created.object["comment"] as? String == text)
        #expect(created.object["spoiler"] as? Bool == true && created.object["review"] as? Bool == false)
        let id = try #require(created.object["id"] as? Int)
        #expect((created.object["user"] as? [String: Any])?["username"] as? String == "justin")
        let short = await call(e, "POST", "/comments", json: ["movie": ["ids": ["slug": "inception-2010"]], "comment": "too short"])
        #expect(short.status == 422)
        #expect((short.object["error_description"] as? String)?.contains("at least 5 words") == true)
        let review = await call(e, "POST", "/comments", json: ["show": ["ids": ["slug": "sherlock"]], "comment": Array(repeating: "word", count: 200).joined(separator: " ")])
        #expect(review.object["review"] as? Bool == true)
        #expect((await call(e, "POST", "/comments", json: ["season": ["ids": ["trakt": 10_001]], "comment": text])).status == 201)

        let mine = await call(e, "GET", "/users/justin/comments/all/movies")
        #expect((mine.array.first?["comment"] as? [String: Any])?["comment"] as? String == text)
        let v1 = await v1Stream(e, "justin", actions: "shout", types: "movie")
        #expect((v1.first?["shout"] as? [String: Any])?["text"] as? String == text)
        #expect((v1.first?["shout"] as? [String: Any])?["spoiler"] as? Bool == true)

        let edited = await call(e, "PUT", "/comments/\(id)", json: ["comment": "On a second watch it is even better."])
        #expect(edited.status == 200, "\(edited.text)")
        #expect(edited.object["comment"] as? String == "On a second watch it is even better.")
        #expect(edited.object["spoiler"] as? Bool == true, "unchanged fields stay")
        let v1Edited = await v1Stream(e, "justin", actions: "shout", types: "movie")
        #expect((v1Edited.first?["shout"] as? [String: Any])?["text"] as? String == "On a second watch it is even better.")

        // Someone else's (generated) comment: 403; unknown: 404.
        let ds = e.dataset
        let foreign = try #require(ds.activities.first { ($0.kind.action == .shout) && ds.users[Int($0.user)].username != "justin" })
        #expect((await call(e, "PUT", "/comments/\(PageRenderer.commentID(foreign))", json: ["comment": "I did not write this at all"])).status == 403)
        #expect((await call(e, "DELETE", "/comments/999")).status == 404)

        #expect((await call(e, "DELETE", "/comments/\(id)")).status == 204)
        #expect((await call(e, "PUT", "/comments/\(id)", json: ["comment": "and now it is gone again"])).status == 404)
        let after = await call(e, "GET", "/users/justin/comments/all/movies")
        #expect(!after.array.contains { ($0["comment"] as? [String: Any])?["id"] as? Int == id })
        #expect(!(await v1Stream(e, "justin", actions: "shout", types: "movie")).contains { ($0["shout"] as? [String: Any])?["id"] as? Int == id })
        let movieComments = await call(e, "GET", "/movies/inception-2010/comments")
        #expect(!movieComments.array.contains { $0["id"] as? Int == id })
        #expect((await call(e, "POST", "/comments", token: nil, json: ["movie": ["ids": ["slug": "inception-2010"]], "comment": text])).status == 401)
    }
}
