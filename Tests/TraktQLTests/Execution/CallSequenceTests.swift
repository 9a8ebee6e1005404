import Foundation
import Testing
@testable import TraktEmulator
import TraktEmulatorServer
@testable import TraktQL
import TraktQLCurl

/// A fan-out under a `stats` is read call after call (issue 24, the last memory target): the
/// stats' rows are the merged ones, byte for byte, while a few pages are held instead of one
/// of every running call; stages that see the items' order still merge.
@Suite struct CallSequenceTests {
    static let context = StreamingReaderTests.context

    static func plan(_ query: String) throws -> Plan {
        try QueryCompiler.plan(query, context: context, backend: LocalBackend(path: "fixture", convention: context.convention))
    }

    /// The plan decides: a `stats` after row-by-row stages takes its rows in any order, unless
    /// it sums fractions; every other stage that sees items sees their order.
    @Test func onlyAStatsAfterRowByRowStagesTakesCallsInAnyOrder() throws {
        for query in ["activity | stats count by who", "activity | limit all | stats count by title",
                      "activity | where action == \"seen\" | flatten episodes | select sxe, who | stats count by sxe, who | sort count desc | limit 3",
                      "activity | stats count, distinct(title), min(time), max(time), first(title), last(title) by type",
                      "activity | stats sum(runtime), avg(runtime), hours(runtime) by who"] {
            #expect(try Self.plan(query).takesCallsInAnyOrder, "\(query)")
        }
        for query in ["activity | limit all", "activity | count by who", "activity | limit 10 | stats count by who",
                      "activity | sort time | stats count by who", "activity | distinct who | stats count",
                      "activity | stats sum(ago) by who", "activity | stats count, avg(ago) by title"] {
            #expect(try !Self.plan(query).takesCallsInAnyOrder, "\(query)")
        }
    }

    /// 400 items, their times rounded to 6 hours (so that many tie), dealt to five calls the
    /// way a fan-out's are: each call's items newest first. The merged order is
    /// ``CallMerge``'s: newest first, ties by call, then by place in the call.
    static let calls: [[Value]] = {
        var calls = [[Value]](repeating: [], count: 5)
        for (n, var item) in StreamingStagesTests.items.enumerated() {
            _ = ItemNormalizer.normalize(&item)
            if case .object(var members) = item, let i = members.firstIndex(where: { $0.key == "timestamp" }), let ts = members[i].value.intValue {
                members[i].value = .int(ts / 21_600 * 21_600)
                item = .object(members)
            }
            calls[(n * 7 + n / 3) % 5].append(item)
        }
        return calls
    }()

    static func positioned() -> [(item: Value, position: MergePosition)] {
        let schema = V1ItemSchema(convention: .pacific)
        return calls.enumerated().flatMap { call, items in
            items.enumerated().map { ($1, MergePosition(order: schema.order(of: $1), call: call, index: $0)) }
        }
    }

    static func stages(_ plan: Plan) -> StreamingStages {
        StreamingStages(stages: plan.stages, runner: StageRunner(fields: FieldEvaluator(schema: V1ItemSchema(convention: .pacific), now: ActivityFixture.now),
                                                                 stages: plan.stages, episodeFilters: plan.episodeFilters))
    }

    /// The same stats over the items in merged order, and over the calls read one after
    /// another (forwards, backwards, interleaved) with their positions: the same rows.
    @Test func statsOverCallsInAnyOrderAreTheMergedRows() throws {
        let all = Self.positioned()
        #expect(all.count == 400)
        let merged = all.sorted { $0.position < $1.position }
        // The test is one: calls read in order are not in merged order, and times tie.
        #expect(merged.map(\.position) != all.map(\.position))
        #expect(Set(all.compactMap(\.position.order)).count < 200)
        let orders: [String: [(item: Value, position: MergePosition)]] = [
            "call by call": all, "last call first": all.reversed(),
            "interleaved": all.enumerated().sorted { ($0.offset % 3, $0.offset) < ($1.offset % 3, $1.offset) }.map(\.element),
        ]
        for query in ["activity | stats count by who", "activity | limit all | stats count by title",
                      "activity | stats count, distinct(title), min(time), max(time), first(title), last(title), first(who), last(who) by type",
                      "activity | where action != \"shout\" | flatten episodes | stats count, first(sxe), last(sxe) by title",
                      "activity | select who, title, action | stats count by who, action | sort count desc",
                      "activity | stats count, min(rating), max(rating), min(who), max(who), sum(runtime), hours(runtime), avg(rating_advanced) by action"] {
            let plan = try Self.plan(query)
            #expect(plan.takesCallsInAnyOrder, "\(query)")
            var expected = Self.stages(plan)
            for entry in merged where expected.accept(entry.item) {}
            let want = expected.finish()
            #expect(want.rows.count > 1, "\(query)")
            for (name, order) in orders {
                var stages = Self.stages(plan)
                for entry in order where stages.accept(entry.item, at: entry.position) {}
                let got = stages.finish()
                #expect(got.columns == want.columns, "\(query), \(name)")
                #expect(got.rows == want.rows, "\(query), \(name)")
            }
        }
    }

