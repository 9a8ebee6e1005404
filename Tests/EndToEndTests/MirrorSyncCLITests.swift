#if canImport(Glibc)
import Glibc
#endif
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TraktQLMirror
import Testing
import TestSupport

/// `traktql sync` (issue 26) against `trakt-emulator` over loopback: the call targets, removals,
/// `kill -9` at many points, server errors and a 429 storm.
@Suite(.serialized) struct MirrorSyncCLITests {
    static let token = "mirror-e2e-token"

    /// A scratch directory with the token file; removed by the test.
    static func scratch() throws -> String {
        let directory = NSTemporaryDirectory() + "mirror-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try (token + "\n").write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        return directory
    }

    /// Starts `trakt-emulator` (small dataset, pinned clock, a token for justin, no rate limit).
    static func start(_ directory: String, _ extra: [String] = [], name: String = "emulator") throws -> (Spawn.Child, String) {
        let arguments = ["--port", "0", "--scale", "small", "--now", "2025-06-01T12:00:00Z", "--access-token-file", directory + "/token",
                         "--rate-limit", "0", "--write-rate-limit", "0"] + extra
        let emulator = try #require(Spawn.start(BinaryRunner.binary("trakt-emulator").path, arguments, captureOutput: true,
                                                errorFile: directory + "/\(name).stderr"))
        let url = Spawn.readOutput(emulator, timeout: 60, untilNewline: true).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(url.hasPrefix("http://127.0.0.1:"), "\(url)")
        return (emulator, url)
    }

    static func stop(_ child: Spawn.Child) {
        kill(child.pid, SIGTERM)
        Spawn.wait(child, timeout: 10)
        close(child.output)
    }

    static func environment(_ directory: String) -> [String: String] {
        ["XDG_DATA_HOME": directory + "/data", "TRAKT_ACCESS_TOKEN": token]
    }

    /// `traktql sync --api-url URL --mirror-file MIRROR …`.
    static func sync(_ url: String, _ mirror: String, _ directory: String, _ extra: [String] = [], timeout: TimeInterval = 120) async throws -> BinaryRunner.Output {
        try await BinaryRunner.run("traktql", ["sync", "--api-url", url, "--mirror-file", mirror] + extra,
                                   environment: environment(directory), timeout: timeout)
    }

    /// The `N calls in T s` of a sync's summary.
    static func calls(_ output: BinaryRunner.Output) -> Int? {
        guard let line = output.stdout.split(separator: "\n").last(where: { $0.contains(" in ") && $0.contains("call") }),
              let first = line.split(separator: " ").first else { return nil }
        return Int(first)
    }

    /// A v2 call as justin.
    static func call(_ url: String, _ path: String, method: String = "GET", body: String? = nil) async throws -> (Data, HTTPURLResponse) {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        request.timeoutInterval = 30
        for (name, value) in ["trakt-api-version": "2", "trakt-api-key": "traktql", "Authorization": "Bearer " + token,
                              "Content-Type": "application/json"] {
            request.setValue(value, forHTTPHeaderField: name)
        }
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return (data, try #require(response as? HTTPURLResponse))
    }

    /// Each section's rows (its tables, every column), or nil for a section never saved.
    static func sections(_ mirror: String) throws -> [String: [String]] {
        let db = try SQLiteConnection(path: mirror, mode: .readWrite)
        let tables = ["history": ["history"], "ratings": ["ratings"], "watchlist": ["watchlist"], "collection": ["collection"],
                      "lists": ["lists", "list_items"], "comments": ["comments"]]
        let saved = Set(try db.rows("SELECT section FROM sync_sections").compactMap { $0.first?.text })
        var out: [String: [String]] = [:]
        for (section, names) in tables {
            var rows: [String] = []
            for table in names { rows += try db.rows("SELECT * FROM \(table)").map { "\(table) \($0)" } }
            if saved.contains(section) {
                out[section] = rows.sorted()
            } else {
                // A section not saved has no live rows: nothing half-read is visible.
                #expect(rows.isEmpty, "\(section) has rows but no sync_sections row")
            }
        }
        return out
    }

    /// Every saved section equals the same section of one of `references` (the previous or the new mirror).
    static func expectEachSection(of mirror: String, in references: [[String: [String]]], _ comment: String) throws {
        for (section, rows) in try sections(mirror) {
            #expect(references.contains { $0[section] == rows }, "\(comment): \(section) (\(rows.count) rows) is neither the previous nor the new one")
        }
    }

    @Test func callTargetsAndARemovedPlay() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (emulator, url) = try Self.start(directory)
        defer { Self.stop(emulator) }
        let mirror = directory + "/justin.sqlite"

        // First sync: no more calls than the pages of its routes, plus last_activities (and one
        // /users/settings to learn whose token it is, said on stderr and not in the count).
        let first = try await Self.sync(url, mirror, directory)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("GET /users/settings"))
        var pages = 1
        var routes = ["/sync/history", "/sync/ratings", "/sync/watchlist", "/sync/collection/movies", "/sync/collection/shows", "/users/me/comments"]
        let (listsBody, _) = try await Self.call(url, "/users/me/lists")
        let lists = try #require(try JSONSerialization.jsonObject(with: listsBody) as? [[String: Any]])
        pages += 1
        routes += lists.compactMap { ($0["ids"] as? [String: Any])?["trakt"] as? Int }.map { "/users/me/lists/\($0)/items" }
        for route in routes {
            let (_, response) = try await Self.call(url, route + "?limit=250")
            let items = Int(response.value(forHTTPHeaderField: "X-Pagination-Item-Count") ?? "") ?? 0
            pages += max(1, (items + 249) / 250)
        }
        let firstCalls = try #require(Self.calls(first), "\(first.stdout)")
        #expect(firstCalls <= pages, "\(firstCalls) calls for \(pages) pages")

        // Nothing changed: exactly one call, and no /users/settings (the token is remembered).
        let second = try await Self.sync(url, mirror, directory)
        #expect(second.status == 0)
        #expect(Self.calls(second) == 1, "\(second.stdout)")
        #expect(!second.stderr.contains("/users/settings"))

        // k = 3 new plays: 1 + ⌈3/250⌉ calls, plus one per other section they moved.
        let plays = (0..<3).map { "{\"ids\":{\"trakt\":\(20 + $0)}}" }.joined(separator: ",")
        let (addedBody, added) = try await Self.call(url, "/sync/history", method: "POST", body: "{\"movies\":[\(plays)]}")
        #expect(added.statusCode == 201)
        #expect(String(decoding: addedBody, as: UTF8.self).contains("\"added\":{\"movies\":3"))
        let third = try await Self.sync(url, mirror, directory)
        #expect(third.status == 0)
        let otherMoved = third.stdout.split(separator: "\n").filter { !$0.hasPrefix("history") && $0.contains("rows") && !$0.contains("unchanged") }.count
        #expect(third.stdout.contains("+3 −0"), "\(third.stdout)")
        #expect(Self.calls(third) == 2 + otherMoved, "\(third.stdout)")

        // A removed (old) play: the mirror equals a fresh full sync, row for row.
        let (historyBody, _) = try await Self.call(url, "/sync/history?limit=250&page=3")
        let old = try #require((try JSONSerialization.jsonObject(with: historyBody) as? [[String: Any]])?.last?["id"] as? Int)
        let (_, removed) = try await Self.call(url, "/sync/history/remove", method: "POST", body: "{\"ids\":[\(old)]}")
        #expect(removed.statusCode == 200)
        let fourth = try await Self.sync(url, mirror, directory)
        #expect(fourth.status == 0)
        #expect(fourth.stdout.contains("removed: read in full") || fourth.stdout.contains("read in full"), "\(fourth.stdout)")
        let fresh = directory + "/fresh.sqlite"
        #expect(try await Self.sync(url, fresh, directory).status == 0)
        let mine = try Self.sections(mirror), theirs = try Self.sections(fresh)
        #expect(mine == theirs)
        #expect(mine["history"]?.contains { $0.contains("integer(\(old))") } == false)
        #expect(try Self.sections(directory + "/fresh.sqlite")["history"]?.isEmpty == false)

        // --status names the account, the server and the runs.
        let status = try await Self.sync(url, mirror, directory, ["--status"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("account justin on \(url)"))
        #expect(status.stdout.contains("run 4:") && status.stdout.contains(": ok"))
    }

    @Test func withNothingConfiguredItSyncsJustinFromTheBuiltInEmulatorAndTheShellHasDotSync() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = ["XDG_DATA_HOME": directory + "/data"]
        let missing = try await BinaryRunner.run("traktql", ["sync", "--status", "--now", "2025-06-01T12:00:00Z", "-q"], environment: environment)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no mirror of justin yet") && missing.stderr.contains("run `traktql sync`"), "\(missing.stderr)")

        let first = try await BinaryRunner.run("traktql", ["sync", "--now", "2025-06-01T12:00:00Z"], environment: environment, timeout: 180)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("syncing justin's account from the built-in emulator"), "\(first.stderr)")
        #expect(first.stdout.contains("justin on the built-in emulator → \(directory)/data/traktql/mirror/embedded.traktql.invalid/justin.sqlite"))
        let mode = try #require(FileManager.default.attributesOfItem(atPath: directory + "/data/traktql/mirror/embedded.traktql.invalid/justin.sqlite")[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o600)

        // `.sync` in the shell (here from a script on standard input): the same mirror, nothing moved.
        let shell = try await BinaryRunner.run("traktql", ["-q", "--now", "2025-06-01T12:00:00Z"], stdin: ".sync\n.sync status\n",
                                               environment: environment, timeout: 180)
        #expect(shell.status == 0, "\(shell.stderr)")
        #expect(shell.stdout.contains("1 call in"), "\(shell.stdout)")
        #expect(shell.stdout.contains("run 2:"), "\(shell.stdout)")
        let wrong = try await BinaryRunner.run("traktql", ["-q"], stdin: ".sync sideways\n", environment: environment)
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("unknown .sync argument 'sideways'"))
    }

    @Test func killNineAtManyPointsLeavesThePreviousOrTheNewMirrorAndTheNextSyncCompletes() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Every call takes 80 ms more: a sync lasts long enough to be killed in its middle.
        let (emulator, url) = try Self.start(directory, ["--faults", "latency:80ms"])
        defer { Self.stop(emulator) }
        let mirror = directory + "/justin.sqlite"
        let before = directory + "/before.sqlite"
        #expect(try await Self.sync(url, before, directory).status == 0)
        let previous = try Self.sections(before)

        func killed(after delay: Double) async throws {
            let child = try #require(Spawn.start("/usr/bin/env", ["XDG_DATA_HOME=\(directory)/data", "TRAKT_ACCESS_TOKEN=\(Self.token)",
                                                                  BinaryRunner.binary("traktql").path, "sync", "--api-url", url,
                                                                  "--mirror-file", mirror]))
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            kill(child.pid, SIGKILL)
            Spawn.wait(child, timeout: 10)
        }

        // The first sync, killed at several points: each section is absent or complete.
        var killedMidway = 0
        for delay in [0.3, 0.6, 0.9, 1.2, 1.6] {
            try await killed(after: delay)
            let saved = try Self.sections(mirror)
            if saved.count < 6 { killedMidway += 1 }
            try Self.expectEachSection(of: mirror, in: [previous], "first sync killed after \(delay) s")
        }
        #expect(killedMidway >= 2, "the kills came after the sync had finished: make it slower")
        let completed = try await Self.sync(url, mirror, directory)
        #expect(completed.status == 0, "\(completed.stderr)")
        #expect(try Self.sections(mirror) == previous)

        // Writes that move history, ratings and the collection, then syncs killed midway.
        let plays = (0..<300).map { "{\"ids\":{\"trakt\":\(1 + $0 % 40)},\"watched_at\":\"2025-06-01T1\($0 / 60 % 2):\(String(format: "%02d", $0 % 60)):00.000Z\"}" }
        let (addedBody, added) = try await Self.call(url, "/sync/history", method: "POST", body: "{\"movies\":[\(plays.joined(separator: ","))]}")
        #expect(added.statusCode == 201)
        #expect(String(decoding: addedBody, as: UTF8.self).contains("\"added\":{\"movies\":300"))
        let (_, rated) = try await Self.call(url, "/sync/ratings", method: "POST", body: "{\"movies\":[{\"ids\":{\"trakt\":7},\"rating\":2}]}")
        #expect(rated.statusCode == 201)
        let after = directory + "/after.sqlite"
        #expect(try await Self.sync(url, after, directory).status == 0)
        let next = try Self.sections(after)
        #expect(next != previous)
        for delay in [0.25, 0.45, 0.65] {
            try await killed(after: delay)
            try Self.expectEachSection(of: mirror, in: [previous, next], "later sync killed after \(delay) s")
        }
        let finished = try await Self.sync(url, mirror, directory)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(try Self.sections(mirror) == next)
    }

    /// A mirror synced from an emulator without faults: what a sync through faults must end as.
    static func referenceMirror(_ directory: String) async throws -> String {
        let (clean, cleanURL) = try start(directory, name: "clean")
        defer { stop(clean) }
        let reference = directory + "/reference.sqlite"
        #expect(try await sync(cleanURL, reference, directory).status == 0)
        return reference
    }

    @Test func serverErrorsMidSectionLeaveAConsistentMirrorAndALaterSyncCompletes() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let reference = try await Self.referenceMirror(directory)
        let expected = try Self.sections(reference)

        // 70% of calls answer 503; traktql's transport tries each call 4 times, so about one
        // call in four fails for good, in the middle of a section.
        let (emulator, url) = try Self.start(directory, ["--faults", "503:0.7"])
        defer { Self.stop(emulator) }
        let mirror = directory + "/justin.sqlite"
        var failures = 0
        var done = false
        for _ in 0..<40 where !done {
            let run = try await Self.sync(url, mirror, directory, ["-q"], timeout: 300)
            if run.status == 0 { done = true } else {
                #expect(run.status == 2, "\(run.stderr)")
                failures += 1
            }
            try Self.expectEachSection(of: mirror, in: [expected], "after a run that \(run.status == 0 ? "finished" : "failed")")
        }
        #expect(done)
        #expect(failures > 0, "no run failed: the faults did not hit")
        #expect(try Self.sections(mirror) == expected)
    }

    @Test func a429StormIsWaitedOut() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let reference = try await Self.referenceMirror(directory)

        // A third of the calls answer 429 with Retry-After: 1.
        let (emulator, url) = try Self.start(directory, ["--faults", "429:0.35"])
        defer { Self.stop(emulator) }
        let mirror = directory + "/justin.sqlite"
        let run = try await Self.sync(url, mirror, directory, timeout: 300)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.sections(mirror) == Self.sections(reference))
    }
}
