import Foundation

/// A time as written in a query: a relative duration, a date, a date-time or a keyword.
///
/// Parsing is separate from resolving, so the same text can be resolved against any clock and
/// zone (tests pin both).
public enum TimeExpression: Sendable, Hashable {
    /// `7d`: that long before now.
    case ago(RelativeDuration)
    /// `2024-01-01`: a whole day in the session zone.
    case date(year: Int, month: Int, day: Int)
    /// `2024-01-01T20:00[:ss][Z|±hh:mm]`; `utcOffset` nil means the session zone.
    case dateTime(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, utcOffset: Int?)
    case now, today, yesterday
    /// `2026`: that calendar year in the session zone.
    case year(Int)
    /// `2026-03`: that month in the session zone.
    case month(year: Int, month: Int)
    /// `2026-W10`: that ISO 8601 week (Monday to Sunday; week 1 holds the year's first
    /// Thursday) in the session zone.
    case week(year: Int, week: Int)
    /// `this-year`, `last-month`, `this-week`…: the calendar period holding now, or the one before.
    case period(CalendarPeriod, previous: Bool)

    /// The calendar units a relative period counts in.
    public enum CalendarPeriod: String, Sendable, Hashable, CaseIterable {
        case year, month, week
    }

    /// The words for relative periods, as written.
    public static let periodWords: [String] = CalendarPeriod.allCases.flatMap { ["this-\($0.rawValue)", "last-\($0.rawValue)"] }

    /// A parse failure: the message and an optional hint.
    public struct ParseError: Error, Sendable, Hashable {
        public var message: String
        public var help: String?
    }

    /// Parses the text of a time value.
    public static func parse(_ text: String) -> Result<TimeExpression, ParseError> {
        let utf8 = text.utf8
        // Durations and dates start with a digit; the keywords do not.
        guard let first = utf8.first, first >= 48 && first <= 57 else {
            let word = ASCIICase.lowercased(text)
            switch word {
            case "now": return .success(.now)
            case "today": return .success(.today)
            case "yesterday": return .success(.yesterday)
            default: break
            }
            for unit in CalendarPeriod.allCases {
                if word == "this-" + unit.rawValue { return .success(.period(unit, previous: false)) }
                if word == "last-" + unit.rawValue { return .success(.period(unit, previous: true)) }
            }
            return .failure(ParseError(message: "'\(text)' is not a time",
                                       help: Suggestion.didYouMean(word, in: periodWords + ["now", "today", "yesterday"])
                                        ?? "write a duration (7d, 6h, 30min), a date (2024-01-01), a date-time (2024-01-01T20:00Z), a month (2024-03), "
                                        + "a year (2024), a week (2024-W10), or today, yesterday, now, this-week, last-month, this-year…"))
        }
        if utf8.count == 4, utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let year = Int(text) {
            return .success(.year(year))
        }
        if utf8.count >= 5 && utf8[utf8.index(utf8.startIndex, offsetBy: 4)] == UInt8(ascii: "-") {
            return parsePeriodOrDate(text)
        }
        return RelativeDuration.parse(text).map { .ago($0) }
    }

