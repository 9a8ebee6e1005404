import Foundation
import Testing
import TraktEmulator
@testable import TraktQL
@testable import TraktQLMirror

/// The rule that makes the mirror trustworthy: a query over the mirror answers exactly what the
/// same query answers over `--api v2` (same rows, same fields, same order, same stats). The
/// mirror is filled from the same emulator's v2 answers (``TestMirrorFiller``, a test-only
/// stand-in for `traktql sync`), then both backends answer a fixed set of queries.
@Suite(.serialized) struct MirrorParityTests {
    static let now = V2Time.date("2024-11-24T12:00:00Z")!
    static let clientID = "mirror-parity-client"
    static let token = "mirror-parity-token-0123456789"

    struct Fixture: Sendable {
        let emulator: Emulator
        let path: String
        let user: String
    }

    static let fixture: Task<Fixture, any Error> = Task {
        var configuration = EmulatorConfiguration(seed: 7, size: DatasetScale.default.size, now: now)
        configuration.v2 = V2Settings(clientID: clientID, accessToken: token, tokenUser: "justin", rateLimit: .off)
        let emulator = Emulator(configuration)
        let directory = NSTemporaryDirectory() + "traktql-mirror-parity-\(UUID().uuidString)"
        let path = directory + "/justin.sqlite"
        let store = try MirrorStore(path: path)
        try await TestMirrorFiller(emulator: emulator, clientID: clientID, token: token)
            .fill(store, server: "http://127.0.0.1:9", syncedAt: now.addingTimeInterval(-3_600))
        return Fixture(emulator: emulator, path: path, user: "justin")
    }

    static func engine(_ fixture: Fixture, mirror: Bool) -> Engine {
        var settings = Settings()
        settings.timeZone = TimeZone(identifier: "UTC")!
        settings.api = .v2
        settings.maxPages = 10_000
        settings.cacheTTL = 0
        settings.mirror = mirror
        var configuration = EngineConfiguration(apiURL: URL(string: "http://127.0.0.1:9")!, settings: settings, clock: { now })
        configuration.v2 = V2Credentials(clientID: clientID, bearer: StaticBearerToken(token))
        configuration.checksNamesWithServerCatalog = false
        configuration.transport = EmulatorCoreTransport(fixture.emulator)
        configuration.mirror = MirrorStoreDatabase.access(path: fixture.path, server: "http://127.0.0.1:9")
        return Engine(configuration: configuration)
    }

    /// Items compared member by member whatever their order (JSON objects are unordered).
    static func canonical(_ value: Value) -> Value {
        switch value {
        case .object(let members): return .object(members.map { ($0.key, canonical($0.value)) }.sorted { $0.0 < $1.0 })
        case .array(let elements): return .array(elements.map(canonical))
        default: return value
        }
    }

    /// Runs `query` on both backends and checks that the answers are the same.
    static func expectSameAnswer(_ query: String, _ fixture: Fixture, atLeast rows: Int = 1,
                                 sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let v2 = try await engine(fixture, mirror: false).run(query)
        let mirror = try await engine(fixture, mirror: true).run(query)
        #expect(v2.rows.count >= rows, "\(query): v2 answered \(v2.rows.count) rows; the case needs at least \(rows)", sourceLocation: sourceLocation)
        #expect(mirror.columns == v2.columns, "\(query)", sourceLocation: sourceLocation)
        #expect(mirror.rows.count == v2.rows.count, "\(query): mirror \(mirror.rows.count) rows, v2 \(v2.rows.count)", sourceLocation: sourceLocation)
        if mirror.rows != v2.rows {
            let first = zip(mirror.rows, v2.rows).enumerated().first { $0.element.0 != $0.element.1 }
            Issue.record("\(query): rows differ; first at \(first?.offset ?? -1): mirror \(first?.element.0 ?? []) v2 \(first?.element.1 ?? [])",
                         sourceLocation: sourceLocation)
        }
        #expect(mirror.items?.map(canonical) == v2.items?.map(canonical), "\(query): whole items differ", sourceLocation: sourceLocation)
        #expect(mirror.isPartial == v2.isPartial, "\(query)", sourceLocation: sourceLocation)
        #expect(mirror.calls == 0, "\(query): the mirror made calls", sourceLocation: sourceLocation)
    }

