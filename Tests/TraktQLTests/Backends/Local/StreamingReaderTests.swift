import Foundation
@testable import TraktEmulator
import Testing
@testable import TraktQL

/// The streaming, projecting reader against the reference path (ActivityPage/JSONReader, whole
/// items, the same filters and stages): identical results on every query and shape, and the
/// same error, word for word, on malformed input — at several chunk sizes, so that items and
/// tokens straddle refills.
@Suite("Streaming reader", .serialized)
struct StreamingReaderTests {
    static let context = SessionContext(timeZone: TimeZone(identifier: "America/New_York")!, convention: .pacific, now: ActivityFixture.now)

    /// Queries of our own, covering every qualifier, stage and virtual field.
    static let queries: [String] = [
        "activity",
        "activity action:seen | select time, who, sxe",
        #"activity | where action == "seen" and show.title ~ "Dead" | select time, who, sxe"#,
        "activity show:the-walking-dead,dead-like-me",
        "activity -show:the-walking-dead type:episode",
        "activity show:breaking-bad season:1,2 | select sxe, episodes[0].season, episode.number",
        "activity show:south-park season:1 episode:>=3",
        "activity user:justin season:2",
        "activity movie:dawn-of-the-dead-2004,tt1285016",
        "activity movie:872585 | select title, movie.tmdb_id",
        "activity user:justin,sean | select who, action, type",
        "activity -user:justin -action:shout,watchlist",
        "activity type:movie,list | select type, title, list.items",
        "activity actions:seen,rating rating:love",
        "activity rating:>=5 | select rating_advanced, rating",
        "activity -rating:hate",
        "activity since:3d",
        "activity since:2024-05-20 until:2024-05-25 | select time, ago",
        "activity on:2024-05-28 | count",
        "activity until:2024-05-30T06:00 | limit 7",
        "activity | count by action, type | sort count desc",
        "activity | count by show.title",
        "activity | distinct who | sort who",
        "activity | distinct show",
        "activity | sort timestamp asc | limit 5 | select time, title",
        "activity | sort title, time desc",
        "activity | flatten episodes | select time, episode.season, episode.episode, sxe",
        "activity | flatten episodes | where episode.number > 5",
        #"activity | where user.about =~ "caf[eé]" | select who, user.full_name"#,
        #"activity | where title in ["Dead Like Me", "Oppenheimer"] | select title"#,
        #"activity | where not (who == "sean") and episodes[1].season != null | select who, episodes"#,
        #"activity | where shout ~ "ß" | select shout, id"#,
        "activity | select when, elapsed.short, show.genres, show.ratings",
        "activity | limit 3",
        "activity | limit all",
        "activity action:seen | limit 4 | select who",
        #"activity | where who ~ "a" | select who | where who != "ana-b" | limit 2"#,
        "activity | select id | sort id desc | limit 3",
        "activity | where movie.runtime >= 121 | select movie.runtime",
    ]

    static func plan(_ text: String, input: String = "fixture") throws -> Plan {
        try QueryCompiler.plan(text, context: context, backend: LocalBackend(path: input, convention: context.convention))
    }

    static func run(_ plan: Plan, _ bytes: [UInt8], reader: LocalExecutor.Reader, wholeItems: Bool, chunkSize: Int = 1 << 20) -> Result<QueryResult, TraktQLError> {
        do throws(TraktQLError) {
            return .success(try LocalExecutor.run(plan: plan, local: plan.local!, bytes: bytes, now: ActivityFixture.now,
                                                  wholeItems: wholeItems, reader: reader, chunkSize: chunkSize))
        } catch {
            return .failure(error)
        }
    }

