import Foundation
import Testing
import TraktEmulator
import TraktQL
@testable import TraktQLMirror

@Suite struct MirrorSyncTests {
    let account = MirrorSync.Account(server: MirrorTestSupport.server, user: "justin", own: true)

    func sync(_ transport: EmulatorCoreTransport, _ path: String, full: Bool = false) async throws -> MirrorSyncReport {
        let store = try MirrorStore(path: path)
        return try await MirrorSync(store: store, account: account, transport: transport, clientID: MirrorTestSupport.clientID,
                                    token: MirrorTestSupport.token, options: MirrorSync.Options(full: full)).run()
    }

    /// Every page of a route as the server answers it now.
    func allElements(_ transport: EmulatorCoreTransport, _ path: String) async -> [Value] {
        var out: [Value] = []
        for page in 1...1000 {
            guard case .array(let list) = await transport.get(path + (path.contains("?") ? "&" : "?") + "extended=full&limit=250&page=\(page)") else { break }
            out += list
            if list.count < 250 { break }
        }
        return out
    }

    func canonical(_ values: [Value]) -> [String] { values.map(MirrorElementRebuild.canonical).sorted() }

    /// The section tables, row for row.
    func tables(_ path: String) throws -> [String: [String]] {
        let store = try MirrorStore(path: path)
        return try store.read { (db: SQLiteConnection) throws in
            var out: [String: [String]] = [:]
            for table in MirrorTable.allCases {
                out[table.rawValue] = try db.rows("SELECT * FROM \(table.rawValue)").map { "\($0)" }.sorted()
            }
            return out
        }
    }

