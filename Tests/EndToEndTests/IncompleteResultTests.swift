#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// A result the API could not complete (more than 100 activities in one second, which v1's
/// whole-second paging cannot get past) prints its rows and a warning, and the script exits 2
/// (issue 11, item 6). Against `trakt-emulator --same-second-burst`, over loopback.
@Suite struct IncompleteResultTests {
    static let now = "2024-11-24T12:00:00Z"

    @Test func anIncompleteCountPrintsItsRowWarnsAndExits2() async throws {
        let emulator = try BurstEmulator.start(["--scale", "small", "--seed", "42", "--now", Self.now, "--same-second-burst", "150"])
        defer { emulator.stop() }
        let traktql = ["--api-url", emulator.url, "--now", Self.now]
        let out = try await BinaryRunner.run("traktql", traktql + ["--format", "json", "-c", "activity since:1d | count"])
        #expect(out.status == 2, "\(out.stderr)")
        #expect(out.stderr.contains("warning: incomplete result: more than 100 activities share one second"), "\(out.stderr)")
        // The rows are still printed, as valid JSON.
        let rows = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]]
        #expect((rows?.first?["count"] as? Int ?? 0) > 0, "\(out.stdout)")

        // A window that does not reach the burst (an hour back) is complete: exit 0, no warning.
        let recent = try await BinaryRunner.run("traktql", traktql + ["-c", "activity since:30min | count"])
        #expect(recent.status == 0, "\(recent.stderr)")
        #expect(!recent.stderr.contains("incomplete"))

        // A script stops at the incomplete statement unless --keep-going.
        let stops = try await BinaryRunner.run("traktql", traktql + ["-c", "activity since:1d | count", "-c", "activity since:30min | count"])
        #expect(stops.status == 2)
        #expect(stops.stdout.split(separator: "\n").count == 1, "\(stops.stdout)")
        let goesOn = try await BinaryRunner.run("traktql", traktql + ["--keep-going", "-c", "activity since:1d | count", "-c", "activity since:30min | count"])
        #expect(goesOn.status == 2)
        #expect(goesOn.stdout.split(separator: "\n").count == 2, "\(goesOn.stdout)")
    }
}

/// A `trakt-emulator` process on a free port.
private struct BurstEmulator {
    let child: Spawn.Child
    let url: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func start(_ arguments: [String]) throws -> BurstEmulator {
        guard let child = Spawn.start(BinaryRunner.binary("trakt-emulator").path, ["--port", "0"] + arguments, captureOutput: true) else {
            throw Failure(description: "cannot start trakt-emulator")
        }
        let url = Spawn.readOutput(child, timeout: 60, untilNewline: true).trimmingCharacters(in: .whitespacesAndNewlines)
        guard url.hasPrefix("http") else {
            kill(child.pid, SIGKILL)
            Spawn.wait(child, timeout: 5)
            throw Failure(description: "trakt-emulator did not report its URL")
        }
        return BurstEmulator(child: child, url: url)
    }

    func stop() {
        kill(child.pid, SIGTERM)
        Spawn.wait(child, timeout: 10)
        close(child.output)
    }
}