    /// `2026-03` (a month), `2026-W10` (an ISO week), or a date or date-time.
    private static func parsePeriodOrDate(_ text: String) -> Result<TimeExpression, ParseError> {
        let chars = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count, range.allSatisfy({ chars[$0] >= 48 && chars[$0] <= 57 }) else { return nil }
            return range.reduce(0) { $0 * 10 + Int(chars[$1] - 48) }
        }
        guard let year = digits(0..<4) else { return parseDate(text) }
        if chars.count == 7, let month = digits(5..<7) {
            guard (1...12).contains(month) else {
                return .failure(ParseError(message: "month \(month) does not exist in '\(text)'", help: "months are 01–12"))
            }
            return .success(.month(year: year, month: month))
        }
        if chars.count >= 7, chars[5] == UInt8(ascii: "W") || chars[5] == UInt8(ascii: "w") {
            guard chars.count == 8, let week = digits(6..<8) else {
                return .failure(ParseError(message: "'\(text)' is not a valid week", help: "write an ISO week as 2024-W01 … 2024-W52 (or W53)"))
            }
            let weeks = isoWeeks(in: year)
            guard (1...weeks).contains(week) else {
                return .failure(ParseError(message: "\(text) does not exist: \(year) has \(weeks) ISO weeks", help: "weeks run from \(year)-W01 to \(year)-W\(weeks)"))
            }
            return .success(.week(year: year, week: week))
        }
        return parseDate(text)
    }

    /// 52 or 53: a year has 53 ISO weeks when it starts on a Thursday, or is a leap year
    /// starting on a Wednesday.
    static func isoWeeks(in year: Int) -> Int {
        // Weekday of January 1st (0 = Monday), from days since 1970-01-01 (a Thursday).
        let days = GregorianDate(year: year, month: 1, day: 1).daysSinceEpoch
        let weekday = ((days % 7) + 7 + 3) % 7
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return weekday == 3 || (leap && weekday == 2) ? 53 : 52
    }

    private static func parseDate(_ text: String) -> Result<TimeExpression, ParseError> {
        let bad = ParseError(message: "'\(text)' is not a valid date or date-time", help: "write 2024-01-01, 2024-01-01T20:00, 2024-01-01T20:00:00-05:00 or 2024-01-01T20:00Z")
        let chars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count, range.allSatisfy({ chars[$0] >= 48 && chars[$0] <= 57 }) else { return nil }
            return range.reduce(0) { $0 * 10 + Int(chars[$1] - 48) }
        }
        guard chars.count >= 10, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10)
        else { return .failure(bad) }
        guard (1...12).contains(month) else {
            return .failure(ParseError(message: "month \(month) does not exist in '\(text)'", help: "months are 01–12"))
        }
        guard (1...daysIn(month: month, year: year)).contains(day) else {
            return .failure(ParseError(message: "\(text.prefix(10)) does not exist: \(monthName(month)) \(year) has \(daysIn(month: month, year: year)) days", help: nil))
        }
        if chars.count == 10 { return .success(.date(year: year, month: month, day: day)) }
        guard chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: "t"), let hour = number(11..<13),
              chars.count >= 16, chars[13] == UInt8(ascii: ":"), let minute = number(14..<16)
        else { return .failure(bad) }
        var i = 16
        var second = 0
        if i < chars.count, chars[i] == UInt8(ascii: ":") {
            guard let s = number((i + 1)..<(i + 3)) else { return .failure(bad) }
            second = s
            i += 3
        }
        guard hour < 24, minute < 60, second < 60 else {
            return .failure(ParseError(message: "\(text) is not a valid time of day", help: "hours 00–23, minutes and seconds 00–59"))
        }
        var offset: Int?
        if i < chars.count {
            switch chars[i] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                guard i + 1 == chars.count else { return .failure(bad) }
                offset = 0
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = chars[i] == UInt8(ascii: "-") ? -1 : 1
                guard let h = number((i + 1)..<(i + 3)) else { return .failure(bad) }
                var m = 0
                if i + 3 < chars.count {
                    let colon = chars[i + 3] == UInt8(ascii: ":") ? 1 : 0
                    guard let mm = number((i + 3 + colon)..<(i + 5 + colon)), i + 5 + colon == chars.count else { return .failure(bad) }
                    m = mm
                }
                guard h <= 14, m < 60 else {
                    return .failure(ParseError(message: "UTC offset out of range in '\(text)'", help: "offsets run from -12:00 to +14:00"))
                }
                offset = sign * (h * 3600 + m * 60)
            default:
                return .failure(bad)
            }
        }
        return .success(.dateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second, utcOffset: offset))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func monthName(_ month: Int) -> String {
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"][month - 1]
    }

    /// Which end of a whole-day value to take.
    public enum Bound: Sendable {
        /// The start of the day (for `since:`).
        case lower
        /// The end of the day, i.e. the start of the next (for `until:`).
        case upper
    }

    /// The instant this expression denotes at `now` in `zone`.
    public func resolve(now: Date, in zone: TimeZone, as bound: Bound) -> Date {
        if let instant = resolveByArithmetic(now: now, in: zone, as: bound) { return instant }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        switch self {
        case .now:
            return now
        case .ago(let duration):
            return duration.subtract(from: now, calendar: calendar)
        case .today, .yesterday:
            var start = calendar.startOfDay(for: now)
            if self == .yesterday { start = calendar.date(byAdding: .day, value: -1, to: start) ?? start }
            return bound == .upper ? (calendar.date(byAdding: .day, value: 1, to: start) ?? start) : start
        case .date(let year, let month, let day):
            let start = calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? now
            let startOfDay = calendar.startOfDay(for: start)
            return bound == .upper ? (calendar.date(byAdding: .day, value: 1, to: startOfDay) ?? startOfDay) : startOfDay
        case .dateTime(let year, let month, let day, let hour, let minute, let second, let offset):
            if let offset, let fixed = TimeZone(secondsFromGMT: offset) {
                calendar.timeZone = fixed
            }
            return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)) ?? now
        case .year, .month, .week, .period:
            let (start, end) = interval(now: now, in: zone)
            return bound == .upper ? end : start
        }
    }

    /// The period a calendar value covers, `[start, end)`, in `zone`: its first instant and the
    /// first instant of the next period (daylight saving time included: a day is 23 or 25 hours
    /// where the clock changes). For a point in time, both ends are that instant.
    public func interval(now: Date, in zone: TimeZone) -> (start: Date, end: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        func startOf(_ components: DateComponents) -> Date { calendar.startOfDay(for: calendar.date(from: components) ?? now) }
        switch self {
        case .year(let year):
            return (startOf(DateComponents(year: year, month: 1, day: 1)), startOf(DateComponents(year: year + 1, month: 1, day: 1)))
        case .month(let year, let month):
            let next = month == 12 ? DateComponents(year: year + 1, month: 1, day: 1) : DateComponents(year: year, month: month + 1, day: 1)
            return (startOf(DateComponents(year: year, month: month, day: 1)), startOf(next))
        case .week(let year, let week):
            var iso = Calendar(identifier: .iso8601)
            iso.timeZone = zone
            let monday = iso.date(from: DateComponents(weekday: 2, weekOfYear: week, yearForWeekOfYear: year)) ?? now
            let start = iso.startOfDay(for: monday)
            return (start, iso.startOfDay(for: iso.date(byAdding: .day, value: 7, to: start) ?? start))
        case .period(let unit, let previous):
            var iso = Calendar(identifier: .iso8601)
            iso.timeZone = zone
            let component: Calendar.Component = unit == .year ? .year : unit == .month ? .month : .weekOfYear
            guard let current = iso.dateInterval(of: component, for: now) else { return (now, now) }
            let start = previous ? (iso.date(byAdding: component, value: -1, to: current.start) ?? current.start) : current.start
            let end = previous ? current.start : current.end
            return (iso.startOfDay(for: start), iso.startOfDay(for: end))
        default:
            return (resolve(now: now, in: zone, as: .lower), resolve(now: now, in: zone, as: .upper))
        }
    }

    /// ``resolve(now:in:as:)`` without `Calendar` where the result is plain arithmetic: in a
    /// zone with a fixed UTC offset (UTC, `GMT±hh:mm`), or for a date-time with an explicit
    /// offset. `nil` where the calendar is needed: named zones (daylight saving time), months
    /// and years, and years before 1600 (Foundation's Gregorian calendar switches to Julian
    /// dates before 1582).
    func resolveByArithmetic(now: Date, in zone: TimeZone, as bound: Bound) -> Date? {
        let day = 86_400.0
        switch self {
        case .now:
            return now
        case .ago(let duration):
            switch duration.unit {
            case .minutes, .hours: return now.addingTimeInterval(-duration.approximateSeconds)
            case .days, .weeks:
                guard Self.fixedOffset(of: zone) != nil else { return nil }
                let days = duration.unit == .weeks ? 7 * duration.amount : duration.amount
                return now.addingTimeInterval(-Double(days) * day)
            case .months, .years: return nil
            }
        case .today, .yesterday:
            guard let offset = Self.fixedOffset(of: zone) else { return nil }
            let local = now.timeIntervalSince1970 + Double(offset)
            var start = (local / day).rounded(.down) * day - Double(offset)
            if self == .yesterday { start -= day }
            return Date(timeIntervalSince1970: bound == .upper ? start + day : start)
        case .date(let year, let month, let day_):
            guard year >= 1600, let offset = Self.fixedOffset(of: zone) else { return nil }
            let start = Double(GregorianDate(year: year, month: month, day: day_).daysSinceEpoch) * day - Double(offset)
            return Date(timeIntervalSince1970: bound == .upper ? start + day : start)
        case .dateTime(let year, let month, let day_, let hour, let minute, let second, let explicitOffset):
            guard year >= 1600, let offset = explicitOffset ?? Self.fixedOffset(of: zone) else { return nil }
            let seconds = GregorianDate(year: year, month: month, day: day_).daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset
            return Date(timeIntervalSince1970: Double(seconds))
        case .year, .month, .week, .period:
            return nil  // the calendar's (``interval(now:in:)``)
        }
    }

    /// The UTC offset of a zone that never changes it (`UTC`, `GMT`, `GMT+0530`, as made by
    /// `TimeZone(secondsFromGMT:)`); nil for named zones.
    static func fixedOffset(of zone: TimeZone) -> Int? {
        let identifier = zone.identifier
        if identifier == "UTC" || identifier == "GMT" { return 0 }
        var utf8 = identifier.utf8.makeIterator()
        guard utf8.next() == UInt8(ascii: "G"), utf8.next() == UInt8(ascii: "M"), utf8.next() == UInt8(ascii: "T"),
              let sign = utf8.next(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")
        else { return nil }
        return zone.secondsFromGMT()
    }

    /// Whether this denotes a calendar period — a day, week, month or year — rather than a
    /// point in time (so `until:` means the end of it, and `on:` takes it).
    public var isPeriod: Bool {
        switch self {
        case .date, .today, .yesterday, .year, .month, .week, .period: return true
        default: return false
        }
    }
}