    @Test func playsSinceThirtyDays() async throws {
        let fixture = try await Self.fixture.value
        try await Self.expectSameAnswer("activity user:me action:seen,scrobble,checkin since:30d | limit all", fixture, atLeast: 20)
    }

    @Test func everyActionOfAYearMergedNewestFirst() async throws {
        let fixture = try await Self.fixture.value
        try await Self.expectSameAnswer("activity user:me since:1y | limit all", fixture, atLeast: 50)
        try await Self.expectSameAnswer("activity user:justin since:1y until:2024-06-01 | limit all", fixture, atLeast: 20)
    }

    @Test func byShowSeasonAndEpisode() async throws {
        let fixture = try await Self.fixture.value
        let top = try await Self.engine(fixture, mirror: false)
            .run("activity user:me action:seen | limit all | stats count by show.ids.slug | sort count desc | limit 1")
        let slug = try #require(top.rows.first?.first?.stringValue)
        try await Self.expectSameAnswer("activity user:me show:\(slug) | limit all", fixture, atLeast: 5)
        try await Self.expectSameAnswer("activity user:me show:\(slug) season:1 | limit all", fixture)
        try await Self.expectSameAnswer("activity user:me show:\(slug) season:1 episode:1..3 action:seen | limit all", fixture)
        try await Self.expectSameAnswer("activity user:me show:\(slug) -season:1 | limit all", fixture)
    }

    @Test func ratingsOfTenAndLove() async throws {
        let fixture = try await Self.fixture.value
        try await Self.expectSameAnswer("activity user:me action:rating rating:10 | limit all", fixture)
        try await Self.expectSameAnswer("activity user:me action:rating rating:love type:movie,show | limit all", fixture)
    }

    @Test func watchlistAndCollection() async throws {
        let fixture = try await Self.fixture.value
        try await Self.expectSameAnswer("activity user:me action:watchlist | limit all", fixture)
        try await Self.expectSameAnswer("activity user:me action:collection | limit all", fixture, atLeast: 10)
        try await Self.expectSameAnswer("activity user:me action:collection type:episode | limit all", fixture, atLeast: 10)
    }

    @Test func statsOfHoursByTitle() async throws {
        let fixture = try await Self.fixture.value
        try await Self.expectSameAnswer("activity user:me | stats count, hours(runtime) by title", fixture, atLeast: 10)
        try await Self.expectSameAnswer("activity user:me action:seen,scrobble,checkin since:1y | flatten episodes | stats count as plays, hours(runtime) as hours, count(runtime) as timed", fixture)
    }

