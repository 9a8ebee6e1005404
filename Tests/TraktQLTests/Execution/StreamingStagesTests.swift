import Foundation
import Testing
@testable import TraktEmulator
import TraktEmulatorServer
@testable import TraktQL
import TraktQLCurl

/// The stages over items as they arrive, shared by every backend (issue 24.6): the same rows as
/// the stages over all the items at once, holding only what the stages keep — `limit all |
/// stats …` holds its groups, not the items.
@Suite struct StreamingStagesTests {
    static let context = StreamingReaderTests.context

    static func streamed(_ query: String, _ items: [Value]) throws -> (stream: StreamingStages, all: (columns: [String]?, rows: [Row])) {
        let plan = try QueryCompiler.plan(query, context: context, backend: LocalBackend(path: "fixture", convention: context.convention))
        let runner = StageRunner(fields: FieldEvaluator(schema: V1ItemSchema(convention: .pacific), now: ActivityFixture.now),
                                 stages: plan.stages, episodeFilters: plan.episodeFilters)
        var stream = StreamingStages(stages: plan.stages, runner: runner)
        for item in items where stream.accept(item) {}
        return (stream, runner.run(plan.stages, on: items.map { .item($0) }))
    }

    static let items: [Value] = {
        (try? ActivityPage.decode(Data(ActivityFixture.envelope(ActivityFixture.items(400)))).items) ?? []
    }()

    @Test func limitAllThenStatsHoldsTheGroupsNotTheRows() throws {
        #expect(Self.items.count == 400)
        for query in ["activity | limit all | stats count by action", "activity | where who != \"x\" | limit all | stats count, max(time) by type"] {
            let (stream, all) = try Self.streamed(query, Self.items)
            #expect(stream.rows.count == 0, "\(query): rows kept")
            let finished = stream.finish()
            #expect(finished.columns == all.columns && finished.rows == all.rows, "\(query)")
        }
    }

    @Test func streamedRowsEqualTheStagesOverEveryItem() throws {
        for query in ["activity | limit all", "activity | select who, action | limit 7", "activity | where action == \"seen\" | count by who",
                      "activity | flatten episodes | select sxe | distinct sxe", "activity | limit all | sort time | limit 3",
                      "activity | stats count by who | sort count desc"] {
            let (stream, all) = try Self.streamed(query, Self.items)
            let finished = stream.finish()
            #expect(finished.columns == all.columns && finished.rows == all.rows, "\(query)")
        }
    }

    /// One remote call streams: `stats` over it gives the groups `count by` (which keeps the
    /// rows) gives over the same items.
    @Test func aRemoteCallsStatsEqualsItsCount() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        try await engine.set("max_pages", to: "1000")
        let stats = try await engine.run("activity | limit all | stats count by action")
        let count = try await engine.run("activity | limit all | count by action")
        func groups(_ result: QueryResult) -> [String: Int64] {
            Dictionary(uniqueKeysWithValues: result.rows.map { ($0[0].stringValue ?? "", $0[1].intValue ?? -1) })
        }
        #expect(groups(stats).count > 3)
        #expect(groups(stats) == groups(count))
        #expect(stats.calls > 1 || stats.cachedCalls > 1)
    }

    /// `cache_ttl = 0` turns the cache off: nothing is stored (before, every page was kept up
    /// to the cache's 16 MiB, unread).
    @Test func aCacheTurnedOffStoresNothing() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        try await engine.set("cache_ttl", to: "0")
        _ = try await engine.run("activity | limit 300")
        #expect(await engine.cachedResponses() == 0)
        try await engine.set("cache_ttl", to: "5min")
        _ = try await engine.run("activity | limit 300")
        #expect(await engine.cachedResponses() > 0)
    }
}