    @Test func aFullSyncSavesEnoughToRebuildEveryElementOfEveryRoute() async throws {
        let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())
        let path = MirrorTestSupport.temporaryPath()
        let report = try await sync(transport, path)
        #expect(report.sections.map(\.read) == Array(repeating: .full, count: 6))
        let store = try MirrorStore(path: path)
        let history = await allElements(transport, "/sync/history")
        #expect(history.count > 250, "the history spans pages")
        try store.read { (db: SQLiteConnection) throws in
            #expect(canonical(try MirrorElementRebuild.history(db)) == canonical(history))
        }
        let ratings = await allElements(transport, "/sync/ratings")
        let watchlist = await allElements(transport, "/sync/watchlist")
        let movies = await allElements(transport, "/sync/collection/movies")
        let shows = await allElements(transport, "/sync/collection/shows")
        let comments = await allElements(transport, "/users/me/comments")
        guard case .array(let lists) = await transport.get("/users/me/lists?extended=full") else { Issue.record("no lists"); return }
        #expect(!ratings.isEmpty && !watchlist.isEmpty && !movies.isEmpty && !shows.isEmpty && !comments.isEmpty && !lists.isEmpty)
        var items: [Int64: [Value]] = [:]
        for list in lists {
            let id = try #require(list["ids"]?["trakt"]?.intValue)
            items[id] = await allElements(transport, "/users/me/lists/\(id)/items")
        }
        try store.read { (db: SQLiteConnection) throws in
            #expect(canonical(try MirrorElementRebuild.ratings(db)) == canonical(ratings))
            #expect(canonical(try MirrorElementRebuild.listed(db, table: "watchlist")) == canonical(watchlist))
            #expect(canonical(try MirrorElementRebuild.collectionMovies(db)) == canonical(movies))
            #expect(canonical(try MirrorElementRebuild.collectionShows(db)) == canonical(shows))
            #expect(canonical(try MirrorElementRebuild.comments(db)) == canonical(comments))
            #expect(canonical(try MirrorElementRebuild.lists(db)) == canonical(lists))
            for (id, elements) in items {
                #expect(canonical(try MirrorElementRebuild.listed(db, table: "list_items", list: id)) == canonical(elements), "list \(id)")
            }
            let account = try #require(try db.namedRows("SELECT * FROM account").first)
            #expect(account["user"]?.text == "justin")
            let run = try #require(try db.namedRows("SELECT * FROM sync_runs").first)
            #expect(run["outcome"]?.text == "ok")
            #expect(run["calls"]?.integer == Int64(report.calls))
            #expect(try db.int("SELECT count(*) FROM sync_pending") == 0)
        }
    }

    @Test func theFirstSyncMakesNoMoreCallsThanThePagesOfItsSections() async throws {
        let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())
        let report = try await sync(transport, MirrorTestSupport.temporaryPath())
        // Σ⌈n/250⌉ over the routes read (a route with nothing still costs its one call), plus
        // /sync/last_activities.
        var pages = 1
        var routes = ["/sync/history", "/sync/ratings", "/sync/watchlist", "/sync/collection/movies", "/sync/collection/shows", "/users/me/comments"]
        guard case .array(let lists) = await transport.get("/users/me/lists") else { Issue.record("no lists"); return }
        pages += 1
        routes += lists.compactMap { $0["ids"]?["trakt"]?.intValue }.map { "/users/me/lists/\($0)/items" }
        for route in routes {
            let n = await allElements(transport, route).count
            pages += max(1, (n + 249) / 250)
        }
        #expect(report.calls <= pages, "\(report.calls) calls for \(pages) pages")
        #expect(report.calls >= 8)
    }

    @Test func aSecondSyncWithNothingChangedMakesExactlyOneCall() async throws {
        let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())
        let path = MirrorTestSupport.temporaryPath()
        _ = try await sync(transport, path)
        let before = try tables(path)
        transport.reset()
        let report = try await sync(transport, path)
        #expect(transport.calls == 1)
        #expect(transport.requests == ["/sync/last_activities"])
        #expect(report.calls == 1)
        #expect(report.sections.allSatisfy { $0.read == .unchanged })
        #expect(try tables(path) == before)
    }

    /// Movies justin has not on his watchlist (watching one takes it off, which moves the watchlist).
    func moviesOffTheWatchlist(_ transport: EmulatorCoreTransport, count: Int) async -> [Int64] {
        let listed = Set(await allElements(transport, "/sync/watchlist").compactMap { $0["movie"]?["ids"]?["trakt"]?.intValue })
        return Array((1...200).map(Int64.init).filter { !listed.contains($0) }.prefix(count))
    }

    @Test(arguments: [3, 260])
    func kNewPlaysCostOneCallPlusTheirPages(k: Int) async throws {
        let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())
        let path = MirrorTestSupport.temporaryPath()
        _ = try await sync(transport, path)
        let movies = await moviesOffTheWatchlist(transport, count: 20)
        let plays = (0..<k).map { n in "{\"ids\":{\"trakt\":\(movies[n % movies.count])},\"watched_at\":\"2025-06-01T11:\(String(format: "%02d", n / 60 % 60)):\(String(format: "%02d", n % 60)).000Z\"}" }
        let written = await transport.write("/sync/history", "{\"movies\":[\(plays.joined(separator: ","))]}")
        #expect(written.status == 201, "\(written.body)")
        transport.reset()
        let report = try await sync(transport, path)
        let history = try #require(report.sections.first { $0.section == .history })
        #expect(history.read == .incremental)
        #expect(history.added == k)
        // Watching a movie can move the watchlist (it takes the movie off): at most one call each.
        let otherMoved = report.sections.filter { $0.section != .history && $0.read != .unchanged }
        #expect(otherMoved.allSatisfy { $0.calls == 1 }, "\(report.text)")
        #expect(history.calls == (k + 249) / 250)
        #expect(report.calls == 1 + (k + 249) / 250 + otherMoved.count, "\(transport.requests) \(report.text)")
        // The same rows as a fresh full sync.
        let fresh = MirrorTestSupport.temporaryPath()
        _ = try await sync(transport, fresh)
        #expect(try tables(path) == tables(fresh))
    }

    @Test(arguments: ["old", "recent"])
    func aRemovedPlayLeavesTheMirrorEqualToAFreshFullSync(which: String) async throws {
        let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())
        let path = MirrorTestSupport.temporaryPath()
        _ = try await sync(transport, path)
        let history = await allElements(transport, "/sync/history")
        let victim = try #require((which == "old" ? history.last : history.first)?["id"]?.intValue)
        let removed = await transport.write("/sync/history/remove", "{\"ids\":[\(victim)]}")
        #expect(removed.status == 200, "\(removed.body)")
        let report = try await sync(transport, path)
        let section = try #require(report.sections.first { $0.section == .history })
        #expect(section.read == .full, "\(report.text)")
        let fresh = MirrorTestSupport.temporaryPath()
        _ = try await sync(transport, fresh)
        let mine = try tables(path), theirs = try tables(fresh)
        #expect(mine == theirs)
        #expect(mine["history"]?.count == history.count - 1)
    }

    @Test func aChangedAndARemovedRatingAreSeen() async throws {
        let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())
        let path = MirrorTestSupport.temporaryPath()
        _ = try await sync(transport, path)
        let ratings = await allElements(transport, "/sync/ratings?type=movies")
        let movie = try #require(ratings.first { $0["type"]?.stringValue == "movie" }?["movie"]?["ids"]?["trakt"]?.intValue)
        #expect(await transport.write("/sync/ratings", "{\"movies\":[{\"ids\":{\"trakt\":\(movie)},\"rating\":3}]}").status == 201)
        var report = try await sync(transport, path)
        #expect(report.sections.first { $0.section == .ratings }?.read == .incremental, "\(report.text)")
        var fresh = MirrorTestSupport.temporaryPath()
        _ = try await sync(transport, fresh)
        #expect(try tables(path) == tables(fresh))

        #expect(await transport.write("/sync/ratings/remove", "{\"movies\":[{\"ids\":{\"trakt\":\(movie)}}]}").status == 200)
        report = try await sync(transport, path)
        #expect(report.sections.first { $0.section == .ratings }?.read == .full, "\(report.text)")
        fresh = MirrorTestSupport.temporaryPath()
        _ = try await sync(transport, fresh)
        #expect(try tables(path) == tables(fresh))
    }

    @Test func watchlistCollectionListsAndCommentsFollowWrites() async throws {
        let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())
        let path = MirrorTestSupport.temporaryPath()
        _ = try await sync(transport, path)
        let movies = await moviesOffTheWatchlist(transport, count: 2)
        #expect(await transport.write("/sync/watchlist", "{\"movies\":[{\"ids\":{\"trakt\":\(movies[0])}}]}").status == 201)
        #expect(await transport.write("/sync/collection", "{\"movies\":[{\"ids\":{\"trakt\":\(movies[1])}}]}").status == 201)
        #expect(await transport.write("/comments", "{\"movie\":{\"ids\":{\"trakt\":\(movies[0])}},\"comment\":\"A fine film to watch again soon.\"}").status == 201)
        let report = try await sync(transport, path)
        for section in [MirrorSection.watchlist, .collection, .comments] {
            #expect(report.sections.first { $0.section == section }?.read != .unchanged, "\(section)")
        }
        #expect(report.sections.first { $0.section == .history }?.read == .unchanged)
        let fresh = MirrorTestSupport.temporaryPath()
        _ = try await sync(transport, fresh)
        #expect(try tables(path) == tables(fresh))
    }

    @Test func a500MidSectionKeepsThePreviousSectionAndTheNextSyncCompletesWithoutRefetching() async throws {
        let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())
        let path = MirrorTestSupport.temporaryPath()
        // The third page of history fails.
        transport.intercept = { _, path in nil }
        let historyPages = LockedCounter()
        transport.intercept = { _, path in
            guard path == "/sync/history" else { return nil }
            return historyPages.next() == 3 ? HTTPResponse(status: 500, body: Data("{\"error\":\"server_error\"}".utf8)) : nil
        }
        await #expect(throws: MirrorError.self) { _ = try await sync(transport, path) }
        let store = try MirrorStore(path: path)
        try store.read { (db: SQLiteConnection) throws in
            #expect(try db.int("SELECT count(*) FROM history") == 0, "no half-read history is live")
            #expect(try db.int("SELECT count(*) FROM sync_sections WHERE section = 'history'") == 0)
            #expect(try db.int("SELECT count(*) FROM sync_pending WHERE section = 'history' AND route <> '#'") == 2)
            #expect((try db.string("SELECT outcome FROM sync_runs"))?.hasPrefix("failed: GET /sync/history") == true)
        }
        transport.intercept = nil
        transport.reset()
        let report = try await sync(transport, path)
        let pagesAsked = transport.requests.filter { $0.hasPrefix("/sync/history") }
        #expect(!pagesAsked.contains { $0.contains("page=1&") || $0.contains("page=2&") }, "\(pagesAsked)")
        #expect(report.sections.first { $0.section == .history }?.read == .full)
        let fresh = MirrorTestSupport.temporaryPath()
        _ = try await sync(transport, fresh)
        #expect(try tables(path) == tables(fresh))
    }

    @Test func aFailureDuringALaterSyncLeavesThePreviousSection() async throws {
        let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())
        let path = MirrorTestSupport.temporaryPath()
        _ = try await sync(transport, path)
        let before = try tables(path)
        let movies = await moviesOffTheWatchlist(transport, count: 1)
        #expect(await transport.write("/sync/history", "{\"movies\":[{\"ids\":{\"trakt\":\(movies[0])}}]}").status == 201)
        transport.intercept = { _, path in path == "/sync/history" ? HTTPResponse(status: 503, body: Data("{\"error\":\"busy\"}".utf8)) : nil }
        await #expect(throws: MirrorError.self) { _ = try await sync(transport, path) }
        #expect(try tables(path) == before)
        transport.intercept = nil
        let report = try await sync(transport, path)
        #expect(report.sections.first { $0.section == .history }?.added == 1)
    }

    @Test func a429StormIsWaitedOut() async throws {
        let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())
        let path = MirrorTestSupport.temporaryPath()
        transport.intercept = { number, _ in
            (2...7).contains(number) ? HTTPResponse(status: 429, headers: ["Retry-After": "0"], body: Data("{\"error\":\"rate limit\"}".utf8)) : nil
        }
        let report = try await sync(transport, path)
        #expect(report.sections.allSatisfy { $0.read == .full })
        transport.intercept = nil
        let fresh = MirrorTestSupport.temporaryPath()
        let freshReport = try await sync(transport, fresh)
        #expect(try tables(path) == tables(fresh))
        #expect(report.calls == freshReport.calls + 6, "each 429 is a call")
    }

    @Test func aMirrorOfAnotherAccountIsRefused() async throws {
        let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())
        let path = MirrorTestSupport.temporaryPath()
        _ = try await sync(transport, path)
        let store = try MirrorStore(path: path)
        let other = MirrorSync(store: store, account: .init(server: MirrorTestSupport.server, user: "serialkevin", own: false),
                               transport: transport, clientID: MirrorTestSupport.clientID, token: nil)
        await #expect(throws: MirrorError.self) { _ = try await other.run() }
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
