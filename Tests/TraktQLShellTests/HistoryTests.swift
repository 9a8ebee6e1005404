import Foundation
import Testing
import TestSupport
import TraktQL
@testable import TraktQLShell

@Suite struct HistoryFileTests {
    /// A fresh directory (not yet created: the history file makes it) per test.
    private func temporaryPath(_ name: String = "history") -> (directory: String, path: String) {
        let directory = NSTemporaryDirectory() + "traktql-history-\(UUID().uuidString)"
        return (directory, directory + "/state/traktql/" + name)
    }

    @Test func escapingRoundTrips() {
        let entries = ["activity show:lost", "a\\b", "line one\nline two", "ends with backslash \\", "\\n is not a newline", "cr\r", "josé ✓"]
        for entry in entries {
            let escaped = HistoryFile.escape(entry)
            #expect(!escaped.contains("\n"))
            #expect(HistoryFile.unescape(Substring(escaped)) == entry)
        }
        #expect(HistoryFile.escape("a\\b\nc") == "a\\\\b\\nc")
        #expect(HistoryFile.parse(Data("one\n\ntwo\\nlines\n".utf8)) == ["one", "two\nlines"])
    }

    @Test func appendsCreateDirectoriesAndFilePrivately() throws {
        let (directory, path) = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = HistoryFile(path: path, limit: 100)
        try file.append("activity show:lost\n| limit 3")
        try file.append("set format = json")
        #expect(try file.load() == ["activity show:lost\n| limit 3", "set format = json"])
        let fileMode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        let directoryMode = try FileManager.default.attributesOfItem(atPath: directory + "/state/traktql")[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(directoryMode == 0o700)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "activity show:lost\\n| limit 3\nset format = json\n")
    }

    @Test func noConsecutiveDuplicates() throws {
        let (directory, path) = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = HistoryFile(path: path, limit: 100)
        try file.append("a")
        try file.append("a")
        try file.append("b")
        try file.append("a")
        #expect(try file.load() == ["a", "b", "a"])

        let history = History(file: file) { _ in }
        #expect(history.record("a") == nil)  // the file's last entry
        #expect(history.record("c") == "c")
        #expect(history.record("c  ") == nil)  // trailing blanks do not make it new
        #expect(try file.load() == ["a", "b", "a", "c"])
    }

    @Test func sizeIsBoundedOnLoad() throws {
        let (directory, path) = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = HistoryFile(path: path, limit: 1000)
        for i in 1...25 { try writer.append("statement \(i)") }
        let small = HistoryFile(path: path, limit: 10)
        #expect(try small.load() == (16...25).map { "statement \($0)" })
        // Trimmed in place: a later load sees the same ten, and appends go after them.
        try writer.append("statement 26")
        #expect(try writer.load() == (16...26).map { "statement \($0)" })

        let history = History(file: HistoryFile(path: path, limit: 3)) { _ in }
        #expect(history.entries == ["statement 24", "statement 25", "statement 26"])
        history.record("statement 27")
        #expect(history.entries == ["statement 25", "statement 26", "statement 27"])
    }

    @Test func sizeComesFromTheEnvironment() {
        #expect(HistoryFile.limit(environment: [:]).0 == 1000)
        #expect(HistoryFile.limit(environment: ["TRAKTQL_HISTORY_SIZE": "50"]).0 == 50)
        #expect(HistoryFile.limit(environment: ["TRAKTQL_HISTORY_SIZE": "0"]).0 == 0)
        let (size, warning) = HistoryFile.limit(environment: ["TRAKTQL_HISTORY_SIZE": "lots"])
        #expect(size == 1000 && warning != nil)
        #expect(HistoryFile.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/traktql/history")
        #expect(HistoryFile.defaultPath(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]) == "/h/.local/state/traktql/history")
        #expect(HistoryFile.defaultPath(environment: [:]) == nil)
    }

