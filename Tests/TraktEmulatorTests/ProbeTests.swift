import Foundation
import Testing
import TraktProtocol
@testable import TraktEmulator

@Suite struct ProbeTests {
    @Test func probe() {
        let t0 = Date()
        let ds = Dataset.generate(seed: 1, now: pinnedNow)
        print("PROBE gen default ms", Date().timeIntervalSince(t0) * 1000)
        let now = ds.nowUnix
        var byYear = [Int](repeating: 0, count: 5)
        for a in ds.activities { let y = Int((now - a.time) / (365 * 86_400)); if y < 5 { byYear[y] += 1 } }
        print("PROBE byYear newest first", byYear, "oldest age days", (now - ds.activities.last!.time) / 86400)
        let twd = ds.showBySlug["the-walking-dead"]!
        let show = ds.activities.filter { $0.time >= now - 7 * 86_400 && $0.kind.type == .episode && Int($0.subject) == twd && ($0.kind.action == .seen || $0.kind.action == .rating) && [1, 2].contains(Int(ds.episodes[Int($0.item)].season)) }
        print("PROBE showcase", show.count, "last7", ds.activities.filter { $0.time >= now - 7 * 86_400 }.count, "users", Set(show.map(\.user)).count)
        let facts = ViewingFacts(ds)
        print("PROBE busiest30", facts.busiestWindow(days: 30), "busiest365", facts.busiestWindow(days: 365), "maxEp", facts.mostPlaysOfOneEpisode())
        var perUser = [Int](repeating: 0, count: ds.userCount)
        for a in ds.activities { perUser[Int(a.user)] += 1 }
        print("PROBE justin", perUser[0], "top", perUser.sorted(by: >).prefix(8))
        let y = facts.plays.filter { $0.user == 0 && $0.time >= now - 365 * 86_400 }
        let yshows = Dictionary(grouping: y.filter { $0.episode >= 0 }, by: \.show).mapValues { $0.reduce(0.0) { $0 + Double($1.minutes) / 60 } }.sorted { $0.value > $1.value }.prefix(8).map { "\(ds.shows[$0.key].seed.title):\(Int($0.value))" }
        print("PROBE justin shows", Set(y.map(\.show)).count, yshows, "movies", y.filter { $0.movie >= 0 }.count)
        print("PROBE justin year hours", y.reduce(0.0) { $0 + Double($1.minutes) / 60 }, "plays", y.count)
        var kinds = [Int](repeating: 0, count: 24)
        for a in ds.activities { kinds[Int(a.kind.raw)] += 1 }
        print("PROBE kinds", Kind.table.enumerated().map { "\($0.element.0)/\($0.element.1):\(kinds[$0.offset])" }.joined(separator: " "))
        for (seed, when) in [(42, "2024-11-24T12:00:00Z"), (7, "2025-06-01T12:00:00Z"), (1, "2026-12-07T06:00:00Z"), (3, "2025-06-01T12:00:00Z")] {
            let d = Dataset.generate(seed: UInt64(seed), now: ISO8601DateFormatter().date(from: when)!)
            let n = d.nowUnix
            let t = d.showBySlug["the-walking-dead"]!
            let c = d.activities.filter { $0.time >= n - 7 * 86_400 && $0.kind.type == .episode && Int($0.subject) == t && ($0.kind.action == .seen || $0.kind.action == .rating) && [1, 2].contains(Int(d.episodes[Int($0.item)].season)) }.count
            print("PROBE showcase seed", seed, when, c)
        }
        for (seed, n) in [(7, 5000), (7, 6000)] {
            let s = Dataset.generate(seed: UInt64(seed), size: DatasetSize(activities: n), now: ISO8601DateFormatter().date(from: "2024-11-24T12:00:00Z")!)
            let c = s.activities.filter { $0.time >= s.nowUnix - 3 * 86_400 && !s.users[Int($0.user)].isProtected }.count
            var k = [Int](repeating: 0, count: 24)
            for a in s.activities where !s.users[Int(a.user)].isProtected { k[Int(a.kind.raw)] += 1 }
            print("PROBE small kinds min", k.min()!, Kind.table.enumerated().filter { k[$0.offset] < 10 }.map { "\($0.element.0)/\($0.element.1):\(k[$0.offset])" })
            print("PROBE small", n, "since3d", c, "oldest days", (s.nowUnix - s.activities.last!.time) / 86400)
        }
    }
}