    /// Plays that nothing the query reads tells apart are read as one with their count
    /// (``MirrorPlan/collapsesPlays``): the answers stay v2's, and the plan says so; a query that
    /// reads a play's time or id, keeps items or counts them another way reads every play.
    @Test func playsReadAsOneOnlyWhenNothingTellsThemApart() async throws {
        let fixture = try await Self.fixture.value
        let collapsing = [
            "activity user:me action:seen,scrobble,checkin | limit all | stats count, hours(runtime) by title",
            "activity user:me action:seen,scrobble,checkin since:1y | flatten episodes | stats count as plays, hours(runtime) as hours, count(runtime) as timed",
            "activity user:me action:seen,scrobble,checkin since:1y | flatten episodes | where type == \"episode\" | stats hours(runtime) as hours, count as plays by title | sort hours desc, title | limit 10",
            "activity user:me action:seen since:2y | where sxe != \"S01E01\" | stats count, distinct(sxe) as episodes, min(runtime) by title, action",
        ]
        let everyPlay = [
            "activity user:me action:seen,scrobble,checkin since:1y | stats count as plays by month(time)",
            "activity user:me action:seen since:1y | stats min(id) as lowest by title",
            "activity user:me action:seen since:1y | stats distinct(time) as moments by title",
            "activity user:me action:seen since:1y | where time >= 2024-06-01 | stats count by title",
            "activity user:me action:seen since:1y | select title, id | stats count by title",
            "activity user:me action:seen since:1y | limit 50 | stats count by title",
            "activity user:me since:1y | limit 100 | stats count by action, type",
        ]
        // Every route, read one after another (the stats do not depend on their order), the
        // plays among them as one where nothing tells them apart.
        let inSequence = [
            "activity user:me since:1y | stats count by title",
            "activity user:me | limit all | stats count, hours(runtime) by title",
            "activity user:me | limit all | stats count as n, first(time) as first, last(time) as last by action, type",
            "activity user:me | limit all | stats count by month(time), action",
        ]
        // Time read only where a group's newest and oldest play answer for all of it.
        let keepingTimes = [
            "activity user:me action:seen,scrobble,checkin since:1y | stats count as plays, first(time) as first by title",
            "activity user:me action:seen,scrobble,checkin since:1y | flatten episodes | where type == \"episode\" | stats count as plays, first(time) as first, last(time) as last by title, sxe | sort plays desc, title, sxe | limit 5",
            "activity user:me action:seen,scrobble,checkin | limit all | stats min(time) as earliest, max(time) as latest, count(time) as timed, count by title, action",
            "activity user:me action:seen,scrobble,checkin | limit all | stats first(id) as oldest, last(id) as newest, last(action) as how by title, sxe",
        ]
        for query in collapsing + keepingTimes + everyPlay + inSequence {
            let plan = try await Self.engine(fixture, mirror: true).plan(query)
            let mirror = try #require(plan.backendPlan as? MirrorPlan)
            let collapses = !everyPlay.contains(query) && query != inSequence[3]
            #expect(mirror.collapsesPlays == collapses, "\(query)")
            #expect(mirror.collapsedPlaysKeepTimes == (keepingTimes.contains(query) || query == inSequence[2]), "\(query)")
            #expect(mirror.readsInSequence == inSequence.contains(query), "\(query)")
            #expect(plan.explanation().contains("plays     plays of one episode") == collapses, "\(query)")
            #expect(plan.explanation().contains("newest and oldest play") == mirror.collapsedPlaysKeepTimes, "\(query)")
            #expect(plan.explanation().contains("movies read ahead, when 64 or more") == collapses, "\(query)")
            try await Self.expectSameAnswer(query, fixture)
        }
        // Groups of three plays or more exist, whose middle plays are not read.
        let spread = try await Self.engine(fixture, mirror: true).run(keepingTimes[2])
        let timed = try #require(spread.columns.firstIndex(of: "timed"))
        #expect(spread.rows.contains { ($0[timed].intValue ?? 0) >= 3 })
        // It did collapse something: the first query's groups hold many plays each.
        let result = try await Self.engine(fixture, mirror: true).run(collapsing[0])
        let column = try #require(result.columns.firstIndex(of: "count"))
        let counts = result.rows.compactMap { $0[column].intValue }
        #expect(counts.reduce(0, +) > 2 * counts.count, "\(counts)")
    }

    @Test func calendarPeriodAndUntil() async throws {
        let fixture = try await Self.fixture.value
        try await Self.expectSameAnswer("activity user:me on:2024-10 | limit all", fixture, atLeast: 5)
        try await Self.expectSameAnswer("activity user:me action:seen until:2024-09-01 | limit 300", fixture, atLeast: 300)
        try await Self.expectSameAnswer("activity user:me since:last-month | stats count by action, type", fixture)
    }

    @Test func theNewestPageWithoutALimit() async throws {
        let fixture = try await Self.fixture.value
        // Over v2 the newest page of each route is read, then filtered: the mirror must read the
        // same page (push down only what the route carries), not the newest 100 matches.
        try await Self.expectSameAnswer("activity user:me action:seen", fixture, atLeast: 20)
        try await Self.expectSameAnswer("activity user:me type:movie", fixture)
        try await Self.expectSameAnswer("activity user:me", fixture, atLeast: 100)
        try await Self.expectSameAnswer("activity user:me action:seen,rating until:2024-09-01", fixture, atLeast: 20)
        let top = try await Self.engine(fixture, mirror: false)
            .run("activity user:me action:seen | limit all | stats count by show.ids.slug | sort count desc | limit 2")
        let slugs = top.rows.compactMap { $0.first?.stringValue }
        #expect(slugs.count == 2)
        try await Self.expectSameAnswer("activity user:me show:\(slugs.joined(separator: ",")) season:1,2", fixture, atLeast: 5)
        try await Self.expectSameAnswer("activity user:me show:\(slugs[0]) season:1 episode:1,2", fixture, atLeast: 1)
    }
}
