import Foundation
import Testing

/// `traktql --help` and `--version` (issue 11, item 14).
@Suite struct HelpOptionTests {
    @Test func helpListsNowAndVersion() async throws {
        let help = try await BinaryRunner.run("traktql", ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--now <TIME>"), "\(help.stdout)")
        #expect(help.stdout.contains("--version"), "\(help.stdout)")
        // Test-only flags stay hidden.
        #expect(!help.stdout.contains("--emulator-faults"))
    }

    /// A bad flag: one "error:" line, the usage, one pointer to --help, exit 1.
    @Test func aBadFlagPointsToHelpOnce() async throws {
        for (arguments, help) in [(["--bogus"], "traktql --help"), (["--api", "v3", "-c", "activity"], "traktql --help"), (["auth", "bogus"], "traktql auth --help")] {
            let out = try await BinaryRunner.run("traktql", arguments)
            #expect(out.status == 1, "\(arguments)")
            #expect(out.stderr.hasPrefix("traktql: error: "), "\(out.stderr)")
            #expect(out.stderr.components(separatedBy: "--help").count == 2 && out.stderr.contains("'\(help)'"), "\(out.stderr)")
        }
    }

    @Test func versionPrintsTheVersion() async throws {
        let out = try await BinaryRunner.run("traktql", ["--version"])
        #expect(out.status == 0)
        #expect(out.stdout == "0.1.0\n", "\(out.stdout)")
    }

    /// The overview is paragraphs that ArgumentParser wraps, not lines wrapped twice: no
    /// line of a paragraph ends far short of the width when the paragraph goes on
    /// (it used to read "…on a terminal, or" / "runs the" / "statements piped…").
    @Test func theOverviewIsWrappedOnce() async throws {
        let help = try await BinaryRunner.run("traktql", ["--help"], environment: ["COLUMNS": "80"])
        let overview = help.stdout.components(separatedBy: "Examples:")[0]
        let lines = overview.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (line, next) in zip(lines, lines.dropFirst()) where !line.isEmpty && !next.isEmpty {
            #expect(line.count >= 50, "a short line inside a paragraph: '\(line)' then '\(next)'")
        }
        #expect(overview.contains("or\nruns the statements piped") || overview.contains("or runs the statements piped"))
    }
}
