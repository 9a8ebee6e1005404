import Foundation
import Testing
@testable import TraktQL

/// `stats`, time buckets and `runtime` over a local input whose every value is known, checked
/// against computations made here with Foundation's calendars (not the engine's arithmetic).
@Suite struct StatsTests {
    static let zone = TimeZone(identifier: "America/New_York")!
    static let now = ISO8601DateFormatter().date(from: "2025-04-01T12:00:00Z")!

    struct Item {
        var instant: Date
        var type: String  // episode or movie
        var title: String
        var runtime: Int?  // nil: absent; 0 is sent as 0
        var episodes: Int  // > 1: a seen item with an episodes[] list
        var who: String
    }

    static let shows: [(String, Int?)] = [("Breaking Bad", 45), ("The Office", 22), ("Sherlock", 90), ("Nameless", nil)]
    static let movies: [(String, Int?)] = [("Inception", 148), ("Heat", 170), ("Zero", 0)]

    /// 700 items from 2024-12-20 to 2025-03-20 (a year end, ISO week 2025-W01 starting on
    /// 2024-12-30, and New York's DST change on 2025-03-09), newest first.
    static let items: [Item] = {
        var state: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let start = ISO8601DateFormatter().date(from: "2024-12-20T00:00:00Z")!.timeIntervalSince1970
        let end = ISO8601DateFormatter().date(from: "2025-03-20T00:00:00Z")!.timeIntervalSince1970
        var out: [Item] = []
        for n in 0..<700 {
            let t = start + Double(next() % UInt64(end - start))
            let who = ["ana", "ben", "cy"][Int(next() % 3)]
            if next() % 3 == 0 {
                let movie = movies[Int(next() % UInt64(movies.count))]
                out.append(Item(instant: Date(timeIntervalSince1970: t.rounded()), type: "movie", title: movie.0, runtime: movie.1, episodes: 1, who: who))
            } else {
                let show = shows[Int(next() % UInt64(shows.count))]
                out.append(Item(instant: Date(timeIntervalSince1970: t.rounded()), type: "episode", title: show.0, runtime: show.1,
                                episodes: n % 5 == 0 ? 3 : 1, who: who))
            }
        }
        // A few pinned instants: just before and after the DST change, and the year end.
        let pinned = ["2025-03-09T06:59:59Z", "2025-03-09T07:00:00Z", "2025-03-09T07:30:00Z", "2024-12-31T23:30:00-05:00",
                      "2025-01-01T00:30:00-05:00", "2024-12-29T23:59:59-05:00", "2024-12-30T00:00:00-05:00"]
        for (i, text) in pinned.enumerated() {
            out.append(Item(instant: ISO8601DateFormatter().date(from: text)!, type: "episode", title: "Sherlock", runtime: 90, episodes: 1,
                            who: "pin\(i)"))
        }
        return out.sorted { $0.instant > $1.instant }
    }()

