import Foundation

extension BucketSpecification {
    /// The bucket of an instant in the zone: `2026`, `"2026-03"`, `"2026-W11"`, `"2026-03-14"`,
    /// `"Mon"`, `20`. Anything but an instant is null.
    func apply(to value: Value) -> Value {
        // Beyond ±3 million years an instant has no calendar here (and would overflow Int).
        guard case .instant(let date) = value, abs(date.timeIntervalSince1970) < 1e14 else { return .null }
        return bucket.value(of: date, in: timeZone)
    }
}

extension TimeBucket {
    static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// The weekday index (Monday 0) of a weekday name.
    static func weekdayIndex(_ name: String) -> Int? {
        guard name.utf8.count == 3 else { return nil }
        return weekdayNames.firstIndex(of: name)
    }

    /// Weekday names compare in week order, Monday first (nil unless both are weekday names).
    static func weekdayOrder(_ a: String, _ b: String) -> ComparisonResult? {
        guard a.utf8.count == 3, b.utf8.count == 3, let x = weekdayIndex(a), let y = weekdayIndex(b) else { return nil }
        return x == y ? .orderedSame : (x < y ? .orderedAscending : .orderedDescending)
    }

    /// The local civil time of an instant in a zone, by arithmetic (the zone supplies only the
    /// offset at that instant, DST included).
    struct Civil: Equatable {
        var year: Int
        var month: Int
        var day: Int
        var hour: Int
        /// Days since 1970-01-01 (local).
        var dayNumber: Int
        /// Monday 0 … Sunday 6.
        var weekday: Int
    }

    static func civil(_ date: Date, in zone: TimeZone) -> Civil {
        let seconds = Int(floor(date.timeIntervalSince1970)) + zone.secondsFromGMT(for: date)
        let days = Int(floor(Double(seconds) / 86_400))
        let secondOfDay = seconds - days * 86_400
        let date = GregorianDate(daysSinceEpoch: days)
        // 1970-01-01 was a Thursday (index 3).
        let weekday = ((days % 7) + 7 + 3) % 7
        return Civil(year: date.year, month: date.month, day: date.day, hour: secondOfDay / 3600, dayNumber: days, weekday: weekday)
    }

    /// ISO 8601 week-numbering year and week of a local day.
    static func isoWeek(dayNumber: Int, weekday: Int) -> (year: Int, week: Int) {
        let thursday = dayNumber - weekday + 3
        let year = GregorianDate(daysSinceEpoch: thursday).year
        let ordinal = thursday - GregorianDate(year: year, month: 1, day: 1).daysSinceEpoch
        return (year, ordinal / 7 + 1)
    }

    func value(of date: Date, in zone: TimeZone) -> Value {
        let c = Self.civil(date, in: zone)
        switch self {
        case .year: return .int(Int64(c.year))
        case .month: return .string(Self.pad4(c.year) + "-" + Self.pad2(c.month))
        case .week:
            let w = Self.isoWeek(dayNumber: c.dayNumber, weekday: c.weekday)
            return .string(Self.pad4(w.year) + "-W" + Self.pad2(w.week))
        case .date: return .string(Self.pad4(c.year) + "-" + Self.pad2(c.month) + "-" + Self.pad2(c.day))
        case .weekday: return .string(Self.weekdayNames[c.weekday])
        case .hour: return .int(Int64(c.hour))
        }
    }

    static func pad2(_ n: Int) -> String { n < 10 && n >= 0 ? "0" + String(n) : String(n) }
    static func pad4(_ n: Int) -> String {
        let s = String(n)
        return n >= 0 && s.count < 4 ? String(repeating: "0", count: 4 - s.count) + s : s
    }

    /// Every bucket label from `first` to `last` inclusive (for filling a chart's gaps), or nil
    /// when the labels are not this bucket's or the span is unreasonably long.
    static func fill(_ bucket: TimeBucket, from first: Value, to last: Value, limit: Int = 2000) -> [Value]? {
        switch bucket {
        case .hour, .year:
            guard let a = first.intValue, let b = last.intValue, a <= b, b - a < Int64(limit) else { return nil }
            return (a...b).map { .int($0) }
        case .weekday:
            return weekdayNames.map { .string($0) }
        case .date:
            guard let a = parseDate(first), let b = parseDate(last), a <= b, b - a < limit else { return nil }
            return (a...b).map { day in
                let date = GregorianDate(daysSinceEpoch: day)
                return .string(pad4(date.year) + "-" + pad2(date.month) + "-" + pad2(date.day))
            }
        case .month:
            guard let a = parseMonth(first), let b = parseMonth(last), a <= b, b - a < limit else { return nil }
            return (a...b).map { index in .string(pad4(index / 12) + "-" + pad2(index % 12 + 1)) }
        case .week:
            guard let a = parseWeek(first), let b = parseWeek(last), a <= b, (b - a) / 7 < limit else { return nil }
            return stride(from: a, through: b, by: 7).map { monday in
                let w = isoWeek(dayNumber: monday, weekday: 0)
                return .string(pad4(w.year) + "-W" + pad2(w.week))
            }
        }
    }

    private static func numbers(_ value: Value, separator: Character) -> [Int]? {
        guard let text = value.stringValue else { return nil }
        let parts = text.split(separator: separator, omittingEmptySubsequences: false).map { Int($0) }
        guard parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.map { $0! }
    }

    /// "2026-03-14" → day number.
    static func parseDate(_ value: Value) -> Int? {
        guard let p = numbers(value, separator: "-"), p.count == 3, (1...12).contains(p[1]), (1...31).contains(p[2]) else { return nil }
        return GregorianDate(year: p[0], month: p[1], day: p[2]).daysSinceEpoch
    }

    /// "2026-03" → year × 12 + month − 1.
    static func parseMonth(_ value: Value) -> Int? {
        guard let p = numbers(value, separator: "-"), p.count == 2, (1...12).contains(p[1]) else { return nil }
        return p[0] * 12 + p[1] - 1
    }

    /// "2026-W11" → the day number of that week's Monday.
    static func parseWeek(_ value: Value) -> Int? {
        guard let text = value.stringValue, let dash = text.firstIndex(of: "-"),
              let year = Int(text[..<dash]), text[text.index(after: dash)...].hasPrefix("W"),
              let week = Int(text[text.index(dash, offsetBy: 2)...]), (1...53).contains(week) else { return nil }
        // The Monday of week 1 is the Monday of the week holding January 4th.
        let jan4 = GregorianDate(year: year, month: 1, day: 4).daysSinceEpoch
        let jan4Weekday = ((jan4 % 7) + 7 + 3) % 7
        return jan4 - jan4Weekday + (week - 1) * 7
    }
}

extension FieldEvaluator {
    /// The value of the reference's target before its bucket is applied.
    func unbucketed(_ reference: FieldReference, in row: Row) -> Value {
        var plain = reference
        plain.bucket = nil
        return value(of: plain, in: row)
    }
}
