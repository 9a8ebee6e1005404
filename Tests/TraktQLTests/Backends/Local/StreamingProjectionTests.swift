import Foundation
import Testing
@testable import TraktQL

/// The paths that `stats … by title` over `--input` takes through the streaming reader (issue
/// 16's benchmark): projected objects built straight into their own arrays, member names
/// rejected by length, the `stats` stage fed row by row instead of over kept rows, and the
/// normaliser naming a failed field by its node. Each is checked against the plain reader
/// (JSONReader, whole items, `Stats.run` over all rows), at chunk sizes that split items.
@Suite("Streaming projection and stats")
struct StreamingProjectionTests {
    typealias Reader = StreamingReaderTests

    /// Stats as the stage right after the row-by-row stages (aggregated while streaming), with
    /// stages after it, after `where`/`select`/`flatten`, and not first among the later stages.
    static let statsQueries: [String] = [
        "activity | stats count, sum(runtime), avg(runtime), max(runtime) by title",
        "activity | stats count by title",
        "activity | stats count",
        "activity type:show | stats count, sum(runtime)",
        "activity | stats count, min(runtime), distinct(who), first(title), last(title) by type, action",
        "activity | stats count by title | where count > 2 | sort count desc, title | limit 3",
        "activity | stats sum(runtime) as minutes by month(time) | sort minutes desc",
        #"activity | where who != "sean" | stats count, avg(runtime) by who"#,
        "activity | select title, runtime, who | stats count, sum(runtime) by title",
        "activity | flatten episodes | stats count by sxe | sort count desc | limit 4",
        "activity | sort time asc | stats first(title), last(title) by who",
        "activity | limit 20 | stats count by title",
    ]

    static func cells(_ result: QueryResult) -> [[Value]] { result.rows }

    @Test(arguments: statsQueries)
    func streamedStatsEqualStatsOverKeptRows(query: String) throws {
        let plan = try Reader.plan(query)
        let items = ActivityFixture.items(240)
        for (shape, bytes) in [("envelope", ActivityFixture.envelope(items)), ("ndjson", ActivityFixture.ndjson(items))] {
            Reader.expectSame(plan, bytes, chunkSizes: [64, 1000, 1 << 20], label: "\(query) [\(shape)]")
        }
        // Not vacuous: the reference has groups.
        let reference = try Reader.run(plan, ActivityFixture.envelope(items), reader: .plain, wholeItems: false).get()
        #expect(!reference.rows.isEmpty, "\(query)")
    }

