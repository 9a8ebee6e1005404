import Foundation
import Testing
@testable import TraktQL

@Suite struct TimeExpressionTests {
    let utc = TimeZone(identifier: "UTC")!
    let newYork = TimeZone(identifier: "America/New_York")!
    let now = ISO8601DateFormatter().date(from: "2024-11-24T12:00:00Z")!

    private func resolve(_ text: String, _ zone: TimeZone, _ bound: TimeExpression.Bound = .lower) throws -> String {
        let expression = try TimeExpression.parse(text).get()
        let f = ISO8601DateFormatter()
        f.timeZone = utc
        return f.string(from: expression.resolve(now: now, in: zone, as: bound))
    }

    @Test func durations() throws {
        #expect(try resolve("30min", utc) == "2024-11-24T11:30:00Z")
        #expect(try resolve("6h", utc) == "2024-11-24T06:00:00Z")
        #expect(try resolve("7d", utc) == "2024-11-17T12:00:00Z")
        #expect(try resolve("2w", utc) == "2024-11-10T12:00:00Z")
        #expect(try resolve("3mo", utc) == "2024-08-24T12:00:00Z")
        #expect(try resolve("1y", utc) == "2023-11-24T12:00:00Z")
    }

    @Test func daysFollowTheCalendarAcrossDST() throws {
        // 2024-11-03 New York falls back: 7 calendar days before 07:00 EST on the 24th is 07:00 EST on the 17th…
        #expect(try resolve("7d", newYork) == "2024-11-17T12:00:00Z")
        // …and 30 days back crosses the change: 08:00 local (EDT) = 11:00Z on Oct 25.
        #expect(try resolve("30d", newYork) == "2024-10-25T11:00:00Z")
    }

    @Test func bareMIsAmbiguous() {
        guard case .failure(let error) = TimeExpression.parse("5m") else { Issue.record("accepted 5m"); return }
        #expect(error.message.contains("ambiguous"))
    }

    @Test func datesAndBounds() throws {
        #expect(try resolve("2024-01-01", newYork) == "2024-01-01T05:00:00Z")
        #expect(try resolve("2024-01-01", newYork, .upper) == "2024-01-02T05:00:00Z")
        #expect(try resolve("2024-01-01T20:00", utc) == "2024-01-01T20:00:00Z")
        #expect(try resolve("2024-01-01T20:00:30+01:30", utc) == "2024-01-01T18:30:30Z")
        #expect(try resolve("2024-01-01T20:00Z", newYork) == "2024-01-01T20:00:00Z")
        #expect(try resolve("today", utc) == "2024-11-24T00:00:00Z")
        #expect(try resolve("today", utc, .upper) == "2024-11-25T00:00:00Z")
        #expect(try resolve("yesterday", utc) == "2024-11-23T00:00:00Z")
        #expect(try resolve("now", utc) == "2024-11-24T12:00:00Z")
    }

    @Test func impossibleDatesAreRefused() {
        for text in ["2024-02-30", "2023-02-29", "2024-04-31", "2024-00-10", "2024-01-01T24:00", "2024-01-01T10:60", "2024-01-01T10:00+15:00", "2024-1-01"] {
            if case .success = TimeExpression.parse(text) { Issue.record("accepted \(text)") }
        }
        if case .failure = TimeExpression.parse("2024-02-29") { Issue.record("refused a leap day") }
    }
}