    /// A `min`/`max` tie between two ways of writing one value goes to the first row in merged
    /// order, and so does a group's key: `8` and `8.0` are one group.
    @Test func tiesAndKeysGoToTheFirstRowInMergedOrder() throws {
        let plan = try Self.plan("activity | select who, rating_advanced | stats count, min(rating_advanced), max(rating_advanced) by who")
        let spec = try #require(plan.stages.compactMap { stage -> StatsSpecification? in
            if case .stats(let spec) = stage { return spec }
            return nil
        }.first)
        let fields = FieldEvaluator(schema: V1ItemSchema(convention: .pacific), now: ActivityFixture.now)
        // The rows a `select` makes, with a key and values written two ways.
        func row(_ key: Value, _ value: Value) -> Row { .columns(names: ["who", "rating_advanced"], values: [key, value]) }
        // Merged order: (8.0, 3), then (8, 3.0).
        let rows = [(row(.int(8), .double(3)), MergePosition(order: 10, call: 1, index: 0)),
                    (row(.double(8), .int(3)), MergePosition(order: 20, call: 0, index: 0))]
        var inOrder = Stats.Aggregator(spec, fields: fields)
        for (row, _) in rows.reversed() { inOrder.add(row) }
        var outOfOrder = Stats.Aggregator(spec, fields: fields)
        for (row, position) in rows { outOfOrder.add(row, at: position) }
        // `Value`'s `==` takes 8 for 8.0: compare how each value is written.
        func written(_ rows: [Row]) -> [String] {
            rows.flatMap { row -> [String] in
                guard case .columns(_, let values) = row else { return ["not columns"] }
                return values.map { value in
                    switch value {
                    case .int(let i): return "int \(i)"
                    case .double(let d): return "double \(d)"
                    default: return "\(value)"
                    }
                }
            }
        }
        let want = written(inOrder.rows())
        #expect(want == ["double 8.0", "int 2", "int 3", "int 3"])
        #expect(spec.columns == ["who", "count", "min_rating_advanced", "max_rating_advanced"])
        #expect(written(outOfOrder.rows()) == want)
    }

    /// A fan-out read call by call holds the page being read, the next one on its way and what
    /// the calls after it may fetch ahead (`itemsAhead`, overshot by at most a page), whatever
    /// the number of calls; the merge holds a page of every call still running. Eight users'
    /// whole activity through `limit all | stats`.
    @Test func callByCallHoldsAFewPagesWhereTheMergeHoldsOnePerCall() async throws {
        let server = try await V2TestServer.unlimited.value
        let users = V2TestServer.busyUsers(server, count: 8)
        let fanOut = try V1FanOutFixture("activity user:\(users.joined(separator: ",")) | limit all | stats count by title", server: server)
        #expect(fanOut.plan.takesCallsInAnyOrder)
        #expect(fanOut.callCount == 8)
        let ahead = 100, bound = ahead + 3 * V1CallPager.pageSize
        var sequenced = fanOut.sink()
        var handed = 0
        let sequence = try await CallSequence.run(fanOut.pages(), callsAtOnce: 4, itemsAhead: ahead, redact: { $0 }) { kept, position in
            // A slow consumer: the calls must wait for it, not pile their pages up.
            usleep(100)
            handed += 1
            return sequenced.accept(kept.item, at: position)
        }
        #expect(sequence.tallies.reduce(0) { $0 + $1.calls } > 8 * 2, "\(sequence.tallies.map(\.calls)) calls")
        #expect(handed > 8 * V1CallPager.pageSize, "\(handed) items")
        #expect(sequence.peakHeld <= bound, "held \(sequence.peakHeld) of \(handed)")
        var merged = fanOut.sink()
        let merge = try await CallMerge.run(fanOut.pages(), redact: { $0 }) { kept in
            usleep(100)
            return merged.accept(kept.item)
        }
        #expect(merge.peakHeld > bound, "the merge held \(merge.peakHeld)")
        // Users do not share items: the same rows without de-duplication.
        #expect(sequenced.finish(warnings: [], conversionFailures: []) == merged.finish(warnings: [], conversionFailures: []))
    }

    /// Through the engine, over v1 (one call per user) and v2 (one per user and action group):
    /// a stats over a fan-out (read call by call) gives the rows the same stats gives after a
    /// `sort time desc` (which sees the items' order, so the calls are merged, and keeps the
    /// merged order), and `stats count by` gives `count by`'s rows, in `count by`'s order.
    @Test func aFanOutsStatsAreTheMergedRowsThroughTheEngine() async throws {
        let server = try await V2TestServer.unlimited.value
        let users = V2TestServer.busyUsers(server, count: 3).joined(separator: ",")
        for api in [APIVersion.v1, .v2] {
            let engine = V2TestServer.engine(server, api: api)
            for spec in ["count by title", "count, max(time), first(action), last(action), distinct(action) by title",
                         "count, min(time), first(title), last(title) by action, type", "count"] {
                let read = try await engine.run("activity user:\(users) | limit all | stats \(spec)")
                let merged = try await engine.run("activity user:\(users) | limit all | sort time desc | stats \(spec)")
                #expect(read.rows.count > (spec == "count" ? 0 : 3), "\(api) \(spec)")
                #expect(read.rows == merged.rows, "\(api) \(spec)")
                #expect(read.columns == merged.columns, "\(api) \(spec)")
            }
            let stats = try await engine.run("activity user:\(users) | limit all | stats count by title")
            let count = try await engine.run("activity user:\(users) | limit all | count by title")
            #expect(stats.rows == count.rows, "\(api)")
        }
    }
}
