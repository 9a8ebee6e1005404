import Foundation
import Testing

@testable import TraktEmulator

/// v1 pages backwards by whole seconds (`end_ts`), so a second holding more than a page (100)
/// of activities cannot be paged past (issue 11, item 6). The generator keeps every second's run
/// well under that; a test-only burst breaks the rule on purpose.
@Suite struct SameSecondTests {
    static func largestRun(_ activities: [Activity]) -> (count: Int, time: Int64) {
        var best = (count: 0, time: Int64(0))
        var current = (count: 0, time: Int64.min)
        for a in activities {
            current = a.time == current.time ? (current.count + 1, a.time) : (1, a.time)
            if current.count > best.count { best = current }
        }
        return best
    }

    /// Every stream (community, a show, a user, …) is a subset of all activities, so this
    /// bounds them all.
    @Test func noSecondHoldsMoreThanTheCapAtTheLargeScale() {
        let ds = Dataset.generate(seed: 1, size: DatasetScale.large.size, now: pinnedNow)
        #expect(ds.activityCount == DatasetScale.large.size.activities)
        let run = Self.largestRun(ds.activities)
        #expect(run.count <= Dataset.maximumPerSecond, "\(run.count) activities at \(run.time)")
        #expect(Dataset.maximumPerSecond <= 25)
        // Still newest first.
        #expect(zip(ds.activities, ds.activities.dropFirst()).allSatisfy { $0.time >= $1.time })
        // The community is busy up to the end.
        #expect(ds.nowUnix - ds.activities.first!.time < 600)
        #expect(ds.activities.filter { $0.time >= ds.nowUnix - 86_400 }.count > 1_000)
    }

    /// People rarely share a second, but a thousand activities in one second must still be
    /// spread backwards, a second at a time, keeping their order.
    @Test func theCapSpreadsADenseSecondBackwards() {
        var activities = (0..<1_000).map { i in
            Activity(time: 1_000_000, id: UInt32(i), user: 0, subject: 0, item: 0, extra: 0, kind: Kind(.movie, .seen)!)
        }
        activities.append(Activity(time: 999_990, id: 5_000, user: 0, subject: 0, item: 0, extra: 0, kind: Kind(.movie, .seen)!))
        Dataset.capSameSecondRuns(&activities)
        #expect(Self.largestRun(activities).count == Dataset.maximumPerSecond)
        #expect(activities.map(\.id) == (0..<1_000).map(UInt32.init) + [5_000])
        #expect(zip(activities, activities.dropFirst()).allSatisfy { $0.time >= $1.time })
        #expect(activities[999].time == 1_000_000 - Int64(999 / Dataset.maximumPerSecond))
    }

    @Test func theDefaultScaleKeepsItsSecondsUnderTheCap() {
        let ds = Dataset.generate(seed: 42, size: DatasetScale.default.size, now: pinnedNow)
        #expect(Self.largestRun(ds.activities).count <= Dataset.maximumPerSecond)
    }

    @Test func aBurstPutsMoreThanAPageIntoOneSecond() {
        let ds = Dataset.generate(seed: 3, size: DatasetSize(activities: 3_000, sameSecondBurst: 150), now: pinnedNow)
        #expect(ds.activityCount == 3_150)
        let run = Self.largestRun(ds.activities)
        #expect(run.count >= 150)
        #expect(run.time == ds.nowUnix - 3600)
        #expect(zip(ds.activities, ds.activities.dropFirst()).allSatisfy { $0.time >= $1.time })
        // Ids stay unique within a type.
        let movieIDs = ds.activities.filter { $0.kind.type == .movie }.map(\.id)
        #expect(Set(movieIDs).count == movieIDs.count)
    }
}
