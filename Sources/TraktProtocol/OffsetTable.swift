import Foundation

/// A zone's UTC offsets over a span of years as a sorted table of transitions, so converting a
/// timestamp is a binary search instead of a call into `TimeZone` (the emulator converts
/// hundreds per page; the engine every item's). Outside the span it asks `TimeZone`.
struct OffsetTable: Sendable {
    private let starts: [Int64]
    private let offsets: [Int64]
    private let zone: TimeZone
    private let lower: Int64
    private let upper: Int64

    init(zone: TimeZone, from lower: Int64, to upper: Int64) {
        self.zone = zone
        self.lower = lower
        self.upper = upper
        var starts: [Int64] = [lower]
        var offsets: [Int64] = [Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(lower))))]
        var cursor = Date(timeIntervalSince1970: TimeInterval(lower))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < TimeInterval(upper) {
            let t = Int64(next.timeIntervalSince1970.rounded(.down))
            let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))))
            if offset != offsets.last! {
                starts.append(t)
                offsets.append(offset)
            }
            cursor = next.addingTimeInterval(1)
        }
        self.starts = starts
        self.offsets = offsets
    }

    /// Seconds east of UTC at Unix time `unix`.
    @inline(__always)
    func offset(at unix: Int64) -> Int64 {
        guard unix >= lower && unix < upper else {
            return Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(unix))))
        }
        var lo = 0
        var hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) >> 1
            if starts[mid] <= unix { lo = mid } else { hi = mid - 1 }
        }
        return offsets[lo]
    }
}
