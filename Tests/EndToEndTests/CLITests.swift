import Foundation
import Testing
import TraktEmulator
import TraktEmulatorServer
import TestSupport

/// The built `traktql` binary, run as a user would.
@Suite(.serialized) struct CLITests {
    static let pinned = ["--now", "2024-11-24T12:00:00Z", "--seed", "42"]

    @Test func explainShowsTheShowcaseCallWithoutAServer() async throws {
        let out = try await BinaryRunner.run("traktql", ["-c", "explain activity show:the-walking-dead season:1,2 actions:seen,rating since:7d", "--now", "2024-11-24T12:00:00Z"])
        #expect(out.status == 0, "\(out.stderr)")
        // now − 7 days = 2024-11-17T12:00:00Z; Pacific (PST, UTC−8) wall clock read as UTC: 1731816000.
        #expect(out.stdout.contains("GET /activity/seasons.json/<key>/the-walking-dead/1,2/seen,rating/1731816000"))
        #expect(out.stdout.contains("since:7d = 2024-11-17T"))
        #expect(!out.stderr.contains("emulator"))  // explain starts no server
    }

    @Test func theReadmeQueryRunsWithNoConfiguration() async throws {
        let out = try await BinaryRunner.run("traktql", ["-c", "activity show:the-walking-dead season:1 action:seen since:30d | select time, who, sxe | limit 5", "--format", "csv"])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.first == "time,who,sxe")
        #expect(lines.count >= 2 && lines.count <= 6)
        #expect(lines.dropFirst().allSatisfy { $0.contains(",S01E") })
    }

    @Test func everyFormatPrintsTheSameRows() async throws {
        let query = "activity user:justin,emily_jackson since:60d | select time, who, action, title | limit 7"
        var counts: [String: Int] = [:]
        for format in ["table", "json", "ndjson", "csv", "tsv"] {
            let out = try await BinaryRunner.run("traktql", ["-c", query, "--format", format] + Self.pinned)
            #expect(out.status == 0, "\(format): \(out.stderr)")
            switch format {
            case "json":
                let array = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]]
                counts[format] = array?.count
                #expect(array?.first?.keys.sorted() == ["action", "time", "title", "who"])
            case "ndjson":
                let lines = out.stdout.split(separator: "\n")
                for line in lines { _ = try JSONSerialization.jsonObject(with: Data(line.utf8)) }
                counts[format] = lines.count
            case "table":
                counts[format] = out.stdout.split(separator: "\n").count - 3  // header, rule, footer
                #expect(out.stdout.contains("rows)"))
            default:
                counts[format] = out.stdout.split(separator: "\n").count - 1
            }
        }
        #expect(Set(counts.values).count == 1, "\(counts)")
        #expect(counts["csv"] == 7)
    }

    @Test func aBadScriptNamesFileLineColumnAndExitsThree() async throws {
        let directory = try TemporaryDirectory()
        defer { withExtendedLifetime(directory) {} }  // removed at the end of the test, not after its last use
        let file = URL(fileURLWithPath: directory.path).appendingPathComponent("broken.tql")
        try "# a saved query\nactivity show:the-walking-dead sesaon:1\n".write(to: file, atomically: true, encoding: .utf8)
        let out = try await BinaryRunner.run("traktql", [file.path] + Self.pinned)
        #expect(out.status == 3)
        #expect(out.stderr.contains("\(file.path):2:32"))
        #expect(out.stderr.contains("did you mean 'season'?"))
        #expect(out.stdout.isEmpty)
    }

    @Test func aSyntaxErrorAnywhereRunsNothing() async throws {
        let out = try await BinaryRunner.run("traktql", ["-c", "explain activity\nactivity | sortt time"] + Self.pinned)
        #expect(out.status == 3)
        #expect(out.stdout.isEmpty)
        #expect(out.stderr.contains("2:12"))
    }

    @Test func keepGoingRunsEverythingAndReportsTheWorst() async throws {
        let script = "explain activity user:a\nactivity season:1\nexplain activity user:b\n"
        let bail = try await BinaryRunner.run("traktql", ["-"] + Self.pinned, stdin: script)
        #expect(bail.status == 3)
        #expect(bail.stdout.contains("/user.json/<key>/a") && !bail.stdout.contains("/user.json/<key>/b"))
        #expect(bail.stderr.contains("<stdin>:2:10"))
        let going = try await BinaryRunner.run("traktql", ["--keep-going", "-"] + Self.pinned, stdin: script)
        #expect(going.status == 3)
        #expect(going.stdout.contains("/user.json/<key>/b"))
    }

    @Test func pipedStdinRunsStatements() async throws {
        let out = try await BinaryRunner.run("traktql", ["--format", "tsv"] + Self.pinned, stdin: "set tz = UTC\nactivity user:justin | select who | limit 2\n")
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout == "who\njustin\njustin\n")
    }

    @Test func usageErrorsExitOne() async throws {
        #expect(try await BinaryRunner.run("traktql", ["--format", "xml", "-c", "activity"]).status == 1)
        #expect(try await BinaryRunner.run("traktql", ["/nonexistent/script.tql"]).status == 1)
        #expect(try await BinaryRunner.run("traktql", ["--no-such-flag"]).status == 1)
        #expect(try await BinaryRunner.run("traktql", ["--tz", "Mars/Olympus", "-c", "activity"]).status == 1)
        let help = try await BinaryRunner.run("traktql", ["--help"])
        #expect(help.status == 0 && help.stdout.contains("Exit status"))
    }

    @Test func wrongAPIKeyExitsTwoWithTheAPIsMessage() async throws {
        let server = try await EmulatorServer.start(EmulatorConfiguration(seed: 3, size: DatasetScale.small.size, apiKey: "the-right-one"))
        try await withEmulator(server) {
            let out = try await BinaryRunner.run("traktql", ["--api-url", server.baseURL.absoluteString, "--api-key", "my-secret-key-123", "-c", "activity"])
            #expect(out.status == 2)
            #expect(out.stderr.contains("invalid API key"))
            #expect(out.stderr.contains("1:1"))
            #expect(!(out.stdout + out.stderr).contains("my-secret-key-123"))
        }
    }

    @Test func unreachableServerExitsTwo() async throws {
        let out = try await BinaryRunner.run("traktql", ["--api-url", "http://127.0.0.1:9", "-c", "activity"], timeout: 60)
        #expect(out.status == 2)
        #expect(out.stderr.contains("error"))
    }

    @Test func otherSchemesAreAUsageError() async throws {
        let out = try await BinaryRunner.run("traktql", ["--api-url", "ftp://api.trakt.tv", "-c", "activity"])
        #expect(out.status == 1)
        #expect(out.stderr.contains("--api-url must be an http:// or https:// URL, not 'ftp://api.trakt.tv'"), "\(out.stderr)")
        #expect(out.stdout.isEmpty)
    }

    /// An https:// server is accepted; `explain` makes no call, so no TLS is needed to plan.
    @Test func httpsURLIsAcceptedAndExplainMakesNoCall() async throws {
        let out = try await BinaryRunner.run("traktql", ["--api-url", "https://127.0.0.1:9", "-c", "explain activity"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("https://127.0.0.1:9/activity/community.json/<key>"), "\(out.stdout)")
    }

    @Test func unreachableServerSaysCouldNotConnect() async throws {
        let out = try await BinaryRunner.run("traktql", ["--api-url", "http://127.0.0.1:9", "--api-key", "k", "-c", "activity"], timeout: 60)
        #expect(out.status == 2)
        #expect(out.stderr.contains("could not connect (connection refused) for http://127.0.0.1:9/activity/community.json/<key>"), "\(out.stderr)")
    }
}
