import Foundation
import Testing

/// `--now` that is not a time the built-in emulator's dataset can end at (before 1980, past
/// 9999, infinite, not a number): one error in words and exit 1 from traktql, `traktql sync` and
/// `trakt-emulator`. Each of these crashed (exit 132: a Double to Int64 trap, or an index out of
/// range in the viewers' simulation) once a query reached the emulator.
@Suite struct AbsurdClockTests {
    static let absurd = ["inf", "-inf", "nan", "1e300", "-1e300", "0", "-86400", "1970-01-01T00:00:00Z", "1973-06-01T00:00:00Z", "9999-12-31T00:00:00Z"]

    @Test(arguments: absurd) func traktqlRefusesItInWords(now: String) async throws {
        // `--now=…`: a value that starts with '-' is an option to the argument parser otherwise.
        for arguments in [["--now=\(now)", "-c", "activity user:justin | limit 1"], ["--api", "v2", "--now=\(now)", "-c", "activity user:me | limit 1"],
                          ["sync", "--now=\(now)"]] {
            let home = NSTemporaryDirectory() + "traktql-clock-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: home) }
            let out = try await BinaryRunner.run("traktql", arguments, environment: ["HOME": home, "XDG_DATA_HOME": home, "XDG_CONFIG_HOME": home])
            #expect(out.status == 1, "\(arguments): exit \(out.status): \(out.stderr)")
            #expect(out.stderr.contains("--now '\(now)'") && out.stderr.contains("between 1980-01-01 and 9999-01-01"), "\(arguments): \(out.stderr)")
            #expect(!out.stderr.contains("Fatal error"), "\(arguments): \(out.stderr)")
        }
    }

    @Test func theEmulatorRefusesItInWordsAndTakesTheEdges() async throws {
        for now in ["0", "999999999999", "1973-06-01T00:00:00Z"] {
            let out = try await BinaryRunner.run("trakt-emulator", ["--port", "0", "--now", now])
            #expect(out.status != 0 && out.status != 132, "\(now): exit \(out.status)")
            #expect(out.stderr.contains("--now '\(now)'") && out.stderr.contains("between 1980-01-01 and 9999-01-01"), "\(now): \(out.stderr)")
        }
        // The range's own ends answer.
        for now in ["1980-01-01T00:00:00Z", "9999-01-01T00:00:00Z"] {
            let home = NSTemporaryDirectory() + "traktql-clock-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: home) }
            for api in ["v1", "v2"] {
                let out = try await BinaryRunner.run("traktql", ["--api", api, "--now", now, "-q", "-c", "activity user:justin | limit all | count"],
                                                     environment: ["HOME": home, "XDG_DATA_HOME": home, "XDG_CONFIG_HOME": home])
                #expect(out.status == 0, "\(now) \(api): exit \(out.status): \(out.stderr)")
            }
        }
    }
}