    @Test func concurrentAppendsFromSeparateDescriptorsLoseNothing() async throws {
        let (directory, path) = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Each append opens its own descriptor, so these writers are as independent as two
        // shells (flock locks belong to the open file description).
        let writers = 4
        let perWriter = 150
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    let file = HistoryFile(path: path, limit: 100_000)
                    for i in 0..<perWriter {
                        try? file.append("writer \(writer) statement \(i)\nsecond line \\ \(String(repeating: "x", count: i * 7))")
                    }
                }
            }
        }
        let entries = try HistoryFile(path: path, limit: 100_000).load()
        #expect(entries.count == writers * perWriter)
        #expect(Set(entries).count == writers * perWriter)
        for writer in 0..<writers {
            let mine = entries.filter { $0.hasPrefix("writer \(writer) ") }
            #expect(mine.count == perWriter)
            #expect(mine.first?.hasPrefix("writer \(writer) statement 0\n") == true)  // each writer's order is kept
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/flock"), "needs /usr/bin/flock (scripts/install-deps.sh installs it)")) func concurrentAppendsFromTwoProcessesLoseNothing() throws {
        let (directory, path) = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Two child processes appending at once with flock(1) and >> (O_APPEND), against this
        // process appending through HistoryFile; the same locking discipline on both sides.
        var children: [Spawn.Child] = []
        for name in ["p", "q"] {
            let script = "i=0; while [ $i -lt 200 ]; do flock \"$0\" sh -c 'printf \"%s\\n\" \"$1\" >> \"$0\"' \"$0\" \"\(name) $i\"; i=$((i+1)); done"
            let child = try #require(Spawn.start("/bin/sh", ["-c", script, path]))
            children.append(child)
        }
        let file = HistoryFile(path: path, limit: 100_000)
        for i in 0..<200 { try file.append("me \(i)") }
        for child in children { #expect(Spawn.wait(child, timeout: 60) == 0) }
        let entries = try file.load()
        #expect(entries.count == 600)
        #expect(Set(entries).count == 600)
    }
}

@Suite struct HistoryPolicyTests {
    @Test func secretsAreNeverRecorded() {
        for statement in [
            "set api_key = abc", "let API_KEY = x", "set password = hunter2", "activity user:sean | where x == \"token\"",
            "set secret_thing = 1", "let mypass = x", "set auth = basic", "set apiKey = 1", "Authorization: bearer x",
        ] {
            #expect(!HistoryPolicy.shouldRecord(statement), "\(statement)")
        }
        for statement in ["activity show:lost", "set format = json", "let shows = lost,the-wire", ".help", "explain activity user:justin"] {
            #expect(HistoryPolicy.shouldRecord(statement), "\(statement)")
        }
        #expect(!HistoryPolicy.shouldRecord("   "))
    }

    /// The history holds a copy of the session's redactor made at start; a token the session
    /// learns later (a renewed login) still keeps a statement holding it out of the history.
    @Test func aTokenLearnedAfterStartIsNotRecorded() {
        let redactor = Redactor(apiKey: "key-at-start-1234")
        let history = History(file: nil, redactor: redactor) { _ in }
        let renewed = "4f1c0d9e8b7a6f5e4d3c2b1a09f8e7d6"
        #expect(history.record("activity user:\(renewed)") != nil, "not a secret yet")
        redactor.learn(renewed, label: "<token>")
        #expect(history.record("activity user:justin | where title == \"\(renewed)\"") == nil)
        #expect(history.record("activity user:key-at-start-1234") == nil)
    }

    @Test func aSessionRecordsWithoutTheFile() {
        let history = History(file: nil) { _ in }
        #expect(history.record("activity show:lost\n| limit 3") == "activity show:lost | limit 3")
        #expect(history.record("set password = x") == nil)
        #expect(history.record("activity show:lost | limit 3") == nil)
        history.record("activity (\n# comment\n)")
        #expect(history.listing() == "1  activity show:lost | limit 3\n2  activity (\n   # comment\n   )\n")
        #expect(history.listing(last: 1) == "2  activity (\n   # comment\n   )\n")
    }
}

@Suite struct StatementBufferTests {
    private func feed(_ lines: [String]) -> [StatementBuffer.Verdict] {
        var buffer = StatementBuffer()
        return lines.map { buffer.add($0) }
    }

    @Test func aLineIsUsuallyAStatement() {
        #expect(feed(["activity show:lost"]) == [.complete("activity show:lost")])
        #expect(feed(["", "  # just a comment", ".help"]) == [.empty, .empty, .complete(".help")])
    }

