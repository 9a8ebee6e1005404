import Foundation
import Testing

/// Issue 11, items 8, 11 and 12 on the built binary with the built-in emulator.
@Suite(.serialized) struct HintCLITests {
    static let pinned = ["--now", "2024-11-24T12:00:00Z", "--seed", "42"]

    @Test func unknownNamesOnTheBuiltInEmulatorAreNamedWithADidYouMean() async throws {
        let out = try await BinaryRunner.run("traktql", ["-c", "activity show:breaking-bda user:justin,nosuch1,nosuch2 since:7d | limit 20"] + Self.pinned)
        #expect(out.status == 2, "\(out.stderr)")
        #expect(out.stderr.contains("error: no show 'breaking-bda' on this server"))
        #expect(out.stderr.contains("help: did you mean 'breaking-bad'?"))
        #expect(out.stderr.contains("error: no user 'nosuch1' on this server"))
        #expect(out.stderr.contains("error: no user 'nosuch2' on this server"))
        #expect(out.stderr.contains(" --> 1:15"))
        #expect(out.stdout.isEmpty)
    }

    @Test func aTimeBefore1970IsAQueryErrorWithACaret() async throws {
        let out = try await BinaryRunner.run("traktql", ["-c", "activity since:99999y"] + Self.pinned)
        #expect(out.status == 3, "\(out.stderr)")
        #expect(out.stderr.contains("99999y ago is before 1970-01-01"))
        #expect(out.stderr.contains("^^^^^^"))
        #expect(!out.stderr.contains("400"))
    }

    @Test func exitAndHelpPointToTheCommands() async throws {
        let out = try await BinaryRunner.run("traktql", ["-c", "exit"] + Self.pinned)
        #expect(out.status == 3)
        #expect(out.stderr.contains(".quit"))
        let help = try await BinaryRunner.run("traktql", ["-c", "help"] + Self.pinned)
        #expect(help.stderr.contains(".help"))
    }
}
