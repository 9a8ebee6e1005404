import Foundation
import Testing
@testable import TraktQL

/// `traktql --mirror` as a user runs it: the flags, the banner, the one error with no mirror,
/// the old-mirror warning (once), and answers equal to `--api v2` over the same dataset (the
/// built-in emulator with the fixture's seed, scale and clock).
@Suite(.serialized) struct MirrorCLITests {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Runs the built `traktql` (small outputs: read after it exits).
    static func traktql(_ arguments: [String], environment: [String: String] = [:], stdin: String = "") throws -> Output {
        let process = Process()
        process.executableURL = root.appendingPathComponent(".build/debug/traktql")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for name in ["TRAKT_API_URL", "TRAKT_API", "TRAKT_CLIENT_ID", "TRAKT_MIRROR"] { env[name] = nil }
        env["NO_COLOR"] = "1"
        env["XDG_CONFIG_HOME"] = NSTemporaryDirectory() + "traktql-mirror-cli-noconfig"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("mirror-cli-\(UUID().uuidString).out")
        let err = out.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// The fixture's clock plus `hours`: the mirror was synced an hour before the fixture's now.
    static func now(plus hours: Double = 0) -> String {
        ISO8601DateFormatter().string(from: MirrorParityTests.now.addingTimeInterval(hours * 3_600))
    }

    @Test func answersEqualV2OverTheSameDatasetWithABanner() async throws {
        let fixture = try await MirrorParityTests.fixture.value
        let query = "activity user:me action:seen,scrobble,checkin since:30d | stats count, hours(runtime) by title | sort count desc, title"
        let v2 = try Self.traktql(["--seed", "7", "--emulator-scale", "default", "--now", Self.now(), "--api", "v2", "--tz", "UTC", "-q",
                                   "--format", "tsv", "-c", query])
        #expect(v2.status == 0, "\(v2.stderr)")
        // TRAKT_MIRROR=1 without a file reads the account's mirror of the server (here: the
        // built-in emulator's host) under $XDG_DATA_HOME.
        let data = NSTemporaryDirectory() + "traktql-mirror-cli-data-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: data) }
        try FileManager.default.createDirectory(atPath: data + "/traktql/mirror/embedded.traktql.invalid", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: data + "/traktql/mirror/embedded.traktql.invalid/justin.sqlite", withDestinationPath: fixture.path)
        for flags in [["--mirror", "--mirror-file", fixture.path], ["--api", "mirror", "--mirror-file", fixture.path], ["--mirror-file", fixture.path], []] {
            let mirror = try Self.traktql(flags + ["--now", Self.now(), "--tz", "UTC", "--format", "tsv", "-c", query],
                                          environment: flags.isEmpty ? ["TRAKT_MIRROR": "1", "XDG_DATA_HOME": data] : [:])
            #expect(mirror.status == 0, "\(flags): \(mirror.stderr)")
            #expect(mirror.stdout == v2.stdout, "\(flags)")
            #expect(mirror.stdout.split(separator: "\n").count > 3)
            #expect(mirror.stderr.contains("answers come from the local mirror of justin on http://127.0.0.1:9, synced 2024-11-24T11:00:00Z (1 h ago)"), "\(mirror.stderr)")
            #expect(mirror.stderr.contains(flags.isEmpty ? "/traktql/mirror/embedded.traktql.invalid/justin.sqlite" : fixture.path), "\(mirror.stderr)")
            #expect(!mirror.stderr.contains("warning"), "\(mirror.stderr)")
        }
    }

    @Test func anOldMirrorWarnsOncePerSession() async throws {
        let fixture = try await MirrorParityTests.fixture.value
        let statements = ["-c", "activity user:me since:30d | count", "-c", "activity user:me since:7d | count"]
        for quiet in [false, true] {
            let out = try Self.traktql(["--mirror", "--mirror-file", fixture.path, "--now", Self.now(plus: 49)] + (quiet ? ["-q"] : []) + statements)
            #expect(out.status == 0, "\(out.stderr)")
            let warnings = out.stderr.split(separator: "\n").filter { $0.contains("warning") && $0.contains("traktql sync") }
            #expect(warnings.count == 1, "quiet \(quiet): \(out.stderr)")
            #expect(out.stderr.contains("2 d"), "\(out.stderr)")
        }
        // mirror_max_age raises the bound (config file).
        let config = NSTemporaryDirectory() + "traktql-mirror-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: config + "/traktql", withIntermediateDirectories: true)
        try Data(#"{"mirror": true, "mirror_max_age": "7d"}"#.utf8).write(to: URL(fileURLWithPath: config + "/traktql/config.json"))
        _ = chmod(config + "/traktql/config.json", 0o600)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let relaxed = try Self.traktql(["--mirror-file", fixture.path, "--now", Self.now(plus: 49)] + statements, environment: ["XDG_CONFIG_HOME": config])
        #expect(relaxed.status == 0, "\(relaxed.stderr)")
        #expect(relaxed.stderr.contains("answers come from the local mirror"), "config 'mirror': \(relaxed.stderr)")
        #expect(!relaxed.stderr.contains("mirror_max_age") && !relaxed.stderr.contains("warning"), "\(relaxed.stderr)")
    }

    @Test func noMirrorYetIsOneErrorThatSaysToSync() throws {
        let empty = NSTemporaryDirectory() + "traktql-mirror-none-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: empty) }
        for arguments in [["--mirror"], ["--mirror", "--mirror-file", empty + "/missing.sqlite"]] {
            let out = try Self.traktql(arguments + ["-c", "activity user:me | limit 1", "-c", "activity user:me | limit 2"],
                                       environment: ["XDG_DATA_HOME": empty])
            #expect(out.status == 1, "\(arguments): \(out.stderr)")
            #expect(out.stdout.isEmpty)
            let lines = out.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(arguments): \(out.stderr)")
            // The command to run is the one that writes this file: a named file is named again.
            let sync = arguments.count == 1 ? "traktql sync" : "traktql sync --mirror-file \(empty)/missing.sqlite"
            #expect(out.stderr.hasPrefix("traktql: error: no mirror of your account") && out.stderr.contains("run `\(sync)` first"), "\(out.stderr)")
            // No empty mirror was made by looking.
            #expect(!FileManager.default.fileExists(atPath: empty + "/missing.sqlite"))
        }
    }

    @Test func anotherUserIsAnErrorAtTheQualifier() async throws {
        let fixture = try await MirrorParityTests.fixture.value
        let out = try Self.traktql(["--mirror", "--mirror-file", fixture.path, "-q", "-c", "activity user:bob since:7d | count"])
        #expect(out.status == 3)
        #expect(out.stderr.contains("the mirror holds justin's account, not bob's"), "\(out.stderr)")
        #expect(out.stderr.contains("traktql sync --user bob"), "\(out.stderr)")
    }

    @Test func setMirrorOnAndOffInASession() async throws {
        let fixture = try await MirrorParityTests.fixture.value
        let script = """
            set api = v2
            activity user:me action:rating since:1y | count
            set mirror = on
            explain activity user:me action:rating since:1y | count
            activity user:me action:rating since:1y | count
            """
        let out = try Self.traktql(["--seed", "7", "--emulator-scale", "default", "--now", Self.now(), "--mirror-file", fixture.path, "-q",
                                    "--format", "tsv", "-"], stdin: script)
        #expect(out.status == 0, "\(out.stderr)")
        let counts = out.stdout.split(separator: "\n").filter { Int($0) != nil }
        #expect(counts.count == 2 && counts[0] == counts[1] && counts[0] != "0", "\(out.stdout)")
        #expect(out.stdout.contains("over the local mirror (no HTTP calls)"), "\(out.stdout)")
    }
}
