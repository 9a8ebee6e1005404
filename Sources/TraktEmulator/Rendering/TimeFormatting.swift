import Foundation
import TraktProtocol

/// Converts instants to API timestamps and renders the `when` / `elapsed` display strings.
struct APIClock: Sendable {
    let convention: TimestampConvention

    /// The API timestamp of a real Unix time: the shared conversion pair, nothing of our own.
    @inline(__always)
    func apiTimestamp(_ unix: Int64) -> Int64 {
        convention.apiTimestamp(forUnixTime: unix)
    }

    @inline(__always)
    private static func dayName(_ weekday: Int64) -> StaticString {
        switch weekday {
        case 0: "Sun"
        case 1: "Mon"
        case 2: "Tue"
        case 3: "Wed"
        case 4: "Thu"
        case 5: "Fri"
        default: "Sat"
        }
    }

    /// Writes `{"day":"Thu","time":"11:40 pm"}` for `unix` on the Pacific wall clock.
    @inline(__always)
    func writeWhen<S: ByteSink>(_ unix: Int64, into out: inout S) {
        let wall = TimestampConvention.pacific.apiTimestamp(forUnixTime: unix)  // Pacific wall clock
        var day = wall / 86_400
        var secs = wall - day * 86_400
        if secs < 0 {
            secs += 86_400
            day -= 1
        }
        var weekday = (day + 4) % 7
        if weekday < 0 { weekday += 7 }
        let hour = secs / 3600
        let minute = (secs % 3600) / 60
        out.raw("{\"day\":\"")
        out.raw(Self.dayName(weekday))
        out.raw("\",\"time\":\"")
        let h12 = hour % 12 == 0 ? 12 : hour % 12
        out.int(h12)
        out.byte(UInt8(ascii: ":"))
        out.byte(UInt8(truncatingIfNeeded: 48 + minute / 10))
        out.byte(UInt8(truncatingIfNeeded: 48 + minute % 10))
        out.raw(hour < 12 ? " am\"}" : " pm\"}")
    }

    /// Writes `{"full":"3 hours, 4 minutes, 19 seconds","short":"3h 4m 19s"}` for the time from
    /// `unix` to `now`. Units are days, hours, minutes and seconds; zero units are left out
    /// (and a zero span reads "0 seconds" / "0s").
    @inline(__always)
    static func writeElapsed<S: ByteSink>(from unix: Int64, to now: Int64, into out: inout S) {
        let d = max(0, now - unix)
        let days = d / 86_400
        let hours = (d % 86_400) / 3600
        let minutes = (d % 3600) / 60
        let seconds = d % 60
        out.raw("{\"full\":\"")
        var first = true
        fullUnit(days, " day", " days", &first, &out)
        fullUnit(hours, " hour", " hours", &first, &out)
        fullUnit(minutes, " minute", " minutes", &first, &out)
        fullUnit(seconds, " second", " seconds", &first, &out)
        if first { out.raw("0 seconds") }
        out.raw("\",\"short\":\"")
        first = true
        shortUnit(days, "d", &first, &out)
        shortUnit(hours, "h", &first, &out)
        shortUnit(minutes, "m", &first, &out)
        shortUnit(seconds, "s", &first, &out)
        if first { out.raw("0s") }
        out.raw("\"}")
    }

    @inline(__always)
    private static func fullUnit<S: ByteSink>(_ n: Int64, _ one: StaticString, _ many: StaticString, _ first: inout Bool, _ out: inout S) {
        guard n > 0 else { return }
        if !first { out.raw(", ") }
        first = false
        out.int(n)
        out.raw(n == 1 ? one : many)
    }

    @inline(__always)
    private static func shortUnit<S: ByteSink>(_ n: Int64, _ unit: StaticString, _ first: inout Bool, _ out: inout S) {
        guard n > 0 else { return }
        if !first { out.byte(UInt8(ascii: " ")) }
        first = false
        out.int(n)
        out.raw(unit)
    }
}

/// Calendar helpers that need no `Calendar`.
enum CivilDate {
    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        Int64(GregorianDate(year: year, month: month, day: day).daysSinceEpoch)
    }

    /// Days since the epoch of "YYYY-MM-DD".
    static func days(iso: String) -> Int64 {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        precondition(parts.count == 3, "bad date \(iso)")
        return days(year: parts[0], month: parts[1], day: parts[2])
    }

    /// "9:00pm" → seconds after midnight.
    static func secondsOfDay(clock: String) -> Int64 {
        let lower = clock.lowercased()
        let pm = lower.hasSuffix("pm")
        let digits = lower.dropLast(2).split(separator: ":").compactMap { Int($0) }
        var hour = digits.first ?? 0
        let minute = digits.count > 1 ? digits[1] : 0
        if hour == 12 { hour = 0 }
        if pm { hour += 12 }
        return Int64(hour * 3600 + minute * 60)
    }
}
