import Foundation
import TraktProtocol

/// The ISO 8601 times of Trakt API v2: `2026-03-14T20:15:00.000Z` in answers, and what
/// `start_at`/`end_at` send. Parsed by hand (no formatter per item: a history holds thousands).
public enum V2Time {
    /// Seconds since the epoch of `2026-03-14T20:15:00.000Z`, `…T20:15:00Z`, `…T20:15:00+01:00`
    /// or a date alone (`2026-03-14`, midnight UTC); nil for anything else.
    public static func seconds(_ text: String) -> Double? {
        // In place: a history's every item has its time read, often more than once.
        if let read = text.utf8.withContiguousStorageIfAvailable({ seconds(bytes: $0) }) { return read }
        return Array(text.utf8).withUnsafeBufferPointer { seconds(bytes: $0) }
    }

    private static func seconds(bytes b: UnsafeBufferPointer<UInt8>) -> Double? {
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var n = 0
            for i in from..<(from + count) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        guard b.count >= 10, let year = number(0, 4), b[4] == 45, let month = number(5, 2), b[7] == 45, let day = number(8, 2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        let days = Double(GregorianDate(year: year, month: month, day: day).daysSinceEpoch)
        if b.count == 10 { return days * 86_400 }
        guard b.count >= 16, b[10] == 84 || b[10] == 32, let hour = number(11, 2), b[13] == 58, let minute = number(14, 2),
              hour < 24, minute < 60 else { return nil }
        var i = 16
        var second = 0.0
        if i < b.count, b[i] == 58 {
            guard let s = number(17, 2), s < 61 else { return nil }
            second = Double(s)
            i = 19
            if i < b.count, b[i] == 46 {
                i += 1
                var scale = 0.1
                let start = i
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    if i - start < 9 { second += Double(b[i] - 48) * scale; scale /= 10 }
                    i += 1
                }
                guard i > start else { return nil }
            }
        }
        var offset = 0
        if i < b.count {
            if b[i] == 90, i + 1 == b.count {
                offset = 0
            } else if b[i] == 43 || b[i] == 45 {
                let sign = b[i] == 45 ? -1 : 1
                guard let h = number(i + 1, 2) else { return nil }
                var m = 0
                if i + 3 < b.count {
                    let mStart = b[i + 3] == 58 ? i + 4 : i + 3
                    guard let mm = number(mStart, 2), mStart + 2 == b.count else { return nil }
                    m = mm
                } else if i + 3 != b.count {
                    return nil
                }
                guard h < 24, m < 60 else { return nil }
                offset = sign * (h * 3600 + m * 60)
            } else {
                return nil
            }
        }
        return days * 86_400 + Double(hour * 3600 + minute * 60) + second - Double(offset)
    }

    static func date(_ text: String) -> Date? { seconds(text).map { Date(timeIntervalSince1970: $0) } }

    /// `2026-03-14T20:15:00.000Z`: what `start_at`/`end_at` send (UTC, milliseconds).
    /// The last millisecond before `date` (which is taken to the nearest millisecond), placed
    /// mid-millisecond so that ``string(_:)``'s rounding down cannot land one earlier.
    static func millisecondBefore(_ date: Date) -> Date {
        let millis = (date.timeIntervalSince1970 * 1000).rounded()
        return Date(timeIntervalSince1970: (millis - 0.5) / 1000)
    }

    public static func string(_ date: Date) -> String {
        // Clamped to what a Date can mean (±10,000 years), so an absurd value never traps.
        let total = (date.timeIntervalSince1970 * 1000).rounded(.down)
        return string(milliseconds: total.isFinite ? Int64(min(max(total, -3.2e14), 2.5e14)) : 0)
    }

    /// The same text for milliseconds since 1970 (the mirror's stored times), written byte by
    /// byte: it runs once per row of a mirror query.
    public static func string(milliseconds: Int64) -> String {
        var seconds = milliseconds / 1000
        var millis = Int(milliseconds % 1000)
        if millis < 0 { millis += 1000; seconds -= 1 }
        var days = Int(seconds / 86_400)
        var secondOfDay = Int(seconds % 86_400)
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let civil = GregorianDate(daysSinceEpoch: days)
        guard (0...9999).contains(civil.year) else {
            // Outside four-digit years: the plain (slower) form, with a sign where negative.
            func pad(_ n: Int, _ width: Int) -> String {
                let s = String(abs(n))
                return (n < 0 ? "-" : "") + (s.count >= width ? s : String(repeating: "0", count: width - s.count) + s)
            }
            return "\(pad(civil.year, 4))-\(pad(civil.month, 2))-\(pad(civil.day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
        }
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int, _ width: Int, at start: Int) {
                var value = value
                for index in stride(from: start + width - 1, through: start, by: -1) {
                    buffer[index] = UInt8(48 + value % 10)
                    value /= 10
                }
            }
            put(civil.year, 4, at: 0); buffer[4] = 45  // -
            put(civil.month, 2, at: 5); buffer[7] = 45
            put(civil.day, 2, at: 8); buffer[10] = 84  // T
            put(secondOfDay / 3600, 2, at: 11); buffer[13] = 58  // :
            put(secondOfDay / 60 % 60, 2, at: 14); buffer[16] = 58
            put(secondOfDay % 60, 2, at: 17); buffer[19] = 46  // .
            put(millis, 3, at: 20); buffer[23] = 90  // Z
            return 24
        }
    }
}
