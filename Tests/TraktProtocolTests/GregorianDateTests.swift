import Foundation
import Testing
import TraktProtocol

@Suite struct GregorianDateTests {
    @Test func theEpochIsDayZero() {
        #expect(GregorianDate(year: 1970, month: 1, day: 1).daysSinceEpoch == 0)
        #expect(GregorianDate(daysSinceEpoch: 0) == GregorianDate(year: 1970, month: 1, day: 1))
        #expect(GregorianDate(daysSinceEpoch: -1) == GregorianDate(year: 1969, month: 12, day: 31))
        #expect(GregorianDate(year: 1969, month: 12, day: 31).daysSinceEpoch == -1)
    }

    @Test func knownDaysBeforeAndAfter1970() {
        let known: [(Int, Int, Int, Int)] = [
            (2000, 3, 1, 11_017), (2024, 2, 29, 19_782), (2038, 1, 19, 24_855),
            (1960, 1, 1, -3_653), (1900, 1, 1, -25_567), (1601, 1, 1, -134_774),
            (1, 1, 1, -719_162), (0, 3, 1, -719_468), (0, 1, 1, -719_528), (-1, 12, 31, -719_529),
            (9999, 12, 31, 2_932_896),
        ]
        for (y, m, d, days) in known {
            #expect(GregorianDate(year: y, month: m, day: d).daysSinceEpoch == days, "\(y)-\(m)-\(d)")
            #expect(GregorianDate(daysSinceEpoch: days) == GregorianDate(year: y, month: m, day: d), "\(days)")
        }
    }

    /// February 29th exists in years divisible by 4, except centuries not divisible by 400.
    @Test func leapYears() {
        for year in [1600, 1896, 1904, 1968, 1972, 2000, 2024, 2400, 0, -4, -400] {
            let leapDay = GregorianDate(year: year, month: 2, day: 29)
            #expect(GregorianDate(daysSinceEpoch: leapDay.daysSinceEpoch) == leapDay, "\(year)")
            #expect(GregorianDate(year: year, month: 3, day: 1).daysSinceEpoch - leapDay.daysSinceEpoch == 1)
        }
        for year in [1700, 1800, 1900, 1969, 1970, 2023, 2100, -100] {
            let march1 = GregorianDate(year: year, month: 3, day: 1).daysSinceEpoch
            #expect(GregorianDate(daysSinceEpoch: march1 - 1) == GregorianDate(year: year, month: 2, day: 28), "\(year)")
        }
    }

    /// Every day from 1600 to 2500 against Foundation's Gregorian calendar (which is proleptic
    /// only after 1582, hence the start) and back.
    @Test func agreesWithFoundationDayByDay() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let first = GregorianDate(year: 1600, month: 1, day: 1).daysSinceEpoch
        let last = GregorianDate(year: 2500, month: 12, day: 31).daysSinceEpoch
        var mismatches = 0
        for days in first...last {
            let date = GregorianDate(daysSinceEpoch: days)
            let components = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            if components.year != date.year || components.month != date.month || components.day != date.day
                || date.daysSinceEpoch != days
            {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
        #expect(last - first > 300_000)
    }
}