    /// Streaming equals plain. With `wholeItems` the items themselves must be equal; without,
    /// the items are projections and only the columns and rows count.
    static func expectSame(_ plan: Plan, _ bytes: [UInt8], chunkSizes: [Int], label: String) {
        for wholeItems in [true, false] {
            let reference = run(plan, bytes, reader: .plain, wholeItems: wholeItems)
            for chunk in chunkSizes {
                let streamed = run(plan, bytes, reader: .streaming, wholeItems: wholeItems, chunkSize: chunk)
                switch (reference, streamed) {
                case (.success(let a), .success(let b)):
                    #expect(a.columns == b.columns, "\(label) chunk \(chunk)")
                    #expect(a.rows == b.rows, "\(label) chunk \(chunk) whole \(wholeItems)")
                    if wholeItems { #expect(a.items == b.items, "\(label) chunk \(chunk)") }
                case (.failure(let a), .failure(let b)):
                    #expect(a == b, "\(label) chunk \(chunk)")
                default:
                    Issue.record("\(label) chunk \(chunk): plain \(reference) vs streaming \(streamed)")
                }
            }
        }
    }

    @Test func fixtureIsValidAndVaried() throws {
        let items = ActivityFixture.items(300)
        let page = try ActivityPage.decode(Data(ActivityFixture.envelope(items)))
        #expect(page.items.count == 300)
        let result = Self.run(try Self.plan("activity | count by type, action"), ActivityFixture.envelope(items), reader: .plain, wholeItems: false)
        #expect(try result.get().rows.count > 15)
    }

    @Test(arguments: queries)
    func sameResultsAsPlainDecoder(query: String) throws {
        let plan = try Self.plan(query)
        let items = ActivityFixture.items(240)
        for (shape, bytes) in [("envelope", ActivityFixture.envelope(items)), ("array", ActivityFixture.array(items)), ("ndjson", ActivityFixture.ndjson(items))] {
            Self.expectSame(plan, bytes, chunkSizes: [64, 1000, 1 << 20], label: "\(query) [\(shape)]")
        }
    }

    @Test func nonEmptyResultsForMostQueries() throws {
        // Guards the comparison against vacuity: most queries must select something.
        let bytes = ActivityFixture.envelope(ActivityFixture.items(240))
        var empty: [String] = []
        for query in Self.queries {
            let result = try Self.run(try Self.plan(query), bytes, reader: .plain, wholeItems: true).get()
            if result.rows.isEmpty { empty.append(query) }
        }
        #expect(empty.count <= 3, "empty: \(empty)")
    }

    /// Every Examples/*.tql in the repository, statement by statement,
    /// through two engines over the same file: streaming and plain.
    @Test func examplesCorpus() async throws {
        // Tests/TraktQLTests/Backends/Local/this file: five levels below the repository.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let examples = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Examples").path)
            .filter { $0.hasSuffix(".tql") }.sorted()
        #expect(examples.count >= 10, "Examples/*.tql: \(examples)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("traktql-examples-\(getpid()).json")
        try Data(ActivityFixture.envelope(ActivityFixture.items(400))).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var sources = try examples.map { name in
            (name, try String(contentsOf: root.appendingPathComponent("Examples").appendingPathComponent(name), encoding: .utf8))
        }
        sources.append(("own queries", Self.queries.joined(separator: "\n")))
        for (name, text) in sources {
            let script = try QueryCompiler.parse(text)
            func engine(streaming: Bool) -> Engine {
                var settings = Settings()
                settings.timeZone = Self.context.timeZone
                var configuration = EngineConfiguration(apiURL: URL(string: "http://127.0.0.1:9")!, settings: settings,
                                                        clock: { ActivityFixture.now }, input: file.path)
                configuration.streamingInput = streaming
                return Engine(configuration: configuration)
            }
            let streaming = engine(streaming: true), plain = engine(streaming: false)
            for statement in script.statements {
                let a: Result<StatementOutcome, TraktQLError>
                let b: Result<StatementOutcome, TraktQLError>
                do throws(TraktQLError) { a = .success(try await streaming.execute(statement, source: text)) } catch { a = .failure(error) }
                do throws(TraktQLError) { b = .success(try await plain.execute(statement, source: text)) } catch { b = .failure(error) }
                switch (a, b) {
                case (.success(.rows(let x)), .success(.rows(let y))):
                    #expect(x == y, "\(name): \(statement.span)")
                case (.failure(let x), .failure(let y)):
                    #expect(x == y, "\(name): \(statement.span)")
                case (.success(.rows), _), (_, .success(.rows)), (.failure, _), (_, .failure):
                    Issue.record("\(name): \(statement.span): \(a) vs \(b)")
                default:
                    break
                }
            }
        }
    }

    // MARK: - Malformed input

    static func error(_ bytes: [UInt8], reader: LocalExecutor.Reader, chunkSize: Int = 1 << 20) -> TraktQLError? {
        let plan = try! Self.plan("activity action:seen | select who, sxe")
        if case .failure(let e) = run(plan, bytes, reader: reader, wholeItems: false, chunkSize: chunkSize) { return e }
        return nil
    }

    static func expectSameError(_ bytes: [UInt8], chunkSizes: [Int] = [64, 1 << 20], _ label: String) {
        let reference = error(bytes, reader: .plain)
        for chunk in chunkSizes {
            let streamed = error(bytes, reader: .streaming, chunkSize: chunk)
            #expect(reference == streamed, "\(label) chunk \(chunk)")
        }
    }

    static let malformed: [String] = [
        "", "   \n", "\u{FEFF}", "nul", "null", "true", "42", "\"text\"", "[", "]", "{", "}", "[1]", "[{}, 2]", "[{},]",
        "[{}] x", "[{}]\n[{}]", "{}", "{} {}", "{}\n{}", "{\"type\":\"episode\"}", "{\"type\":\"episode\"}\n{\"action\":1}\n3",
        "{\"a\":1}\n{\"b\":2} x", "{\"timestamps\":5,\"activity\":[]}", "{\"timestamps\":null,\"activity\":[{}]}",
        "{\"timestamps\":[],\"activity\":[1]}", "{\"activity\":[{}, \"x\"]}", "{\"activity\":null}", "{\"activity\":{}}",
        "{\"activity\":[{}],\"activity\":3}", "{\"activity\":3,\"activity\":[{}]}", "{\"status\":\"failure\",\"error\":\"invalid API key\"}",
        "{\"status\":\"success\",\"error\":\"odd\"}", "{\"error\":\"x\",\"activity\":[]}", "{\"activity\":[{}]}\n{\"x\":1}",
        "{\"activity\":[{}]} {\"x\":1}", "{\"activity\":[{\"a\":\"\\ud800\"}]}", "{\"activity\":[{\"a\":\"\\udc00x\"}]}",
        "{\"activity\":[{\"a\":\"\\ud800\\u0041\"}]}", "{\"activity\":[{\"a\":\"\\q\"}]}", "{\"activity\":[{\"a\":\"\t\"}]}",
        "{\"activity\":[{\"a\":01}]}", "{\"activity\":[{\"a\":1e400}]}", "{\"activity\":[{\"a\":-}]}", "{\"activity\":[{\"a\":1.}]}",
        "{\"activity\":[{\"a\":1e}]}", "{\"activity\":[{\"a\":tru}]}", "{\"activity\":[{\"a\" 1}]}", "{\"activity\":[{a:1}]}",
        "{\"activity\":[{\"a\":1,}]}", "{\"activity\":[{\"a\":[1 2]}]}", "[{\"id\":1}\n,{\"id\":2}]", "\u{FEFF}[{\"id\":1}]",
        " \u{FEFF}[{}]", "[{\"a\":\"\\u12G4\"}]", "[{\"x\":\"abc", "[{\"x\":\"ab\\", "[{\"x\":\"\\u00", "[{\"x\":123",
        "{\"type\":\"movie\",\"activity\":null}", "{\"timestamps\":{}}", "[" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "]",
        "{\"activity\":[" + String(repeating: "{\"a\":", count: 520) + "1" + String(repeating: "}", count: 520) + "]}",
        "{\"a\":[{\"b\":1}]}\n{\"activity\":[{}]}", "{\"x\":1}\r\n\r\n{\"y\":2}\n\n", "{\"x\":1}{\"y\":2}",
    ]

    @Test func malformedInputsFailTheSame() {
        for text in Self.malformed {
            Self.expectSameError(Array(text.utf8), chunkSizes: [64, 70, 1 << 20], text)
        }
        // Invalid UTF-8 in strings, skipped or not, before and after escapes.
        for raw: [UInt8] in [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xC3]] {
            for template in ["[{\"x\":\"a#b\"}]", "[{\"show\":{\"title\":\"#\"}}]", "[{\"x\":\"#\\n\"}]", "[{\"x\":\"\\n#\"}]", "[{\"#\":1}]"] {
                var bytes: [UInt8] = []
                for b in template.utf8 { if b == UInt8(ascii: "#") { bytes += raw } else { bytes.append(b) } }
                Self.expectSameError(bytes, "utf8 \(raw) in \(template)")
            }
        }
    }

