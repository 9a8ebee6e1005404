import Foundation
import Testing
import TraktQL
@testable import TraktQLMirror

/// The writer's decomposition, on real elements of the emulator core: columns, objects, and
/// the element rebuilt from what was saved.
@Suite struct MirrorDecompositionTests {
    let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())

    func elements(_ target: String) async throws -> [Value] {
        guard case .array(let list) = await transport.get(target) else { throw MirrorError("\(target) is not an array") }
        return list
    }

    /// Decomposes `elements` into a new store and returns it.
    func saved(_ elements: [Value], route: V2Route, list: Int64? = nil) throws -> MirrorStore {
        let store = try MirrorStore(path: MirrorTestSupport.temporaryPath())
        try store.write { db in
            for element in elements {
                let parts = try MirrorDecomposition.decompose(element, route: route, list: list)
                for object in parts.objects { try object.upsert(db) }
                for row in parts.rows { try row.insert(db) }
            }
        }
        return store
    }

    @Test func aPlayBecomesItsColumnsAndTwoObjects() async throws {
        let play = try #require(try await elements("/sync/history/episodes?limit=1&extended=full").first)
        let parts = try MirrorDecomposition.decompose(play, route: .history)
        let row = try #require(parts.rows.first)
        #expect(row.table == .history)
        #expect(row.int("id") == play["id"]?.intValue)
        let watchedAt = try #require(play["watched_at"]?.stringValue)
        let seconds = try #require(V2Time.seconds(watchedAt))
        #expect(row.int("watched_at") == Int64(seconds * 1000))
        #expect(row.int("episode") == play["episode"]?["ids"]?["trakt"]?.intValue)
        #expect(row.int("show") == play["show"]?["ids"]?["trakt"]?.intValue)
        #expect(row.int("season") == play["episode"]?["season"]?.intValue)
        #expect(row.int("number") == play["episode"]?["number"]?.intValue)
        #expect(row.columns["extra"] == SQLiteValue.text("{}"))
        #expect(parts.objects.map(\.kind) == ["episode", "show"])
        let episode = parts.objects[0]
        #expect(episode.showTrakt == play["show"]?["ids"]?["trakt"]?.intValue)
        #expect(episode.runtime == play["episode"]?["runtime"]?.intValue && episode.runtime != nil)
        #expect(try JSONReader.parse(episode.json) == play["episode"])
    }

    @Test(arguments: ["/sync/history/movies", "/sync/history/episodes"])
    func historyElementsComeBackFromTheRows(target: String) async throws {
        let list = try await elements(target + "?limit=50&extended=full")
        #expect(list.count > 10)
        let store = try saved(list, route: .history)
        try store.read { (db: SQLiteConnection) throws in
            #expect(try MirrorElementRebuild.history(db).map(MirrorElementRebuild.canonical) == list.map(MirrorElementRebuild.canonical))
        }
    }

    @Test func membersWithoutAColumnAreKeptInExtra() throws {
        let element = try JSONReader.parse("""
            {"id":7,"watched_at":"2025-01-02T03:04:05.678Z","action":"checkin","type":"movie","sharing":{"mastodon":true},
             "movie":{"title":"Up","year":2009,"ids":{"trakt":50,"slug":"up-2009"},"runtime":96}}
            """)
        let store = try saved([element], route: .history)
        try store.read { (db: SQLiteConnection) throws in
            #expect(try db.string("SELECT extra FROM history") == "{\"sharing\":{\"mastodon\":true}}")
            #expect(try db.int64("SELECT watched_at FROM history") == 1_735_787_045_678)
            #expect(try MirrorElementRebuild.history(db).map(MirrorElementRebuild.canonical) == [MirrorElementRebuild.canonical(element)])
        }
    }

    @Test func aCollectedShowIsOneRowPerEpisodeAndComesBackWhole() async throws {
        let shows = try await elements("/sync/collection/shows?extended=full")
        let store = try saved(shows, route: .collectionShows)
        let episodes = shows.reduce(0) { sum, show in
            guard case .array(let seasons)? = show["seasons"] else { return sum }
            return sum + seasons.reduce(0) { $0 + (($1["episodes"].flatMap { if case .array(let e) = $0 { return e.count } else { return nil } }) ?? 0) }
        }
        try store.read { (db: SQLiteConnection) throws in
            #expect(try db.int("SELECT count(*) FROM collection WHERE type = 'episode'") == episodes)
            #expect(try MirrorElementRebuild.collectionShows(db).map(MirrorElementRebuild.canonical).sorted()
                    == shows.map(MirrorElementRebuild.canonical).sorted())
        }
    }

    @Test func anObjectIsStoredOnceAndAMinimalOneNeverReplacesAFullOne() async throws {
        let plays = try await elements("/sync/history/episodes?limit=100&extended=full")
        let store = try saved(plays, route: .history)
        let minimal = try JSONReader.parse("""
            {"id":1,"watched_at":"2020-01-01T00:00:00.000Z","action":"watch","type":"episode",
             "episode":{"season":1,"number":1,"ids":{"trakt":\(plays[0]["episode"]!["ids"]!["trakt"]!.intValue!)}},
             "show":{"title":"x","ids":{"trakt":\(plays[0]["show"]!["ids"]!["trakt"]!.intValue!)}}}
            """)
        try store.write { db in
            for object in try MirrorDecomposition.decompose(minimal, route: .history).objects { try object.upsert(db) }
        }
        try store.read { (db: SQLiteConnection) throws in
            let shows = Set(plays.compactMap { $0["show"]?["ids"]?["trakt"]?.intValue })
            #expect(try db.int("SELECT count(*) FROM objects WHERE kind = 'show'") == shows.count)
            let show = try #require(try MirrorElementRebuild.object(db, "show", plays[0]["show"]?["ids"]?["trakt"]?.intValue))
            #expect(show == plays[0]["show"])
        }
    }

    @Test func elementsWithoutWhatTheirRowNeedsAreRefusedWithTheReason() throws {
        let cases: [(String, V2Route, String)] = [
            ("{\"watched_at\":\"2025-01-01T00:00:00Z\",\"type\":\"movie\",\"movie\":{\"ids\":{\"trakt\":1}}}", .history, "no id"),
            ("{\"id\":1,\"watched_at\":\"yesterday\",\"type\":\"movie\",\"movie\":{\"ids\":{\"trakt\":1}}}", .history, "not an ISO 8601 time"),
            ("{\"id\":1,\"watched_at\":\"2025-01-01T00:00:00Z\",\"type\":\"movie\",\"movie\":{\"ids\":{\"slug\":\"x\"}}}", .history, "no ids.trakt"),
            ("{\"rated_at\":\"2025-01-01T00:00:00Z\",\"type\":\"movie\",\"movie\":{\"ids\":{\"trakt\":1}}}", .ratings, "no rating"),
            ("[1]", .watchlist, "not a JSON object"),
        ]
        for (text, route, reason) in cases {
            #expect { _ = try MirrorDecomposition.decompose(try JSONReader.parse(text), route: route) } throws: { error in
                (error as? MirrorError)?.message.contains(reason) == true
            }
        }
    }
}
