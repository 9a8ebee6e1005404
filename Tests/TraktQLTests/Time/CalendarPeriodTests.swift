import Foundation
import Testing
@testable import TraktQL

/// Calendar periods (`on:2026`, `on:2026-03`, `on:2026-W10`, `on:this-year` …) resolve to
/// their first instant and the next period's, in the session zone, across a year end and
/// across daylight saving time changes, in two zones. The expected instants are written out
/// by hand from the zones' rules (US: second Sunday in March, 2:00; EU: last Sunday in March,
/// 1:00 UTC).
@Suite struct CalendarPeriodTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let newYork = TimeZone(identifier: "America/New_York")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func interval(_ text: String, now: String = "2026-06-15T12:00:00Z", zone: TimeZone) throws -> (String, String) {
        guard case .success(let expression) = TimeExpression.parse(text) else { throw TraktQLError.usage("\(text) does not parse") }
        #expect(expression.isPeriod, "\(text) is a period")
        let (start, end) = expression.interval(now: instant(now), in: zone)
        let formatter = ISO8601DateFormatter()
        return (formatter.string(from: start), formatter.string(from: end))
    }

    @Test(arguments: [
        // Years and months in UTC.
        ("2026", "2026-06-15T12:00:00Z", "UTC", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("2026-12", "2026-06-15T12:00:00Z", "UTC", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("2024-02", "2026-06-15T12:00:00Z", "UTC", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"),
        // ISO weeks across a year end: 2025-W01 starts on Monday 2024-12-30; 2026 has 53 weeks.
        ("2025-W01", "2026-06-15T12:00:00Z", "UTC", "2024-12-30T00:00:00Z", "2025-01-06T00:00:00Z"),
        ("2026-W53", "2026-06-15T12:00:00Z", "UTC", "2026-12-28T00:00:00Z", "2027-01-04T00:00:00Z"),
        // March holds the DST change: New York springs forward on 2026-03-08 (UTC-5 → UTC-4),
        // Berlin on 2026-03-29 (UTC+1 → UTC+2).
        ("2026-03", "2026-06-15T12:00:00Z", "America/New_York", "2026-03-01T05:00:00Z", "2026-04-01T04:00:00Z"),
        ("2026-03", "2026-06-15T12:00:00Z", "Europe/Berlin", "2026-02-28T23:00:00Z", "2026-03-31T22:00:00Z"),
        // The week of the change is an hour short.
        ("2026-W10", "2026-06-15T12:00:00Z", "America/New_York", "2026-03-02T05:00:00Z", "2026-03-09T04:00:00Z"),
        ("2026-W13", "2026-06-15T12:00:00Z", "Europe/Berlin", "2026-03-22T23:00:00Z", "2026-03-29T22:00:00Z"),
        // The autumn change: November in New York is an hour long.
        ("2026-11", "2026-06-15T12:00:00Z", "America/New_York", "2026-11-01T04:00:00Z", "2026-12-01T05:00:00Z"),
        // Relative periods at a year end: at 00:30 on 2026-01-01 in Berlin (still 2025 in UTC).
        ("this-year", "2025-12-31T23:30:00Z", "Europe/Berlin", "2025-12-31T23:00:00Z", "2026-12-31T23:00:00Z"),
        ("last-year", "2025-12-31T23:30:00Z", "Europe/Berlin", "2024-12-31T23:00:00Z", "2025-12-31T23:00:00Z"),
        ("this-year", "2025-12-31T23:30:00Z", "UTC", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
        ("last-month", "2026-01-02T12:00:00Z", "America/New_York", "2025-12-01T05:00:00Z", "2026-01-01T05:00:00Z"),
        ("this-month", "2026-03-20T12:00:00Z", "America/New_York", "2026-03-01T05:00:00Z", "2026-04-01T04:00:00Z"),
        // Weeks start on Monday: Friday 2026-01-02's last week is 2025-12-22 … 2025-12-28.
        ("last-week", "2026-01-02T12:00:00Z", "UTC", "2025-12-22T00:00:00Z", "2025-12-29T00:00:00Z"),
        ("this-week", "2026-03-10T12:00:00Z", "America/New_York", "2026-03-09T04:00:00Z", "2026-03-16T04:00:00Z"),
        ("this-week", "2026-03-04T12:00:00Z", "America/New_York", "2026-03-02T05:00:00Z", "2026-03-09T04:00:00Z"),
        // A day (the old on:) across the change: 23 hours.
        ("2026-03-29", "2026-06-15T12:00:00Z", "Europe/Berlin", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"),
    ])
    func periodsResolveInTheSessionZone(text: String, now: String, zone: String, start: String, end: String) throws {
        let (actualStart, actualEnd) = try Self.interval(text, now: now, zone: TimeZone(identifier: zone)!)
        #expect(actualStart == start, "\(text) in \(zone) at \(now): start")
        #expect(actualEnd == end, "\(text) in \(zone) at \(now): end")
    }

    @Test(arguments: [
        ("2025-W53", "2025 has 52 ISO weeks"),
        ("2026-13", "month 13 does not exist"),
        ("2026-W1", "is not a valid week"),
        ("this-decade", "is not a time"),
        ("last-yaer", "did you mean 'last-year'"),
    ])
    func badPeriodsSayWhy(text: String, expected: String) {
        guard case .failure(let failure) = TimeExpression.parse(text) else {
            Issue.record("\(text) parsed")
            return
        }
        #expect((failure.message + " " + (failure.help ?? "")).contains(expected), "\(text): \(failure)")
    }

    /// `on:` takes every period and explains the rule once; `since:`/`until:` take a period's
    /// start and end; `where time in …` is the same window.
    @Test func onSinceUntilAndWhereAgree() throws {
        let context = SessionContext(timeZone: Self.newYork, now: Self.instant("2026-03-20T12:00:00Z"))
        for period in ["2026-03", "this-month", "2026-W10", "2026", "last-year", "2026-03-08"] {
            let on = try QueryCompiler.plan("activity user:justin on:\(period)", context: context)
            guard case .success(let expression) = TimeExpression.parse(period) else { Issue.record(Comment(rawValue: period)); continue }
            let (start, end) = expression.interval(now: context.now, in: context.timeZone)
            #expect(on.since == start, "on:\(period) starts at its first instant")
            let window = try QueryCompiler.plan("activity user:justin since:\(period) until:\(period)", context: context)
            #expect(window.since == start, "since:\(period)")
            let whereIn = try QueryCompiler.plan("activity user:justin | where time in \(period)", context: context)
            let text = whereIn.explanation()
            #expect(text.contains("time >= \(ValueText.iso8601(start, in: context.timeZone)) and time < \(ValueText.iso8601(end, in: context.timeZone))"),
                    "where time in \(period) names both instants: \(text)")
        }
        // A point in time is not a period, for on: and for in.
        for bad in ["activity on:7d", "activity on:2026-03-08T10:00", "activity | where time in now", "activity | where title in this-year"] {
            #expect(throws: TraktQLError.self, Comment(rawValue: bad)) { try QueryCompiler.plan(bad, context: context) }
        }
    }
}