    @Test func truncationsFailTheSame() {
        let bytes = ActivityFixture.envelope(ActivityFixture.items(3))
        for n in 0..<bytes.count {
            Self.expectSameError(Array(bytes[..<n]), chunkSizes: [64, 1 << 20], "envelope cut at \(n)")
        }
        let lines = ActivityFixture.ndjson(ActivityFixture.items(4))
        for n in stride(from: 0, to: lines.count, by: 3) {
            Self.expectSameError(Array(lines[..<n]), chunkSizes: [64, 1 << 20], "ndjson cut at \(n)")
        }
    }

    @Test func corruptionsFailTheSame() {
        let bytes = ActivityFixture.envelope(ActivityFixture.items(5))
        var r = SplitMix64(seed: 99)
        let replacements: [UInt8] = [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x00, 0x0A, 0x80, 0xFF, 0x65, 0x2D, 0x30, 0x6E, 0x20]
        for _ in 0..<1500 {
            var copy = bytes
            let position = Int(r.next() % UInt64(copy.count))
            copy[position] = replacements[Int(r.next() % UInt64(replacements.count))]
            Self.expectSameError(copy, chunkSizes: [64, 1 << 20], "byte \(position) = \(copy[position])")
        }
    }

    @Test func largeItemsGrowTheWindow() throws {
        // One item far larger than the chunk.
        let big = #"{"id":1,"timestamp":1717218000,"type":"movie","action":"seen","user":{"username":"justin"},"movie":{"title":"Long","overview":""# + String(repeating: "é—x", count: 40_000) + #""}}"#
        let bytes = ActivityFixture.envelope([ActivityFixture.item(1), big, ActivityFixture.item(2)])
        Self.expectSame(try Self.plan("activity | select who, title, movie.overview"), bytes, chunkSizes: [64, 4096], label: "big item")
    }
}