    @Test func aTrailingPipeContinuesWithASpace() {
        #expect(feed(["activity show:lost |", "limit 3"]) == [.needsMore, .complete("activity show:lost | limit 3")])
        #expect(feed(["activity show:lost |", "", "where rating >= 8 |", "limit 3"])
                == [.needsMore, .needsMore, .needsMore, .complete("activity show:lost |  where rating >= 8 | limit 3")])
    }

    @Test func openParenthesesBracketsAndStringsContinue() {
        #expect(feed(["activity | where (rating >= 8", "or rating <= 2)"]) == [.needsMore, .complete("activity | where (rating >= 8\nor rating <= 2)")])
        #expect(feed(["activity | where action in [\"seen\",", "\"rating\"]"]).last == .complete("activity | where action in [\"seen\",\n\"rating\"]"))
        #expect(feed(["activity | where title == \"a", "b\""]) == [.needsMore, .complete("activity | where title == \"a\nb\"")])
        #expect(feed(["activity user:\"ab", "c\""]) == [.needsMore, .complete("activity user:\"ab\nc\"")])
    }

    @Test func aBackslashContinues() {
        #expect(feed(["activity show:lost \\", "season:1"]) == [.needsMore, .complete("activity show:lost  season:1")])
    }

    @Test func aFirstLineStartingWithAPipeIsRefused() {
        #expect(feed(["  | limit 3"]) == [.strayPipe])
        #expect(feed(["activity | where (x", "| y)"]).first == .needsMore)  // inside a statement it is just text
    }

    @Test func compactJoinsOnlyWhenTheMeaningIsKept() {
        #expect(StatementBuffer.compact("activity | where (rating >= 8\n  or rating <= 2)") == "activity | where (rating >= 8 or rating <= 2)")
        #expect(StatementBuffer.compact("activity show:lost\n| limit 3") == "activity show:lost | limit 3")
        #expect(StatementBuffer.compact("activity | where (x # note\n)") == "activity | where (x # note\n)")
        #expect(StatementBuffer.compact("activity | where title == \"a\nb\"") == "activity | where title == \"a\nb\"")
    }
}

/// Issue 12 item 1: the history file is never followed through a link, never read whole, and
/// trimmed by replacing it.
@Suite struct HistoryFileSafetyTests {
    private func temporaryPath() throws -> (directory: String, path: String) {
        let directory = NSTemporaryDirectory() + "traktql-history-safety-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/traktql", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        return (directory, directory + "/traktql/history")
    }

    @Test func aSymlinkedHistoryLeavesItsTargetUnchanged() throws {
        let (directory, path) = try temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let target = directory + "/precious.txt"
        let original = (1...1500).map { "line \($0)\n" }.joined()
        try Data(original.utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: target)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)

        var warnings: [String] = []
        let history = History(file: HistoryFile(path: path, limit: 1000)) { warnings.append($0) }
        #expect(history.entries.isEmpty)
        history.record("activity show:lost")
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("symbolic link") == true, "\(warnings)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == original)
        #expect(try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int == 0o644)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: path) == target)
    }

    @Test func aLinkToADeviceIsRefusedAtOnce() throws {
        let (directory, path) = try temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
        // Before, this read /dev/zero until memory ran out; now it is refused without reading.
        #expect(throws: HistoryFile.Failure.self) { try HistoryFile(path: path, limit: 1000).load() }
    }

    @Test func aFifoIsNotAHistoryFile() throws {
        let (directory, path) = try temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(mkfifo(path, 0o600) == 0)
        #expect(throws: HistoryFile.Failure.self) { try HistoryFile(path: path, limit: 1000).load() }
    }

    @Test func onlyTheTailOfAHugeFileIsReadAndTheFileIsReplacedSmaller() throws {
        let (directory, path) = try temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // 4 MiB of history (the issue saw 315 MB take 1 GB and 6 s): only the last MiB is read.
        let line = Array((String(repeating: "x", count: 1000) + "\n").utf8)
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        var chunk: [UInt8] = []
        for _ in 0..<1024 { chunk += line }
        for _ in 0..<4 { handle.write(Data(chunk)) }
        handle.write(Data("the last one\n".utf8))
        try handle.close()
        chmod(path, 0o600)
        var before = stat()
        #expect(stat(path, &before) == 0)

        let entries = try HistoryFile(path: path, limit: 100_000).load()
        #expect(entries.last == "the last one")
        #expect(entries.count <= HistoryFile.maximumReadBytes / 1001 + 1)
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_size <= off_t(HistoryFile.maximumReadBytes))
        #expect(after.st_ino != before.st_ino, "trimmed by a new file renamed over the old")
        #expect(after.st_mode & 0o777 == 0o600)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp-\(getpid())"))
    }

    @Test func trimmingReplacesTheFileAndLaterAppendsLand() throws {
        let (directory, path) = try temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = HistoryFile(path: path, limit: 1000)
        for i in 1...30 { try writer.append("s \(i)") }
        var before = stat()
        #expect(stat(path, &before) == 0)
        #expect(try HistoryFile(path: path, limit: 5).load() == (26...30).map { "s \($0)" })
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_ino != before.st_ino)
        try writer.append("s 31")
        #expect(try writer.load() == (26...31).map { "s \($0)" })
    }

    @Test func aDirectoryWritableByOthersIsWarnedAbout() throws {
        let (directory, path) = try temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(HistoryFile(path: path, limit: 10).directoryWarning() == nil)
        chmod(directory + "/traktql", 0o777)
        var warnings: [String] = []
        _ = History(file: HistoryFile(path: path, limit: 10)) { warnings.append($0) }
        #expect(warnings.first?.contains("writable by other users") == true, "\(warnings)")
    }
}
