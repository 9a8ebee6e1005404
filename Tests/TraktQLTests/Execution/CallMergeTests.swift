import Foundation
import Testing
@testable import TraktEmulator
import TraktEmulatorServer
@testable import TraktQL
import TraktQLCurl

/// One execution pipeline that streams fan-out too (issue 24.6): several calls are merged
/// newest first as their pages arrive, in the order a stable sort of all their items by time
/// gives, holding about two pages per call instead of every item.
@Suite struct CallMergeTests {
    /// The items' identities, in order, of a result with whole items.
    static func identities(_ result: QueryResult, schema: any ItemSchema) throws -> [ItemKey] {
        try #require(result.items).map { schema.identity(of: $0) }
    }

    /// v1, one call per user: the fan-out's items are each user's items (one call each, as the
    /// server sends them) merged by a stable sort on time and de-duplicated.
    @Test func aFanOutIsTheStableSortOfItsCallsItems() async throws {
        let server = try await V2TestServer.unlimited.value
        let engine = V2TestServer.engine(server, api: .v1)
        let users = V2TestServer.busyUsers(server, count: 3)
        #expect(users.count == 3)
        let schema = V1ItemSchema(convention: .pacific)
        for tail in ["| limit all", "| limit 150", "| where action != \"seen\" | limit all"] {
            var all: [(order: Int, time: Int64, item: Value)] = []
            for user in users {
                for item in try #require(try await engine.run("activity user:\(user) \(tail)").items) {
                    all.append((all.count, schema.order(of: item) ?? .min, item))
                }
            }
            all.sort { $0.time != $1.time ? $0.time > $1.time : $0.order < $1.order }
            var seen: Set<ItemKey> = []
            var expected = all.map(\.item).filter { seen.insert(schema.identity(of: $0)).inserted }
            #expect(expected.count > 300, "\(tail): \(expected.count) items")
            if tail == "| limit 150" { expected = Array(expected.prefix(150)) }
            let merged = try await engine.run("activity user:\(users.joined(separator: ",")) \(tail)")
            #expect(merged.items?.count == expected.count, "\(tail)")
            #expect(try Self.identities(merged, schema: schema) == expected.map { schema.identity(of: $0) }, "\(tail)")
        }
    }

    /// v2, one call per action group (history and ratings come newest first, lists do not and
    /// are read whole): the merged items are newest first, and `stats` over them streams to
    /// the same groups as `count by`.
    @Test func aV2FanOutComesNewestFirstAndItsStatsEqualItsCount() async throws {
        let server = try await V2TestServer.unlimited.value
        let engine = V2TestServer.engine(server, api: .v2)
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let schema = V2ItemSchema()
        let merged = try await engine.run("activity user:\(user) | limit all")
        let items = try #require(merged.items)
        let actions = Set(items.compactMap { schema.action(of: $0) })
        #expect(actions.count >= 3, "\(actions)")
        let times = items.map { schema.order(of: $0) ?? .min }
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 >= $1 })
        let stats = try await engine.run("activity user:\(user) | limit all | stats count by action")
        let count = try await engine.run("activity user:\(user) | limit all | count by action")
        #expect(stats.rows.sorted { $0[0].stringValue ?? "" < $1[0].stringValue ?? "" }
                == count.rows.sorted { $0[0].stringValue ?? "" < $1[0].stringValue ?? "" })
        #expect(stats.rows.reduce(0) { $0 + ($1[1].intValue ?? 0) } == Int64(items.count))
    }

    /// The merge holds at most three pages per call (one taken from, one waiting, one arriving),
    /// not the calls' items, even when it takes items more slowly than they arrive: four users'
    /// whole activity through `limit all | stats`.
    @Test func aFanOutHoldsAFewPagesPerCallNotItsItems() async throws {
        let server = try await V2TestServer.unlimited.value
        let users = V2TestServer.busyUsers(server, count: 4)
        let fanOut = try V1FanOutFixture("activity user:\(users.joined(separator: ",")) | limit all | stats count by title", server: server)
        #expect(fanOut.callCount == 4)
        var sink = fanOut.sink()
        var handed = 0
        let outcome = try await CallMerge.run(fanOut.pages(), redact: { $0 }) { kept in
            // A slow consumer: the calls must wait for it, not pile their pages up.
            usleep(300)
            handed += 1
            return sink.accept(kept.item)
        }
        #expect(outcome.tallies.reduce(0) { $0 + $1.calls } > 4 * 3, "\(outcome.tallies.map(\.calls)) calls")
        #expect(handed > 4 * 3 * V1CallPager.pageSize, "\(handed) items")
        #expect(outcome.peakHeld <= 4 * 3 * V1CallPager.pageSize, "held \(outcome.peakHeld) of \(handed)")
        #expect(sink.stages.rows.isEmpty)
    }
}
