import Foundation
import Testing
@testable import TraktProtocol

@Suite struct TimestampConventionTests {
    /// Unix time of a UTC wall-clock reading.
    private func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int = 0) -> Int64 {
        var c = DateComponents(); c.year = y; c.month = mo; c.day = d; c.hour = h; c.minute = mi; c.second = s
        var cal = Calendar(identifier: .gregorian); cal.timeZone = TimeZone(identifier: "UTC")!
        return Int64(cal.date(from: c)!.timeIntervalSince1970)
    }

    @Test func utcIsPlainUnixTime() {
        let instant = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(TimestampConvention.utc.apiTimestamp(for: instant) == 1_700_000_000)
        #expect(TimestampConvention.utc.instant(forAPITimestamp: 1_700_000_000) == instant)
    }

    @Test func pacificWinterIsMinusEightHours() {
        // 2024-01-15 20:00 UTC is 12:00 PST; the API writes 12:00 as if UTC.
        let instant = Date(timeIntervalSince1970: TimeInterval(utc(2024, 1, 15, 20, 0)))
        #expect(TimestampConvention.pacific.apiTimestamp(for: instant) == utc(2024, 1, 15, 12, 0))
    }

    @Test func pacificSummerIsMinusSevenHours() {
        let instant = Date(timeIntervalSince1970: TimeInterval(utc(2024, 7, 4, 19, 0)))
        #expect(TimestampConvention.pacific.apiTimestamp(for: instant) == utc(2024, 7, 4, 12, 0))
    }

    @Test func springForwardTransition() {
        // 2024-03-10 at 02:00 PST clocks jump to 03:00 PDT (10:00 UTC).
        let before = Date(timeIntervalSince1970: TimeInterval(utc(2024, 3, 10, 9, 59, 59)))  // 01:59:59 PST
        let after = Date(timeIntervalSince1970: TimeInterval(utc(2024, 3, 10, 10, 0)))  // 03:00:00 PDT
        #expect(TimestampConvention.pacific.apiTimestamp(for: before) == utc(2024, 3, 10, 1, 59, 59))
        #expect(TimestampConvention.pacific.apiTimestamp(for: after) == utc(2024, 3, 10, 3, 0))
        // Both round-trip.
        #expect(TimestampConvention.pacific.instant(forAPITimestamp: utc(2024, 3, 10, 1, 59, 59)) == before)
        #expect(TimestampConvention.pacific.instant(forAPITimestamp: utc(2024, 3, 10, 3, 0)) == after)
        // The skipped hour (02:30 wall clock) reads with the offset before the gap: 10:30 UTC = 03:30 PDT.
        #expect(TimestampConvention.pacific.instant(forAPITimestamp: utc(2024, 3, 10, 2, 30))
                == Date(timeIntervalSince1970: TimeInterval(utc(2024, 3, 10, 10, 30))))
    }

    @Test func fallBackTransition() {
        // 2024-11-03 at 02:00 PDT clocks fall back to 01:00 PST: 01:00–01:59 happens twice.
        let firstOneThirty = Date(timeIntervalSince1970: TimeInterval(utc(2024, 11, 3, 8, 30)))  // 01:30 PDT
        let secondOneThirty = Date(timeIntervalSince1970: TimeInterval(utc(2024, 11, 3, 9, 30)))  // 01:30 PST
        let wall = utc(2024, 11, 3, 1, 30)
        #expect(TimestampConvention.pacific.apiTimestamp(for: firstOneThirty) == wall)
        #expect(TimestampConvention.pacific.apiTimestamp(for: secondOneThirty) == wall)
        // Read back, the earlier instant wins.
        #expect(TimestampConvention.pacific.instant(forAPITimestamp: wall) == firstOneThirty)
        // Outside the repeated hour, both sides round-trip.
        let twoAM = Date(timeIntervalSince1970: TimeInterval(utc(2024, 11, 3, 10, 0)))  // 02:00 PST
        #expect(TimestampConvention.pacific.instant(forAPITimestamp: TimestampConvention.pacific.apiTimestamp(for: twoAM)) == twoAM)
    }

    /// Every second of 2024, both conventions: instant → API timestamp → instant is the identity,
    /// except the second pass through the repeated hour, which reads back as the first (documented).
    /// By default every second of the two transition days and every 61st second elsewhere (a debug
    /// build takes a minute for the whole year); `TRAKTQL_EXHAUSTIVE=1` checks all 31,622,400.
    @Test func roundTripsEverySecondOf2024ExceptTheRepeatedHour() {
        let start = utc(2024, 1, 1, 0, 0), end = utc(2025, 1, 1, 0, 0)
        let secondPass = utc(2024, 11, 3, 9, 0)..<utc(2024, 11, 3, 10, 0)
        let transitionDays = [utc(2024, 3, 10, 0, 0)..<utc(2024, 3, 11, 12, 0), utc(2024, 11, 3, 0, 0)..<utc(2024, 11, 4, 12, 0)]
        let exhaustive = ProcessInfo.processInfo.environment["TRAKTQL_EXHAUSTIVE"] == "1"
        var failures = 0
        var checked = 0
        var unix = start
        while unix < end {
            for convention in TimestampConvention.allCases {
                let back = convention.unixTime(forAPITimestamp: convention.apiTimestamp(forUnixTime: unix))
                checked += 1
                if back != unix && !(convention == .pacific && secondPass.contains(unix)) { failures += 1 }
            }
            unix += exhaustive || transitionDays.contains { $0.contains(unix) } ? 1 : 61
        }
        #expect(checked >= (exhaustive ? 2 * 366 * 86_400 : 2 * 2 * 129_600))
        #expect(failures == 0)
    }

    /// The fast table agrees with `TimeZone` itself around every transition of 2020–2030.
    @Test func pacificAgreesWithTheZoneInsideAndOutsideItsTable() {
        // The table covers 1970–2040; before and after, each offset is asked of the zone.
        let zone = TimestampConvention.pacificZone
        var checked = 0
        for unix in stride(from: utc(1900, 1, 1, 0, 0), to: utc(2100, 1, 1, 0, 0), by: 3_196_811) {
            let expected = unix + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(unix))))
            #expect(TimestampConvention.pacific.apiTimestamp(forUnixTime: unix) == expected, "\(unix)")
            checked += 1
        }
        for edge in [utc(1969, 12, 31, 23, 59), utc(1970, 1, 1, 0, 0), utc(2039, 12, 31, 23, 59), utc(2040, 1, 1, 0, 0), utc(2040, 7, 1, 0, 0)] {
            let expected = edge + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(edge))))
            #expect(TimestampConvention.pacific.apiTimestamp(forUnixTime: edge) == expected, "\(edge)")
            #expect(TimestampConvention.pacific.unixTime(forAPITimestamp: expected) == edge, "\(edge)")
        }
        #expect(checked > 1_900)
    }

    @Test func offsetTableAgreesWithTimeZone() {
        let zone = TimestampConvention.pacificZone
        var cursor = Date(timeIntervalSince1970: TimeInterval(utc(2020, 1, 1, 0, 0)))
        let table = OffsetTable(zone: zone, from: utc(2019, 1, 1, 0, 0), to: utc(2031, 1, 1, 0, 0))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < Date(timeIntervalSince1970: TimeInterval(utc(2030, 12, 31, 0, 0))) {
            let t = Int64(next.timeIntervalSince1970)
            for probe in stride(from: t - 7200, through: t + 7200, by: 1) {
                #expect(table.offset(at: probe) == Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(probe)))))
            }
            cursor = next.addingTimeInterval(1)
        }
    }
}
