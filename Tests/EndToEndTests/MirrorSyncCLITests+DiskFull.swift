#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TraktQLMirror
import Testing
import TestSupport

/// A full disk during `traktql sync` (issue 26, Faults), without privileges: the sync runs under
/// a file-size limit (`ulimit -f`, RLIMIT_FSIZE) with SIGXFSZ ignored, so a write that would
/// grow the mirror, its WAL or its shared-memory file past the limit fails with EFBIG, as a
/// write fails on a full disk. Limits from 16 KiB up, 1.15× apart, cut a first sync and a later
/// one at many points.
extension MirrorSyncCLITests {
    /// `traktql sync` under a file-size limit of `blocks` × 512 bytes (POSIX `ulimit -f` units).
    static func limitedSync(_ url: String, _ mirror: String, _ directory: String, blocks: Int) async throws -> BinaryRunner.Output {
        try await BinaryRunner.runProgram("/bin/sh", ["-c", "trap '' XFSZ; ulimit -f \(blocks) && exec \"$0\" \"$@\"",
                                                      BinaryRunner.binary("traktql").path, "sync", "--api-url", url, "--mirror-file", mirror],
                                          environment: environment(directory), timeout: 120)
    }

    /// Each saved section's `item_count`, as `traktql sync --status` lists it.
    static func statusCounts(_ url: String, _ mirror: String, _ directory: String) async throws -> [String: Int] {
        let status = try await sync(url, mirror, directory, ["--status"])
        #expect(status.status == 0, "\(status.stderr)")
        var counts: [String: Int] = [:]
        for line in status.stdout.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count >= 3, words[2] == "rows", let count = Int(words[1]) { counts[String(words[0])] = count }
        }
        return counts
    }

    /// What a failed limited sync must have said and left: one error naming the mirror and the
    /// limit, exit 2 (no trap), a file SQLite finds intact, each section the previous or the new
    /// one, `--status` agreeing; then a sync without the limit completes to `expected`.
    /// Returns the names of the sections that were saved.
    static func expectCleanFailure(_ run: BinaryRunner.Output, blocks: Int, url: String, mirror: String, directory: String,
                                   references: [[String: [String]]], expected: [String: [String]], _ comment: String) async throws -> [String: [String]] {
        #expect(run.status == 2, "\(comment): exit \(run.status): \(run.stderr)")
        let errors = run.stderr.split(separator: "\n").filter { $0.hasPrefix("traktql: error:") }
        #expect(errors.count == 1, "\(comment): \(run.stderr)")
        #expect(!run.stderr.contains("Fatal error"), "\(comment): \(run.stderr)")
        let message = String(errors.first ?? "")
        #expect(message.hasPrefix("traktql: error: cannot write \(mirror): it would grow past this process's file-size limit (\(blocks * 512) bytes: `ulimit -f`)"),
                "\(comment): \(message)")
        #expect(message.contains("EFBIG") && message.contains("raise the limit and run `traktql sync` again"), "\(comment): \(message)")

        // A query reads what is left as the process left it (a -wal file included), before
        // anything below opens it for writing: a mirror cut before its account was saved is
        // refused in words, never a trap.
        let query = try await BinaryRunner.run("traktql", ["--mirror-file", mirror, "-q", "--format", "tsv", "-c",
                                                           "activity user:me action:seen,scrobble,checkin | limit all | count"],
                                               environment: environment(directory))
        // The command to run names the file (`traktql sync --mirror-file …`).
        #expect(query.status == 0 || ([1, 2].contains(query.status) && query.stderr.contains("run `traktql sync --mirror-file \(mirror)`")),
                "\(comment): the query ended with \(query.status): \(query.stderr)")

        // SQLite opens what is left (the file and any -wal it recovers) as an intact database;
        // cut before its schema was created, it has no tables (the next open creates them).
        let (hasSchema, history): (Bool, Int?) = try {
            let db = try SQLiteConnection(path: mirror, mode: .readWrite)
            #expect(try db.scalar("PRAGMA integrity_check").text == "ok", "\(comment)")
            let tables = try db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table'").integer ?? 0
            let version = try db.scalar("PRAGMA user_version").integer ?? 0
            #expect((tables == 0) == (version == 0), "\(comment): \(tables) tables, schema version \(version)")
            guard tables > 0 else { return (false, nil) }
            return (true, try db.scalar("SELECT count(*) FROM history").integer.map { Int($0) })
        }()
        let saved = hasSchema ? try sections(mirror) : [:]
        if hasSchema { try expectEachSection(of: mirror, in: references, comment) }
        if !saved.isEmpty {
            let counts = try await statusCounts(url, mirror, directory)
            #expect(Set(counts.keys) == Set(saved.keys), "\(comment): --status lists \(counts.keys.sorted()), saved \(saved.keys.sorted())")
            if saved["history"] != nil {
                #expect(counts["history"] == history, "\(comment)")
                #expect(query.status == 0 && query.stdout.split(separator: "\n").last.map(String.init) == history.map(String.init),
                        "\(comment): the query counted \(query.stdout), the mirror holds \(history.map(String.init) ?? "?") plays")
            }
        }

        let next = try await sync(url, mirror, directory, ["-q"])
        #expect(next.status == 0, "\(comment): the sync after it: \(next.stderr)")
        #expect(try sections(mirror) == expected, "\(comment): the sync after it did not complete the mirror")
        return saved
    }

    /// Limits 16 KiB × 1.15ⁿ (in 512-byte blocks; the last is 60 MiB), tried up to the first
    /// that lets the sync finish.
    static let limitSteps: [Int] = (0..<60).map { Int((32 * pow(1.15, Double($0))).rounded()) }

    @Test func aFullDiskCutsTheFirstAndALaterSyncAtManyPointsAndTheNextSyncCompletes() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (emulator, url) = try Self.start(directory)
        defer { Self.stop(emulator) }
        let before = directory + "/before.sqlite"
        #expect(try await Self.sync(url, before, directory, ["-q"]).status == 0)
        let previous = try Self.sections(before)
        #expect(previous.count == 6)
        let mirror = directory + "/justin.sqlite"
        func remove(_ path: String) {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }

        // The first sync, from nothing, cut at each limit.
        var firstPoints: Set<[String]> = []
        var firstCompletedAt: Int?
        for blocks in Self.limitSteps where firstCompletedAt == nil {
            remove(mirror)
            let run = try await Self.limitedSync(url, mirror, directory, blocks: blocks)
            if run.status == 0 {
                firstCompletedAt = blocks
                #expect(try Self.sections(mirror) == previous)
            } else {
                let saved = try await Self.expectCleanFailure(run, blocks: blocks, url: url, mirror: mirror, directory: directory,
                                                              references: [previous], expected: previous, "first sync under \(blocks * 512) bytes")
                firstPoints.insert(saved.keys.sorted())
            }
        }
        #expect(firstCompletedAt != nil, "no limit up to \((Self.limitSteps.last ?? 0) * 512) bytes let the first sync finish")
        #expect(firstPoints.contains([]), "no limit cut the first sync before its first section: \(firstPoints)")
        #expect(firstPoints.contains { !$0.isEmpty && $0.count < 6 }, "no limit cut the first sync between sections: \(firstPoints)")

        // Writes that move history (300 plays) and ratings; then a later sync cut at each limit.
        let plays = (0..<300).map { "{\"ids\":{\"trakt\":\(1 + $0 % 40)},\"watched_at\":\"2025-06-01T1\($0 / 60 % 2):\(String(format: "%02d", $0 % 60)):00.000Z\"}" }
        let (_, added) = try await Self.call(url, "/sync/history", method: "POST", body: "{\"movies\":[\(plays.joined(separator: ","))]}")
        #expect(added.statusCode == 201)
        let (_, rated) = try await Self.call(url, "/sync/ratings", method: "POST", body: "{\"movies\":[{\"ids\":{\"trakt\":7},\"rating\":2}]}")
        #expect(rated.statusCode == 201)
        let after = directory + "/after.sqlite"
        #expect(try await Self.sync(url, after, directory, ["-q"]).status == 0)
        let next = try Self.sections(after)
        let moved = next.keys.filter { next[$0] != previous[$0] }.sorted()
        #expect(moved.contains("history") && moved.contains("ratings"), "\(moved)")

        var laterPoints: Set<[String]> = []
        /// The later sync from `before`'s copy under `blocks`: whether it completed (and equals
        /// a fresh one); a cut is checked, and which moved sections it had saved anew is noted.
        func laterSync(under blocks: Int) async throws -> Bool {
            remove(mirror)
            try FileManager.default.copyItem(atPath: before, toPath: mirror)
            let run = try await Self.limitedSync(url, mirror, directory, blocks: blocks)
            if run.status == 0 {
                #expect(try Self.sections(mirror) == next)
                return true
            }
            let saved = try await Self.expectCleanFailure(run, blocks: blocks, url: url, mirror: mirror, directory: directory,
                                                          references: [previous, next], expected: next, "later sync under \(blocks * 512) bytes")
            laterPoints.insert(moved.filter { saved[$0] == next[$0] })
            return false
        }
        var laterCompletedAt: Int?
        for blocks in Self.limitSteps where laterCompletedAt == nil {
            if try await laterSync(under: blocks) { laterCompletedAt = blocks }
        }
        // The ladder's 15 % steps can step over the later sync's last save, which writes only a
        // few pages (a rating, or the plays when ratings went first: the order can change from
        // run to run): between the last limit that cut it and the first that let it finish, a
        // limit every page.
        if let done = laterCompletedAt, let cut = Self.limitSteps.last(where: { $0 < done }),
           !laterPoints.contains(where: { !$0.isEmpty && $0.count < moved.count }) {
            for blocks in stride(from: cut + 8, to: done, by: 8) {
                if try await laterSync(under: blocks) { break }
            }
        }
        #expect(laterCompletedAt != nil, "no limit let the later sync finish")
        #expect(laterPoints.contains([]), "no limit cut the later sync before it saved anything: \(laterPoints)")
        #expect(laterPoints.contains { !$0.isEmpty && $0.count < moved.count }, "no limit cut the later sync between its sections: \(laterPoints)")
    }

    /// Whether a tmpfs can be mounted here (root, and a container that allows it).
    static let canMountTmpfs: Bool = {
        guard geteuid() == 0 else { return false }
        let probe = NSTemporaryDirectory() + "mirror-tmpfs-probe-\(UUID().uuidString)"
        guard (try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard Spawn.run("/bin/sh", ["-c", "mount -t tmpfs -o size=64k tmpfs '\(probe)' 2>/dev/null"]).status == 0 else { return false }
        return Spawn.run("/bin/sh", ["-c", "umount '\(probe)'"]).status == 0
    }()

    /// Mounts (or resizes) a tmpfs of `kibibytes` at `directory`.
    static func tmpfs(_ directory: String, kibibytes: Int, remount: Bool = false) async throws {
        let options = (remount ? "remount," : "") + "size=\(kibibytes)k,mode=0700"
        let mounted = try await BinaryRunner.runProgram("/bin/sh", ["-c", "mount -t tmpfs -o \(options) tmpfs \"$0\"", directory])
        #expect(mounted.status == 0, "mount: \(mounted.stderr)")
    }

    /// The same on a real full disk: a tiny tmpfs (needs root and a mount; the test above
    /// needs neither). SQLite says SQLITE_FULL; once the tmpfs is grown (space freed), the next
    /// sync completes. Then SQLite's temporary directory full while the mirror's disk has room.
    @Test(.enabled(if: canMountTmpfs, "needs root and permission to mount a tmpfs"))
    func aFullTmpfsCutsTheFirstSyncAndOnceSpaceIsFreedTheNextCompletes() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (emulator, url) = try Self.start(directory)
        defer { Self.stop(emulator) }
        let before = directory + "/before.sqlite"
        #expect(try await Self.sync(url, before, directory, ["-q"]).status == 0)
        let previous = try Self.sections(before)
        let disk = directory + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mirror = disk + "/justin.sqlite"

        var points: Set<[String]> = []
        var completed = false
        for kibibytes in [64, 128, 256, 512, 768, 1024, 1280, 1536, 2048, 3072, 4096, 8192] where !completed {
            try await Self.tmpfs(disk, kibibytes: kibibytes)
            defer { _ = Spawn.run("/bin/sh", ["-c", "umount '\(disk)'"]) }
            let run = try await Self.sync(url, mirror, directory, ["-q"])
            if run.status == 0 {
                completed = true
                #expect(try Self.sections(mirror) == previous)
                continue
            }
            let comment = "first sync on a \(kibibytes) KiB tmpfs"
            #expect(run.status == 2, "\(comment): exit \(run.status): \(run.stderr)")
            let errors = run.stderr.split(separator: "\n").filter { $0.hasPrefix("traktql: error:") }
            #expect(errors.count == 1 && !run.stderr.contains("Fatal error"), "\(comment): \(run.stderr)")
            let message = String(errors.first ?? "")
            #expect(message.hasPrefix("traktql: error: cannot write \(mirror): no space left on the disk that holds it ("), "\(comment): \(message)")
            #expect(message.contains("free some space on \(disk) and run `traktql sync` again"), "\(comment): \(message)")
            let hasSchema = try {
                let db = try SQLiteConnection(path: mirror, mode: .readWrite)
                #expect(try db.scalar("PRAGMA integrity_check").text == "ok", "\(comment)")
                return (try db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table'").integer ?? 0) > 0
            }()
            let saved = hasSchema ? try Self.sections(mirror) : [:]
            if hasSchema { try Self.expectEachSection(of: mirror, in: [previous], comment) }
            points.insert(saved.keys.sorted())
            // Space freed: the same disk, grown; the next sync completes the mirror.
            try await Self.tmpfs(disk, kibibytes: 65_536, remount: true)
            let next = try await Self.sync(url, mirror, directory, ["-q"])
            #expect(next.status == 0, "\(comment): the sync after it: \(next.stderr)")
            #expect(try Self.sections(mirror) == previous, "\(comment): the sync after it did not complete the mirror")
            try? FileManager.default.removeItem(atPath: mirror)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: mirror + suffix) }
        }
        #expect(completed, "even 8 MiB did not hold the mirror")
        #expect(points.contains([]) && points.contains { !$0.isEmpty && $0.count < 6 }, "\(points)")

        // SQLite's temporary files on a full disk of their own, while the mirror's has room: the
        // error names that directory, not the mirror's. (1,500 more plays: with the small
        // dataset's 524, SQLite keeps its temporary files in memory; 300 more were enough until
        // the history_newest index, which changed how much of a section's swap SQLite spills.)
        let plays = (0..<1_500).map { "{\"ids\":{\"trakt\":\(1 + $0 % 40)},\"watched_at\":\"2025-06-01T1\($0 / 60 % 2):\(String(format: "%02d", $0 % 60)):00.000Z\"}" }
        let (_, added) = try await Self.call(url, "/sync/history", method: "POST", body: "{\"movies\":[\(plays.joined(separator: ","))]}")
        #expect(added.statusCode == 201)
        let after = directory + "/after.sqlite"
        #expect(try await Self.sync(url, after, directory, ["-q"]).status == 0)
        let next = try Self.sections(after)
        let temporary = directory + "/sqlite-tmp"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        try await Self.tmpfs(temporary, kibibytes: 16)
        defer { _ = Spawn.run("/bin/sh", ["-c", "umount '\(temporary)'"]) }
        let beside = directory + "/beside.sqlite"
        var environment = Self.environment(directory)
        environment["SQLITE_TMPDIR"] = temporary
        let cramped = try await BinaryRunner.run("traktql", ["sync", "-q", "--api-url", url, "--mirror-file", beside],
                                                 environment: environment, timeout: 120)
        #expect(cramped.status == 2, "\(cramped.stderr)")
        #expect(cramped.stderr.hasPrefix("traktql: error: cannot write \(beside): no space left for SQLite's temporary files in \(temporary) (SQLITE_TMPDIR"),
                "\(cramped.stderr)")
        #expect(cramped.stderr.contains("set SQLITE_TMPDIR to a directory with room, and run `traktql sync` again"), "\(cramped.stderr)")
        try Self.expectEachSection(of: beside, in: [next], "with SQLite's temporary files on a full disk")
        let roomy = try await Self.sync(url, beside, directory, ["-q"])
        #expect(roomy.status == 0, "\(roomy.stderr)")
        #expect(try Self.sections(beside) == next)
    }
}
