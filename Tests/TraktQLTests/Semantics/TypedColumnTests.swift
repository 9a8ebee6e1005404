import Foundation
import Testing
@testable import TraktQL

/// A column keeps the kind of the field it came from through `select … as`, `sort`,
/// `distinct`, `count by` and `stats` (`first`/`last`/`min`/`max` keep it, `count` is a number),
/// so a comparison on a renamed or aggregated column means exactly what it means on the field;
/// and a comparison whose two sides can never compare is a checker error at the operand, not a
/// filter that silently matches nothing.
@Suite(.serialized) struct TypedColumnTests {
    /// 400 v1 items (ActivityFixture), one hour apart, newest 2024-06-01 (UTC clock pinned there).
    static let input: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("traktql-typed-columns")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("items.json")
        try? Data(ActivityFixture.array(ActivityFixture.items(400))).write(to: file)
        return file.path
    }()

    static func engine() -> Engine {
        var settings = Settings()
        settings.timeZone = TimeZone(identifier: "UTC")!
        var configuration = EngineConfiguration(apiURL: URL(string: "http://127.0.0.1:1")!, settings: settings, clock: { ActivityFixture.now })
        configuration.input = input
        return Engine(configuration: configuration)
    }

    static func count(_ query: String) async throws -> Int64 {
        let result = try await engine().run(query)
        return try #require(result.rows.first?.first?.intValue, "\(query): \(result.rows)")
    }

    /// One field, one comparison: (field, comparison written after the field).
    static let comparisons: [(field: String, comparison: String)] = [
        ("time", "< 3d"),                 // time vs duration: that long ago
        ("time", ">= 2024-05-25"),        // time vs date
        ("time", "< yesterday"),          // time vs a time word
        ("time", ">= 2024-05-28T06:30Z"), // time vs time
        ("ago", "> 2d"),                  // duration vs duration
        ("runtime", ">= 125"),            // number vs number
        ("rating_advanced", ">= 7"),      // number vs number (sent as numbers and as text)
        ("rating_advanced", "== \"2\""),  // number vs numeric text
        ("show.year", "== 2010"),
        ("title", "== \"Breaking Bad\""), // text vs text
        ("title", "~ \"dead\""),
        ("who", "in [\"justin\", \"sean\"]"),
        ("sxe", "=~ \"^S01\""),
        ("action", "!= \"seen\""),
    ]

    /// `where F op v` = `select F as x | where x op v` = the same after `sort` and a second
    /// rename; and the filter is neither empty nor everything (it really filters).
    @Test(arguments: comparisons)
    func aRenamedColumnComparesAsItsField(field: String, comparison: String) async throws {
        let total = try await Self.count("activity | limit all | count")
        let direct = try await Self.count("activity | limit all | where \(field) \(comparison) | count")
        let renamed = try await Self.count("activity | limit all | select \(field) as x | where x \(comparison) | count")
        let twice = try await Self.count("activity | limit all | select \(field) as x, who | sort x desc | select x as y | where y \(comparison) | count")
        #expect(direct > 0 && direct < total, "\(field) \(comparison): \(direct) of \(total)")
        #expect(renamed == direct, "\(field) \(comparison): renamed \(renamed), direct \(direct)")
        #expect(twice == direct, "\(field) \(comparison): renamed twice \(twice), direct \(direct)")
    }

    /// The rows of a `stats` without the filter, counted here, against the filter on the
    /// aggregate's column (first/last/min/max keep a time a time; count is a number).
    @Test func aggregatedColumnsCompareAsTheirKinds() async throws {
        let engine = Self.engine()
        let all = try await engine.run("activity | limit all | stats first(time) as started, last(time) as latest, min(time) as mn, max(time) as mx, count as plays, max(runtime) as longest by title")
        #expect(all.rows.count > 5)
        let cutoff = ActivityFixture.now.addingTimeInterval(-6 * 86_400)
        func instant(_ row: [Value], _ column: String) -> Date? {
            guard let i = all.columns.firstIndex(of: column), case .instant(let date) = row[i] else { return nil }
            return date
        }
        func number(_ row: [Value], _ column: String) -> Int64? {
            all.columns.firstIndex(of: column).flatMap { row[$0].intValue }
        }
        for column in ["started", "latest", "mn", "mx"] {
            let expected = all.rows.filter { instant($0, column).map { $0 < cutoff } ?? false }.count
            let filtered = try await engine.run("activity | limit all | stats first(time) as started, last(time) as latest, min(time) as mn, max(time) as mx, count as plays, max(runtime) as longest by title | where \(column) < 6d")
            #expect(filtered.rows.count == expected, "\(column) < 6d: \(filtered.rows.count) rows, counted \(expected)")
            #expect(expected > 0 && expected < all.rows.count, "\(column): the cutoff should split the groups (\(expected) of \(all.rows.count))")
        }
        let busy = all.rows.filter { (number($0, "plays") ?? 0) > 40 }.count
        let filteredPlays = try await engine.run("activity | limit all | stats count as plays by title | where plays > 40")
        #expect(filteredPlays.rows.count == busy && busy > 0)
        let long = all.rows.filter { (number($0, "longest") ?? 0) >= 125 }.count
        let filteredLong = try await engine.run("activity | limit all | stats max(runtime) as longest by title | where longest >= 125")
        #expect(filteredLong.rows.count == long && long > 0)
        // count by and distinct keep their fields' kinds too.
        let byWho = try await engine.run("activity | limit all | count by who | where count >= 50")
        let whoCounts = try await engine.run("activity | limit all | count by who")
        #expect(byWho.rows.count == whoCounts.rows.filter { ($0.last?.intValue ?? 0) >= 50 }.count)
        let days = try await engine.run("activity | limit all | select date(time) as day | distinct day | where day >= \"2024-05-28\" | count")
        #expect(days.rows.first?.first?.intValue == 5)
        // A day compared with date(time), which is text: that day's text.
        let onDay = try await Self.count("activity | limit all | where date(time) == 2024-05-30 | count")
        #expect(onDay == 24, "one item an hour: \(onDay)")
    }

    /// The first sample of the issue: a renamed `last(time)` compared with a duration.
    @Test func theLastTimeOfEachTitleFiltersByAgo() async throws {
        let grouped = try await Self.engine().run("activity | limit all | stats first(time) as started, last(time) as last, count as plays by title | where last < 6d")
        let all = try await Self.engine().run("activity | limit all | stats last(time) as last by title")
        let cutoff = ActivityFixture.now.addingTimeInterval(-6 * 86_400)
        let expected = all.rows.filter { if case .instant(let d) = $0[1] { return d < cutoff } else { return false } }.count
        #expect(grouped.rows.count == expected && expected > 0)
    }

    /// Kinds that can never compare: one error at the operand that does not fit (exit 3 in the
    /// command), with what to write instead.
    @Test(arguments: [
        ("activity | where time < \"2024-01-01\"", "'time' is a time", "without quotes: time < 2024-01-01"),
        ("activity | select time as t | where t < 40", "'t' is a time", "7d means 7 days ago"),
        ("activity | stats last(time) as l by title | where l == \"x\"", "'l' is a time", nil),
        ("activity | where runtime > 40min", "'runtime' is a number", "runtime is minutes"),
        ("activity | where title > 5", "'title' is text", "quote it"),
        ("activity | stats count as n by title | where n < 7d", "'n' is a number", nil),
        ("activity | where ago < 2024-01-01", "'ago' is a duration", "compare with a duration"),
        ("activity | where time ~ \"2024\"", "'~' compares text, but 'time' is a time", "date(time)"),
        ("activity | where runtime in [90, \"long\"]", "'runtime' is a number", nil),
        ("activity | where show.year == \"twenty\"", "'show.year' is a number", nil),
    ] as [(String, String, String?)])
    func incomparableKindsAreCheckerErrors(query: String, message: String, help: String?) throws {
        var checker = Checker(context: SessionContext(timeZone: TimeZone(identifier: "UTC")!, now: ActivityFixture.now))
        let script = try QueryCompiler.parse(query)
        guard case .query(let parsed) = script.statements[0].kind else { Issue.record("not a query"); return }
        let (checked, diagnostics) = checker.check(parsed)
        #expect(checked == nil, "\(query) should not check")
        #expect(diagnostics.count == 1, "\(query): \(diagnostics.map(\.message))")
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic.message.contains(message), "\(query): \(diagnostic.message)")
        if let help { #expect(diagnostic.help?.contains(help) == true, "\(query): \(diagnostic.help ?? "no help")") }
    }
}