    @Test func streamedStatsAreTheStatsOfTheFixture() throws {
        // Independent of either reader: sums computed here from the items' own numbers.
        let items = [
            #"{"id":1,"timestamp":1717218000,"type":"movie","action":"seen","user":{"username":"a"},"movie":{"title":"M","runtime":100}}"#,
            #"{"id":2,"timestamp":1717217000,"type":"episode","action":"seen","user":{"username":"b"},"show":{"title":"S","runtime":30},"episode":{"season":1,"episode":2}}"#,
            #"{"id":3,"timestamp":1717216000,"type":"movie","action":"seen","user":{"username":"a"},"movie":{"title":"M","runtime":"110"}}"#,
            #"{"id":4,"timestamp":1717215000,"type":"episode","action":"seen","user":{"username":"c"},"show":{"title":"S","runtime":0},"episode":{"season":1,"episode":3}}"#,
        ]
        let plan = try Reader.plan("activity | stats count, sum(runtime), avg(runtime), max(runtime) by title")
        for chunk in [64, 1 << 20] {
            let result = try Reader.run(plan, ActivityFixture.ndjson(items), reader: .streaming, wholeItems: false, chunkSize: chunk).get()
            #expect(result.columns == ["title", "count", "sum_runtime", "avg_runtime", "max_runtime"])
            #expect(Self.cells(result) == [
                [.string("M"), .int(2), .int(210), .double(105), .int(110)],
                [.string("S"), .int(2), .int(30), .double(30), .int(30)],
            ], "chunk \(chunk)")
        }
    }

    // MARK: - Projected objects

    /// Items whose projected members (`type`, `show.title`, `show.runtime`, `movie.*`) come first
    /// or among others, followed by what the skip must step over exactly: nested arrays and
    /// objects, strings holding brackets, braces, commas, colons and escaped quotes, escapes in
    /// keys, member names as long as the projected ones (`tytle`, `runtimf`, `shov`), projected
    /// names nested where they are not projected, and duplicated projected members.
    static let trickyItems: [String] = [
        #"{"type":"episode","show":{"title":"A [b] {c}","runtime":30,"tytle":"x","runtimf":[1,[2,{"title":"no"}]],"overview":"\"]}\\\"{[","genres":["x]","{y"]},"shov":{"title":"not this"},"episode":{"season":1,"episode":1},"timestamp":1717218000,"id":1,"action":"seen","user":{"username":"u\"1"}}"#,
        #"{"id":2,"action":"seen","timestamp":1717217000,"user":{"username":"u2"},"show":{"images":{"poster":"}]"},"ratings":[{"a":[]},{}],"title":"B","runtime":45},"type":"episode","episode":{"season":1,"episode":2,"title":"t\\\\"}}"#,
        #"{"type":"movie","movie":{"title":"C","runtime":100,"title":"C again","runtime":1,"x":{"runtime":5,"title":"nested"}},"id":3,"timestamp":1717216000,"action":"seen","user":{"username":"u3"}}"#,
        #"{"type":"movie","movie":{"ti\u0074le":"D","run\u0074ime":90,"\u00e9":"\ud83d\ude00","":""},"id":4,"timestamp":1717215000,"action":"seen","user":{"username":"u4"}}"#,
        #"{"type":"episode","show":{},"id":5,"timestamp":1717214000,"action":"seen","user":{"username":"u5"},"episode":{"season":2,"episode":1},"show":{"title":"second show member","runtime":7}}"#,
        #"{"type" : "episode" , "show" : { "runtime" : 60 , "title" : "E" , "z" : [ "]" , "\\" , { } ] } , "id" : 6 , "timestamp" : 1717213000 , "action" : "seen" , "user" : { "username" : "u6" } , "episode" : { "season" : 1 , "episode" : 9 } }"#,
        #"{"type":"list","list":{"name":"L","items":[{"title":"x","runtime":3}]},"id":7,"timestamp":1717212000,"action":"created","user":{"username":"u7"}}"#,
    ]

    static let trickyQueries = [
        "activity | stats count, sum(runtime), avg(runtime), max(runtime) by title",
        "activity | select type, title, runtime",
        "activity | count by title",
    ]

    @Test func trickyObjectsAfterProjectedMembers() throws {
        for query in Self.trickyQueries {
            let plan = try Reader.plan(query)
            Reader.expectSame(plan, ActivityFixture.ndjson(Self.trickyItems), chunkSizes: [16, 64, 1 << 20], label: query)
            Reader.expectSame(plan, ActivityFixture.envelope(Self.trickyItems), chunkSizes: [16, 64, 1 << 20], label: query)
            let reference = try Reader.run(plan, ActivityFixture.ndjson(Self.trickyItems), reader: .plain, wholeItems: false).get()
            #expect(reference.rows.count >= 3, "\(query)")
        }
        // What the projection keeps: the first member of each name (as lookups on whole items).
        let result = try Reader.run(try Reader.plan("activity | select title, runtime"), ActivityFixture.ndjson(Self.trickyItems),
                                    reader: .streaming, wholeItems: false, chunkSize: 16).get()
        #expect(Self.cells(result) == [
            [.string("A [b] {c}"), .int(30)], [.string("B"), .int(45)], [.string("C"), .int(100)], [.string("D"), .int(90)],
            [.null, .null], [.string("E"), .int(60)], [.string("L"), .null],
        ])
    }

    static func statsError(_ bytes: [UInt8], streaming: Bool, chunkSize: Int) -> TraktQLError? {
        let plan = try! Reader.plan("activity | stats count, sum(runtime), avg(runtime), max(runtime) by title")
        if case .failure(let e) = Reader.run(plan, bytes, reader: streaming ? .streaming : .plain, wholeItems: false, chunkSize: chunkSize) { return e }
        return nil
    }

    @Test func truncatedTrickyInputFailsTheSame() {
        let bytes = ActivityFixture.envelope(Self.trickyItems)
        var errors = 0
        for n in 0..<bytes.count {
            let cut = Array(bytes[..<n])
            let reference = Self.statsError(cut, streaming: false, chunkSize: 1 << 20)
            if reference != nil { errors += 1 }
            for chunk in [16, 1 << 20] {
                #expect(Self.statsError(cut, streaming: true, chunkSize: chunk) == reference, "cut at \(n) chunk \(chunk)")
            }
        }
        // Every prefix that stops before the closing brace is an error (after it: whitespace).
        let closing = bytes.lastIndex(of: UInt8(ascii: "}"))!
        #expect(errors == closing + 1, "every prefix short of the closing brace is an error")
        #expect(Self.statsError(bytes, streaming: true, chunkSize: 16) == nil)
    }

    @Test func corruptedTrickyInputFailsTheSame() {
        let bytes = ActivityFixture.ndjson(Self.trickyItems)
        let replacements: [UInt8] = [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x00, 0x0A, 0x80, 0x74, 0x31]
        var corrupted = 0
        for position in stride(from: 0, to: bytes.count, by: 3) {
            let replacement = replacements[position % replacements.count]
            guard bytes[position] != replacement else { continue }
            var copy = bytes
            copy[position] = replacement
            let reference = Self.statsError(copy, streaming: false, chunkSize: 1 << 20)
            if reference != nil { corrupted += 1 }
            #expect(Self.statsError(copy, streaming: true, chunkSize: 16) == reference, "byte \(position) = \(replacement)")
        }
        #expect(corrupted > 50)
    }

    // MARK: - Normaliser

    @Test func unreadableValuesAreNamedByTheirPath() throws {
        let items = [
            #"{"id":1,"timestamp":1717218000,"type":"episode","action":"seen","user":{"username":"a"},"show":{"title":"S","runtime":"long"},"episodes":[{"season":"first","episode":1}]}"#,
            #"{"id":"two","timestamp":1717217000,"type":"movie","action":"seen","user":{"username":"b"},"movie":{"title":"M","runtime":90}}"#,
        ]
        for query in ["activity | select title, runtime, sxe, id", "activity | stats count, sum(runtime) by title"] {
            let plan = try Reader.plan(query)
            for streaming in [false, true] {
                let result = try Reader.run(plan, ActivityFixture.ndjson(items), reader: streaming ? .streaming : .plain, wholeItems: true).get()
                let warning = result.warnings.first { $0.contains("could not be read") } ?? ""
                #expect(warning.contains("show.runtime"), "\(query) streaming \(streaming): \(warning)")
                if query.contains("select") {
                    #expect(warning.contains("episodes[].season") && warning.contains(", id"), "\(query) streaming \(streaming): \(warning)")
                }
            }
        }
    }

    @Test func normaliserFindsEveryCataloguedMember() {
        // The by-length search finds exactly what a dictionary would.
        func check(_ node: ItemNormalizer.Node) {
            for (name, child) in zip(node.names, node.children) {
                #expect(node.member(name) === child, "\(node.path).\(name)")
                #expect(node.member(name + "x") == nil || node.names.contains(name + "x"))
                check(child)
            }
            #expect(node.member("") == nil || node.names.contains(""))
            #expect(node.member(String(repeating: "q", count: 200)) == nil)
            if let element = node.element { check(element) }
        }
        check(ItemNormalizer.root)
        #expect(ItemNormalizer.root.member("show")?.member("runtime")?.path == "show.runtime")
        #expect(ItemNormalizer.root.member("episodes")?.element?.member("season")?.path == "episodes[].season")
    }
}
