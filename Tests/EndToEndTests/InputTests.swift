import Foundation
import Testing

/// `traktql --input …` as a user runs it: the built binary (`.build/debug/traktql`, found from
/// this file's path by ``BinaryRunner``) over small fixtures written to a temporary directory.
@Suite("traktql --input", .serialized)
struct InputTests {
    static let binary = BinaryRunner.binary("traktql")

    static func run(_ arguments: [String], stdin: String? = nil) async throws -> BinaryRunner.Output {
        try await BinaryRunner.run("traktql", ["--tz", "UTC", "--now", "2024-06-01T12:00:00Z"] + arguments, stdin: stdin)
    }

    /// Six items, newest first (API timestamps in the pacific convention: 2024-06-01 05:00 PDT = 12:00Z).
    static let items: [String] = [
        #"{"id":1,"timestamp":1717218000,"type":"episode","action":"seen","user":{"username":"justin"},"show":{"title":"The Walking Dead","url":"http://trakt.tv/show/the-walking-dead","tvdb_id":153021},"episodes":[{"season":1,"episode":2},{"season":1,"episode":3}]}"#,
        #"{"id":2,"timestamp":1717214400,"type":"episode","action":"rating","user":{"username":"sean"},"show":{"title":"Dead Like Me","url":"http://trakt.tv/show/dead-like-me","tvdb_id":72445},"episode":{"season":2,"number":7},"rating":"love","rating_advanced":"9"}"#,
        #"{"id":3,"timestamp":1717131600,"type":"movie","action":"seen","user":{"username":"justin"},"movie":{"title":"Oppenheimer","url":"http://trakt.tv/movie/oppenheimer-2023","imdb_id":"tt15398776","tmdb_id":872585}}"#,
        #"{"id":4,"timestamp":1717045200,"type":"episode","action":"seen","user":{"username":"priya"},"show":{"title":"The Walking Dead","url":"http://trakt.tv/show/the-walking-dead","tvdb_id":153021},"episodes":[{"season":2,"episode":1}]}"#,
        #"{"id":5,"timestamp":1716958800,"type":"list","action":"created","user":{"username":"sean"},"list":{"name":"Zombies \u00e9t\u00e9","slug":"zombies"}}"#,
        #"{"id":6,"timestamp":1716872400,"type":"episode","action":"checkin","user":{"username":"justin"},"show":{"title":"Breaking Bad","url":"http://trakt.tv/show/breaking-bad","tvdb_id":81189},"episode":{"season":5,"episode":14},"rating":"hate","rating_advanced":2}"#,
    ]

    static let directory: URL = {
        // One fixed place, rewritten by each run (the files never change): a directory per run
        // would be left behind, since a suite has no teardown.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("traktql-input-fixtures")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let envelope = #"{"timestamps":{"start":1716872400,"current":1717218000},"activity":["# + items.joined(separator: ",") + "]}"
        try? Data(envelope.utf8).write(to: dir.appendingPathComponent("envelope.json"))
        try? Data(("[" + items.joined(separator: ",\n") + "]").utf8).write(to: dir.appendingPathComponent("array.json"))
        try? Data((items.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("items.ndjson"))
        try? Data(#"{"activity":[{"id":1},"#.utf8).write(to: dir.appendingPathComponent("truncated.json"))
        return dir
    }()

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    @Test func binaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build first: swift build")
    }

    @Test(arguments: ["envelope.json", "array.json", "items.ndjson"])
    func filterAndProjectOnEveryShape(file: String) async throws {
        let r = try await Self.run(["--input", Self.path(file), "--format", "csv", "-c",
                              #"activity action:seen | where show.title ~ "dead" | select time, who, sxe"#])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "time,who,sxe\n2024-06-01T12:00:00+00:00,justin,S01E02–E03\n2024-05-30T12:00:00+00:00,priya,S02E01\n")
    }

    @Test func everyQualifierIsAFilter() async throws {
        let cases: [(String, String)] = [
            ("activity show:the-walking-dead | select id", "id\n1\n4\n"),
            ("activity show:the-walking-dead season:2 | select id", "id\n4\n"),
            ("activity show:dead-like-me season:2 episode:7 | select id", "id\n2\n"),
            ("activity movie:tt15398776 | select id", "id\n3\n"),
            ("activity user:sean | select id", "id\n2\n5\n"),
            ("activity -user:justin type:episode | select id", "id\n2\n4\n"),
            ("activity type:list | select id, title", "id,title\n5,Zombies été\n"),
            ("activity actions:rating,checkin | select id", "id\n2\n6\n"),
            ("activity rating:love | select id", "id\n2\n"),
            ("activity rating:<=3 | select id", "id\n6\n"),
            ("activity since:2024-05-31 | select id", "id\n1\n2\n3\n"),
            ("activity until:2024-05-29 | select id", "id\n5\n6\n"),
            ("activity on:2024-05-30 | select id", "id\n4\n"),
            ("activity since:2d | select id", "id\n1\n2\n3\n4\n"),
            ("activity | count by who | sort count desc, who", "who,count\njustin,3\nsean,2\npriya,1\n"),
            ("activity | flatten episodes | select sxe", "sxe\nS01E02\nS01E03\nS02E07\n\nS02E01\n\nS05E14\n"),
        ]
        for (query, expected) in cases {
            let r = try await Self.run(["--input", Self.path("envelope.json"), "--format", "csv", "-c", query])
            #expect(r.status == 0, "\(query): \(r.stderr)")
            #expect(r.stdout == expected, "\(query)")
        }
    }

    @Test func wholeItemsAsNDJSON() async throws {
        let r = try await Self.run(["--input", Self.path("items.ndjson"), "--format", "ndjson", "-c", "activity movie:oppenheimer-2023"])
        #expect(r.status == 0)
        #expect(r.stdout == Self.items[2] + "\n")
    }

    @Test func standardInput() async throws {
        let data = Self.items.joined(separator: "\n") + "\n"
        let r = try await Self.run(["--input", "-", "--format", "tsv", "-c", "activity | count"], stdin: data)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "count\n6\n")
        let twice = try await Self.run(["--input", "-", "-c", "activity | count", "-c", "activity | count"], stdin: data)
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("standard input was already read"))
        let noStatements = try await Self.run(["--input", "-"], stdin: data)
        #expect(noStatements.status != 0)
        #expect(noStatements.stderr.contains("give the statements with -c"))
    }

    @Test func explainSaysLocal() async throws {
        let r = try await Self.run(["--input", Self.path("envelope.json"), "-c", "explain activity show:the-walking-dead since:7d min | select who"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("local input: \(Self.path("envelope.json")); all qualifiers are filters"))
        #expect(r.stdout.contains("min: ignored"))
        #expect(r.stdout.contains("since:7d  ⇒  time >= 2024-05-25T12:00:00"))
        #expect(!r.stdout.contains("GET"))
    }

    @Test func scopeIsAnError() async throws {
        let r = try await Self.run(["--input", Self.path("envelope.json"), "-c", "activity scope:friends"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("'scope:' picks an API stream"))
    }

    @Test func malformedAndMissingInputs() async throws {
        let bad = try await Self.run(["--input", Self.path("truncated.json"), "-c", "activity"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("cannot read the input: JSON error at byte 22: unexpected end of input"), "\(bad.stderr)")
        let plain = try await Self.run(["--input", Self.path("truncated.json"), "--input-reader", "plain", "-c", "activity"])
        #expect(plain.stderr == bad.stderr)
        let missing = try await Self.run(["--input", Self.path("nope.json"), "-c", "activity"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot open"))
    }
}