/// A length of time in the units the language accepts: `min h d w mo y`.
public struct RelativeDuration: Sendable, Hashable, CustomStringConvertible {
    public enum Unit: String, Sendable, Hashable, CaseIterable {
        case minutes = "min", hours = "h", days = "d", weeks = "w", months = "mo", years = "y"

        /// The unit for a lowercase spelling: `min`, `mins`, `minute`, `minutes`, `h`, `hour`, …
        init?(spelling: String) {
            switch spelling {
            case "min", "mins", "minute", "minutes": self = .minutes
            case "h", "hour", "hours": self = .hours
            case "d", "day", "days": self = .days
            case "w", "week", "weeks": self = .weeks
            case "mo", "month", "months": self = .months
            case "y", "year", "years": self = .years
            default: return nil
            }
        }
    }

    public var amount: Int
    public var unit: Unit

    public var description: String { "\(amount)\(unit.rawValue)" }

    /// Parses `7d`, `30min`, …; a bare `m` is refused as ambiguous.
    public static func parse(_ text: String) -> Result<RelativeDuration, TimeExpression.ParseError> {
        if let duration = parseCommon(text) { return .success(duration) }
        let digits: Substring
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: characters are bytes (no digit combines with what follows).
            let count = text.utf8.prefix { $0 >= 48 && $0 <= 57 }.count
            digits = text[..<text.utf8.index(text.startIndex, offsetBy: count)]
        } else {
            digits = text.prefix { $0.isASCII && $0.isNumber }
        }
        let unitText = ASCIICase.lowercased(String(text[digits.endIndex...]))
        guard !digits.isEmpty, let amount = Int(digits), amount <= 1_000_000 else {
            if !digits.isEmpty {
                return .failure(.init(message: "duration '\(text)' is too large", help: nil))
            }
            return .failure(.init(message: "'\(text)' is not a duration", help: "write 30min, 6h, 7d, 2w, 3mo or 1y"))
        }
        if unitText.isEmpty {
            return .failure(.init(message: "duration '\(text)' has no unit", help: "write \(text)d for days, \(text)h for hours, \(text)min for minutes"))
        }
        if unitText == "m" {
            return .failure(.init(message: "'m' is ambiguous: minutes or months?", help: "write \(digits)min for minutes or \(digits)mo for months"))
        }
        guard let unit = Unit(spelling: unitText) else {
            return .failure(.init(message: "unknown duration unit '\(unitText)' in '\(text)'",
                                  help: Suggestion.didYouMean(unitText, in: Unit.allCases.map(\.rawValue)) ?? "units are min, h, d, w, mo, y"))
        }
        return .success(RelativeDuration(amount: amount, unit: unit))
    }

    /// The usual spellings (`7d`, `30min`, `2W`) read straight from the bytes: up to seven ASCII
    /// digits, then up to seven letters that spell a unit. Anything else, valid or not, is left
    /// to the general path in ``parse(_:)`` (nil here), which gives the same value or message.
    private static func parseCommon(_ text: String) -> RelativeDuration? {
        var amount = 0
        var digits = 0
        var unit: UInt64 = 0  // the unit's letters, lowercased, packed one byte each
        var letters = 0
        for byte in text.utf8 {
            if letters == 0 && byte >= 48 && byte <= 57 {
                guard digits < 7 else { return nil }
                amount = amount * 10 + Int(byte - 48)
                digits += 1
            } else {
                let folded = byte | 0x20
                guard digits > 0, folded >= 97 && folded <= 122, letters < 7 else { return nil }
                unit |= UInt64(folded) << (8 * letters)
                letters += 1
            }
        }
        guard letters > 0, amount <= 1_000_000,
              let entry = unitsByPackedSpelling.first(where: { $0.spelling == unit })
        else { return nil }
        return RelativeDuration(amount: amount, unit: entry.unit)
    }

    /// Every spelling ``Unit/init(spelling:)`` accepts, packed as ``parseCommon(_:)`` packs letters.
    private static let unitsByPackedSpelling: [(spelling: UInt64, unit: Unit)] =
        ["min", "mins", "minute", "minutes", "h", "hour", "hours", "d", "day", "days", "w", "week", "weeks",
         "mo", "month", "months", "y", "year", "years"].map { spelling in
            let packed = spelling.utf8.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) }
            return (packed, Unit(spelling: spelling)!)
        }

    /// The length in seconds; months and years use their average lengths (for comparisons only).
    public var approximateSeconds: TimeInterval {
        let n = TimeInterval(amount)
        switch unit {
        case .minutes: return n * 60
        case .hours: return n * 3600
        case .days: return n * 86_400
        case .weeks: return n * 604_800
        case .months: return n * 2_629_746
        case .years: return n * 31_556_952
        }
    }

    /// `date` minus this duration: minutes and hours exactly, days and longer by the calendar of
    /// the session zone (so `1d` across a DST change is 23 or 25 hours).
    public func subtract(from date: Date, calendar: Calendar) -> Date {
        switch unit {
        case .minutes, .hours: return date.addingTimeInterval(-approximateSeconds)
        case .days: return calendar.date(byAdding: .day, value: -amount, to: date) ?? date
        case .weeks: return calendar.date(byAdding: .day, value: -7 * amount, to: date) ?? date
        case .months: return calendar.date(byAdding: .month, value: -amount, to: date) ?? date
        case .years: return calendar.date(byAdding: .year, value: -amount, to: date) ?? date
        }
    }
}