    static func json(_ item: Item, id: Int) -> String {
        let ts = Int64(item.instant.timeIntervalSince1970)
        let runtime = item.runtime.map { #","runtime":\#($0)"# } ?? ""
        var s = #"{"id":\#(id),"timestamp":\#(ts),"type":"\#(item.type)","action":"seen","user":{"username":"\#(item.who)"},"#
        if item.type == "movie" {
            s += #""movie":{"title":"\#(item.title)","year":2010\#(runtime)}"#
        } else {
            s += #""show":{"title":"\#(item.title)","year":2008\#(runtime)},"#
            let episodes = (1...item.episodes).map { #"{"season":1,"episode":\#($0),"runtime":7}"# }
            s += #""episodes":[\#(episodes.joined(separator: ","))]"#
        }
        return s + "}"
    }

    static let file: URL = {
        // A fixed name, rewritten atomically by each run with the same bytes: a file per run
        // would be left behind, since a suite has no teardown.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("traktql-stats-fixture.json")
        let body = "[" + items.enumerated().map { json($1, id: $0 + 1) }.joined(separator: ",\n") + "]"
        try! body.write(to: url, atomically: true, encoding: .utf8)
        return url
    }()

    static func run(_ query: String, streaming: Bool = true) async throws -> QueryResult {
        var settings = Settings()
        settings.timeZone = zone
        settings.convention = .utc
        var configuration = EngineConfiguration(apiURL: URL(string: "http://127.0.0.1:9")!, settings: settings,
                                                clock: { now }, input: file.path)
        configuration.streamingInput = streaming
        return try await Engine(configuration: configuration).run(query)
    }

    /// Rows as [first column: rest].
    static func table(_ result: QueryResult) -> [Value: [Value]] {
        var out: [Value: [Value]] = [:]
        for row in result.rows { out[row[0]] = Array(row.dropFirst()) }
        return out
    }

    // MARK: Independent computations

    static let gregorian: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = zone
        return c
    }()

    static let iso: Calendar = {
        var c = Calendar(identifier: .iso8601)
        c.timeZone = zone
        return c
    }()

    static func expectedBucket(_ bucket: String, _ date: Date) -> Value {
        let c = gregorian.dateComponents([.year, .month, .day, .hour, .weekday], from: date)
        switch bucket {
        case "year": return .int(Int64(c.year!))
        case "month": return .string(String(format: "%04d-%02d", c.year!, c.month!))
        case "date": return .string(String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!))
        case "hour": return .int(Int64(c.hour!))
        case "weekday": return .string(["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][c.weekday! - 1])
        case "week":
            let w = iso.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
            return .string(String(format: "%04d-W%02d", w.yearForWeekOfYear!, w.weekOfYear!))
        default: fatalError(bucket)
        }
    }

    static func positiveRuntime(_ item: Item) -> Int? {
        guard let r = item.runtime, r > 0 else { return nil }
        return r
    }

    // MARK: Tests

    @Test(arguments: ["year", "month", "week", "date", "weekday", "hour"])
    func countPerBucketMatchesFoundationsCalendar(_ bucket: String) async throws {
        let result = try await Self.run("activity | stats count by \(bucket)(time)")
        #expect(result.columns == [bucket, "count"])
        var expected: [Value: Int64] = [:]
        for item in Self.items { expected[Self.expectedBucket(bucket, item.instant), default: 0] += 1 }
        let actual = Self.table(result).mapValues { $0[0].intValue! }
        #expect(actual == expected)
    }

    /// Several buckets of one field read it once per row (``Stats/Aggregator``'s shared base):
    /// the counts are still each bucket's, with another group key among them.
    @Test(arguments: [["weekday", "hour"], ["date", "hour", "year"], ["month", "-type", "week"]])
    func countPerSeveralBucketsOfTimeMatchesFoundationsCalendar(_ groups: [String]) async throws {
        let by = groups.map { $0.hasPrefix("-") ? String($0.dropFirst()) : "\($0)(time)" }
        let result = try await Self.run("activity | stats count by \(by.joined(separator: ", "))")
        #expect(result.columns == groups.map { $0.hasPrefix("-") ? String($0.dropFirst()) : $0 } + ["count"])
        var expected: [[Value]: Int64] = [:]
        for item in Self.items {
            let key = groups.map { $0.hasPrefix("-") ? Value.string(item.type) : Self.expectedBucket($0, item.instant) }
            expected[key, default: 0] += 1
        }
        var actual: [[Value]: Int64] = [:]
        for row in result.rows { actual[Array(row.dropLast())] = row.last?.intValue }
        #expect(actual == expected)
        #expect(actual.count > 1)
    }

    @Test func bucketsAtTheYearEndAndTheDSTChange() async throws {
        let result = try await Self.run(#"activity | where who ~ "pin" | select who, date(time), week(time), weekday(time), hour(time), year(time) | sort who"#)
        #expect(result.columns == ["who", "date", "week", "weekday", "hour", "year"])
        let rows = result.rows.map { $0.map { $0 } }
        #expect(rows == [
            [.string("pin0"), .string("2025-03-09"), .string("2025-W10"), .string("Sun"), .int(1), .int(2025)],  // 01:59:59 EST
            [.string("pin1"), .string("2025-03-09"), .string("2025-W10"), .string("Sun"), .int(3), .int(2025)],  // 03:00 EDT: 2 am never happens
            [.string("pin2"), .string("2025-03-09"), .string("2025-W10"), .string("Sun"), .int(3), .int(2025)],
            [.string("pin3"), .string("2024-12-31"), .string("2025-W01"), .string("Tue"), .int(23), .int(2024)],  // a 2025 week in 2024
            [.string("pin4"), .string("2025-01-01"), .string("2025-W01"), .string("Wed"), .int(0), .int(2025)],
            [.string("pin5"), .string("2024-12-29"), .string("2024-W52"), .string("Sun"), .int(23), .int(2024)],
            [.string("pin6"), .string("2024-12-30"), .string("2025-W01"), .string("Mon"), .int(0), .int(2024)],
        ])
        // And the same through Foundation.
        for (row, item) in zip(result.rows, Self.items.filter { $0.who.hasPrefix("pin") }.sorted { $0.who < $1.who }) {
            #expect(row[1] == Self.expectedBucket("date", item.instant))
            #expect(row[2] == Self.expectedBucket("week", item.instant))
            #expect(row[3] == Self.expectedBucket("weekday", item.instant))
            #expect(row[4] == Self.expectedBucket("hour", item.instant))
        }
    }

    @Test func perTitleRuntimeAggregates() async throws {
        let result = try await Self.run("activity | stats count, sum(runtime), avg(runtime), min(runtime), max(runtime), distinct(who) by title")
        #expect(result.columns == ["title", "count", "sum_runtime", "avg_runtime", "min_runtime", "max_runtime", "distinct_who"])
        let actual = Self.table(result)
        let titles = Set(Self.items.map(\.title))
        #expect(Set(actual.keys) == Set(titles.map { Value.string($0) }))
        for title in titles {
            let group = Self.items.filter { $0.title == title }
            let runtimes = group.compactMap(Self.positiveRuntime)
            let row = try #require(actual[.string(title)])
            #expect(row[0] == .int(Int64(group.count)), "\(title) count")
            if runtimes.isEmpty {
                #expect(row[1] == .null && row[2] == .null && row[3] == .null && row[4] == .null, "\(title): no runtime is null, not 42 or 90")
            } else {
                let sum = runtimes.reduce(0, +)
                #expect(row[1] == .int(Int64(sum)), "\(title) sum")
                let avg = (Double(sum) / Double(runtimes.count) * 100).rounded() / 100
                #expect(row[2] == .double(avg), "\(title) avg")
                #expect(row[3] == .int(Int64(runtimes.min()!)), "\(title) min")
                #expect(row[4] == .int(Int64(runtimes.max()!)), "\(title) max")
            }
            #expect(row[5] == .int(Int64(Set(group.map(\.who)).count)), "\(title) distinct")
        }
    }

    @Test func flattenedEpisodesEachCarryTheirShowsRuntime() async throws {
        let result = try await Self.run("activity type:episode | flatten episodes | stats count, sum(runtime) as minutes by title")
        #expect(result.columns == ["title", "count", "minutes"])
        let actual = Self.table(result)
        for (title, runtime) in Self.shows {
            let group = Self.items.filter { $0.title == title }
            let episodes = group.reduce(0) { $0 + $1.episodes }
            let row = try #require(actual[.string(title)])
            #expect(row[0] == .int(Int64(episodes)))
            // The show's runtime (not the episode objects' own 7 minutes).
            #expect(row[1] == (runtime.map { .int(Int64($0 * episodes)) } ?? .null))
        }
    }

    @Test func whereSortAndLimitAfterStats() async throws {
        let result = try await Self.run("activity | stats count, sum(runtime) as minutes by title | where minutes > 1000 | sort minutes desc | limit 2")
        var sums: [(String, Int)] = []
        for title in Set(Self.items.map(\.title)) {
            let runtimes = Self.items.filter { $0.title == title }.compactMap(Self.positiveRuntime)
            if !runtimes.isEmpty { sums.append((title, runtimes.reduce(0, +))) }
        }
        let expected = sums.filter { $0.1 > 1000 }.sorted { $0.1 > $1.1 }.prefix(2)
        #expect(result.rows.map { $0[0] } == expected.map { .string($0.0) })
        #expect(result.rows.map { $0[2] } == expected.map { .int(Int64($0.1)) })
    }

    @Test func weekdaysSortMondayFirst() async throws {
        let result = try await Self.run("activity | stats count by weekday(time) | sort weekday")
        #expect(result.rows.map { $0[0] } == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map { Value.string($0) })
        let desc = try await Self.run("activity | stats count by weekday(time) | sort weekday desc | limit 1")
        #expect(desc.rows.first?.first == .string("Sun"))
    }

    @Test func bucketsInWhereAndSortOnItems() async throws {
        let result = try await Self.run(#"activity | where weekday(time) == "Sat" and hour(time) >= 20 | sort hour(time) | select time, hour(time)"#)
        let expected = Self.items.filter {
            Self.expectedBucket("weekday", $0.instant) == .string("Sat") && Self.expectedBucket("hour", $0.instant).intValue! >= 20
        }
        #expect(result.rows.count == expected.count)
        #expect(result.columns == ["time", "hour"])
        let hours = result.rows.map { $0[1].intValue! }
        #expect(hours == hours.sorted())
    }

    @Test func firstAndLastAreByTime() async throws {
        let result = try await Self.run("activity | stats first(who), last(who), first(time), last(time) by title")
        for (title, row) in Self.table(result) {
            let group = Self.items.filter { .string($0.title) == title }.sorted { $0.instant < $1.instant }
            #expect(row[0] == .string(group.first!.who))
            #expect(row[1] == .string(group.last!.who))
            #expect(row[2] == .instant(group.first!.instant))
            #expect(row[3] == .instant(group.last!.instant))
        }
    }

    @Test func statsWithoutGroupsIsOneRowEvenWhenEmpty() async throws {
        let all = try await Self.run("activity | stats count, sum(runtime) as minutes")
        #expect(all.rows == [[.int(Int64(Self.items.count)), .int(Int64(Self.items.compactMap(Self.positiveRuntime).reduce(0, +)))]])
        let none = try await Self.run(#"activity | where who == "nobody" | stats count, sum(runtime)"#)
        #expect(none.rows == [[.int(0), .null]])
    }

    @Test func streamingAndPlainReadersAgree() async throws {
        for query in ["activity | stats count, sum(runtime), first(who) by title, weekday(time)",
                      "activity | flatten episodes | stats sum(runtime), distinct(date(time)) by month(time)",
                      "activity | where hour(time) >= 12 | select week(time), runtime, title"] {
            let streaming = try await Self.run(query, streaming: true)
            let plain = try await Self.run(query, streaming: false)
            #expect(streaming.columns == plain.columns, "\(query)")
            #expect(streaming.rows == plain.rows, "\(query)")
        }
    }

    @Test func countByIsStillTheShorthand() async throws {
        let a = try await Self.run("activity | count by title, month(time)")
        let b = try await Self.run("activity | stats count by title, month(time)")
        #expect(a.columns == b.columns)
        #expect(a.rows == b.rows)
    }

    @Test func chartFillsTimeBucketsOnlyStraightAfterTheGrouping() async throws {
        #expect(try await Self.run("activity | stats count by month(time) | chart").chart == ChartStyle(kind: .bar, labelBucket: .month))
        #expect(try await Self.run("activity | count by hour(time) | chart").chart?.labelBucket == .hour)
        #expect(try await Self.run("activity | stats count by month(time) | sort count desc | limit 2 | chart").chart == ChartStyle(kind: .bar))
        let heat = try await Self.run("activity | stats count by weekday(time), hour(time) | chart heatmap").chart
        #expect(heat == ChartStyle(kind: .heatmap, labelBucket: .weekday, columnBucket: .hour))
        // chart passes the rows through unchanged.
        let plain = try await Self.run("activity | stats count by month(time)")
        #expect(try await Self.run("activity | stats count by month(time) | chart").rows == plain.rows)
    }
}
