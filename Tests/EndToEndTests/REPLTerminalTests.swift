#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// The interactive shell driven through a real terminal: tmux runs the built `traktql` in a
/// 120×40 pane, `send-keys` types, `capture-pane` reads the screen.
///
/// Every wait polls the screen against a deadline, and each test has its own tmux server
/// (`-L`), killed at the end whatever happens. Skipped when tmux is not installed.
@Suite(.serialized, .enabled(if: Tmux.executable != nil, "tmux is not installed; skipping the terminal tests"))
struct REPLTerminalTests {
    @Test func completionQueryAndHistoryRecall() throws {
        let home = try TemporaryDirectory()
        let tmux = try Tmux.start(REPLTerminalTests.traktql(home: home))
        defer { tmux.stop() }
        try tmux.expect("traktql>", "the prompt")
        #expect(tmux.screen.contains("traktql 0.1 — .help for help, .quit to leave"))

        tmux.send("activity sh", "Tab")
        try tmux.expect("traktql> activity show:", "TAB completes the qualifier key")

        // A statement continued after a trailing '|'.
        tmux.send("the-walking-dead season:1 action:seen |", "Enter")
        try tmux.expect("    ...>", "the continuation prompt")
        tmux.send("limit 3", "Enter")
        try tmux.expect("(3 rows)", "the query's table", timeout: 30)
        let screen = tmux.screen
        #expect(screen.contains("time              who"))
        #expect(screen.contains("The Walking Dead  S01E0"))

        tmux.send("Up")
        try tmux.expectLastLine("traktql> activity show:the-walking-dead season:1 action:seen | limit 3", "Up recalls the whole statement")
        tmux.send("C-c")
        try tmux.expectLastLine("traktql>", "Ctrl-C clears the line")
        tmux.send("C-d")
        try tmux.expect("EXIT=0", "Ctrl-D on an empty line exits 0")

        let history = try String(contentsOfFile: home.path + "/state/traktql/history", encoding: .utf8)
        #expect(history == "activity show:the-walking-dead season:1 action:seen | limit 3\n")
    }

    @Test func multiLineStatementsHistoryAndErrors() throws {
        let home = try TemporaryDirectory()
        let tmux = try Tmux.start(REPLTerminalTests.traktql(home: home))
        defer { tmux.stop() }
        try tmux.expect("traktql>", "the prompt")

        // An open parenthesis continues the statement.
        tmux.send("activity show:the-walking-dead | where (sxe == \"S01E01\"", "Enter")
        try tmux.expect("    ...>", "the continuation prompt")
        tmux.send("or sxe == \"S01E02\") | count", "Enter")
        try tmux.expect("(1 row)", "the count", timeout: 30)

        // A first line starting with '|' does not run on its own.
        tmux.send("| limit 3", "Enter")
        try tmux.expect("a line cannot start with '|'", "the stray-pipe error")

        // Ctrl-C on an empty line only hints.
        tmux.send("C-c")
        try tmux.expect("(use .quit or Ctrl-D to leave)", "the empty-line hint")

        // Secrets are not recorded; settings are.
        tmux.send("set format = csv", "Enter")
        try tmux.expect("format = csv", "the setting")
        tmux.send("let api_key = abc", "Enter")
        tmux.send(".history", "Enter")
        try tmux.expect("2  set format = csv", ".history lists the statements")
        #expect(!tmux.screen.contains("2  let api_key"))
        tmux.send(".quit", "Enter")
        try tmux.expect("EXIT=0", ".quit exits 0")

        let history = try String(contentsOfFile: home.path + "/state/traktql/history", encoding: .utf8)
        #expect(history == """
            activity show:the-walking-dead | where (sxe == "S01E01" or sxe == "S01E02") | count
            set format = csv
            .history
            .quit

            """)
        let mode = try FileManager.default.attributesOfItem(atPath: home.path + "/state/traktql/history")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func ctrlDAtTheContinuationPromptKeepsTheStatementForUp() throws {
        let home = try TemporaryDirectory()
        let tmux = try Tmux.start(REPLTerminalTests.traktql(home: home))
        defer { tmux.stop() }
        try tmux.expect("traktql>", "the prompt")
        tmux.send("activity show:the-walking-dead |", "Enter")
        try tmux.expect("    ...>", "the continuation prompt")
        tmux.send("C-d")
        try tmux.expect("(unfinished statement discarded; press Up to recall it)", "what happened to it")
        try tmux.expectLastLine("traktql>", "back at the primary prompt, still running")
        tmux.send("Up")
        try tmux.expectLastLine("traktql> activity show:the-walking-dead |", "Up recalls the unfinished statement")
        tmux.send("C-c")
        tmux.send("C-d")
        try tmux.expect("EXIT=0", "Ctrl-D on an empty line exits 0")
    }

    /// Two shells at once, typing into one history file: every statement of both is there,
    /// whole, once.
    @Test func twoShellsAtOnceLoseNothingFromTheHistory() throws {
        let home = try TemporaryDirectory()
        let first = try Tmux.start(REPLTerminalTests.traktql(home: home))
        defer { first.stop() }
        let second = try Tmux.start(REPLTerminalTests.traktql(home: home))
        defer { second.stop() }
        try first.expect("traktql>", "the first prompt")
        try second.expect("traktql>", "the second prompt")
        var expected: [String] = []
        for i in 0..<15 {
            for (name, shell) in [("a", first), ("b", second)] {
                let statement = "explain activity user:\(name)\(i) since:\(i + 1)d"
                shell.send(statement, "Enter")
                expected.append(statement)
            }
        }
        try first.expect("since:15d = ", "the first shell's last plan", timeout: 30)
        try second.expect("since:15d = ", "the second shell's last plan", timeout: 30)
        let lines = try String(contentsOfFile: home.path + "/state/traktql/history", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == expected.count)
        #expect(Set(lines) == Set(expected))
        // Each shell's own statements keep their order.
        for name in ["a", "b"] {
            #expect(lines.filter { $0.contains("user:\(name)") } == expected.filter { $0.contains("user:\(name)") })
        }
    }

    @Test func slugsCompleteFromAnExternalEmulatorsCatalog() throws {
        let emulator = try Emulator.start(arguments: ["--scale", "small", "--seed", "42", "--now", "2024-11-24T12:00:00Z"])
        defer { emulator.stop() }
        let home = try TemporaryDirectory()
        let tmux = try Tmux.start(REPLTerminalTests.traktql(home: home, arguments: ["--api-url", emulator.url]))
        defer { tmux.stop() }
        try tmux.expect("traktql>", "the prompt")
        tmux.send("activity show:breaking-b", "Tab")
        try tmux.expect("traktql> activity show:breaking-bad", "TAB completes the slug from GET /emulator/catalog.json")
        tmux.send("C-c")
        tmux.send("C-d")
        try tmux.expect("EXIT=0", "Ctrl-D exits 0")
    }

    /// Issue 11, item 10: TAB with the cursor inside a word completes it without doubling what
    /// follows the cursor, and leaves the cursor after the completed key.
    @Test func tabInTheMiddleOfAWordDoesNotDoubleTheColon() throws {
        let home = try TemporaryDirectory()
        let tmux = try Tmux.start(REPLTerminalTests.traktql(home: home))
        defer { tmux.stop() }
        try tmux.expect("traktql>", "the prompt")
        tmux.send("explain activity act:seen")
        for _ in 0..<5 { tmux.send("Left") }  // the cursor after 'act'
        tmux.send("Tab")
        try tmux.expectLastLine("traktql> explain activity action:seen", "TAB completes the key with one ':'")
        tmux.send("rating,")  // typed where the cursor is: after the ':'
        try tmux.expectLastLine("traktql> explain activity action:rating,seen", "the cursor is after the ':'")
        tmux.send("Enter")
        try tmux.expect("← action:rating,seen", "the plan of the edited statement")
        tmux.send("C-d")
        try tmux.expect("EXIT=0", "Ctrl-D exits 0")
    }

    @Test func ctrlCCancelsASlowQuery() throws {
        let emulator = try Emulator.start(arguments: ["--scale", "small", "--seed", "42", "--now", "2024-11-24T12:00:00Z", "--faults", "latency:3000ms"])
        defer { emulator.stop() }
        let home = try TemporaryDirectory()
        let tmux = try Tmux.start(REPLTerminalTests.traktql(home: home, arguments: ["--api-url", emulator.url]))
        defer { tmux.stop() }
        try tmux.expect("traktql>", "the prompt")

        tmux.send("activity action:seen | limit 3", "Enter")
        try tmux.expect("traktql> activity action:seen | limit 3", "the typed query")
        Thread.sleep(forTimeInterval: 0.5)  // the call is under way (each request takes 3 s)
        let interrupted = Date()
        tmux.send("C-c")
        try tmux.expect("^C query cancelled", "the cancellation", timeout: 5)
        let elapsed = Date().timeIntervalSince(interrupted)
        #expect(elapsed < 1.0, "the prompt came back after \(elapsed) s")
        try tmux.expectLastLine("traktql>", "a fresh prompt")
        #expect(!tmux.screen.contains("(3 rows)"))

        // The shell still works, and nothing from the cancelled query turns up later.
        tmux.send(".tz UTC", "Enter")
        Thread.sleep(forTimeInterval: 3)
        #expect(!tmux.screen.contains("rows)"))
        tmux.send("C-d")
        try tmux.expect("EXIT=0", "Ctrl-D exits 0")
    }

    /// Ctrl-C while a query waits on the built-in emulator, then `.quit`: the server shuts
    /// down cleanly and the shell exits 0 (issue 11, item 7).
    @Test func ctrlCOnTheBuiltInEmulatorThenQuitExits0() throws {
        let home = try TemporaryDirectory()
        let tmux = try Tmux.start(REPLTerminalTests.traktql(home: home, arguments: ["--emulator-faults", "latency:3000ms"]))
        defer { tmux.stop() }
        try tmux.expect("traktql>", "the prompt")
        tmux.send("activity action:seen | limit 3", "Enter")
        try tmux.expect("traktql> activity action:seen | limit 3", "the typed query")
        Thread.sleep(forTimeInterval: 1)  // the emulator starts; its answer takes 3 s
        tmux.send("C-c")
        try tmux.expect("^C query cancelled", "the cancellation", timeout: 30)
        // (The emulator's banner may still arrive after the prompt when its start was slow.)
        tmux.send(".quit", "Enter")
        try tmux.expect("EXIT=", "the shell's exit", timeout: 30)
        #expect(tmux.screen.contains("EXIT=0"), "\(tmux.screen)")
    }

    /// `.quit` with the built-in server running and a keep-alive connection to it: exit 0.
    @Test func quitWithTheBuiltInEmulatorRunningExits0() throws {
        let home = try TemporaryDirectory()
        let tmux = try Tmux.start(REPLTerminalTests.traktql(home: home))
        defer { tmux.stop() }
        try tmux.expect("traktql>", "the prompt")
        tmux.send("activity user:justin,nosuch1 | limit 3", "Enter")
        try tmux.expectLastLine("traktql>", "the prompt after the fan-out's error", timeout: 30)
        #expect(tmux.screen.contains("error:"))
        tmux.send("activity user:justin | limit 3", "Enter")
        try tmux.expect("(3 rows)", "the query's table", timeout: 30)
        tmux.send(".quit", "Enter")
        try tmux.expect("EXIT=", "the shell's exit", timeout: 30)
        #expect(tmux.screen.contains("EXIT=0"), "\(tmux.screen)")
    }

    // MARK: - Helpers

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func binary(_ name: String) throws -> String {
        let path = BinaryRunner.binary(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure("\(path) is missing: run `swift build --build-tests` first")
        }
        return path
    }

    /// The shell command tmux runs: traktql with a private HOME and XDG_STATE_HOME, then the
    /// exit status printed so a test can read it.
    fileprivate static func traktql(home: TemporaryDirectory, arguments: [String] = []) throws -> String {
        let environment = [
            "HOME=\(home.path)", "XDG_STATE_HOME=\(home.path)/state", "TERM=xterm-256color", "NO_COLOR=1", "LANG=C.UTF-8",
            "TRAKT_API_URL=", "TRAKT_API_KEY=", "TRAKT_USERNAME=", "TRAKT_PASSWORD=", "EDITRC=/dev/null",
        ]
        let command = [try binary("traktql"), "--now", "2024-11-24T12:00:00Z", "--seed", "42"] + arguments
        return "env " + (environment + command).map(Tmux.quote).joined(separator: " ") + "; echo EXIT=$?; sleep 60"
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// A directory removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "traktql-repl-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// One private tmux server with one 120×40 session.
struct Tmux {
    static let executable: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    let socket: String

    static func start(_ command: String) throws -> Tmux {
        let tmux = Tmux(socket: "traktql-test-\(UUID().uuidString.prefix(8))")
        let status = tmux.run(["new-session", "-d", "-x", "120", "-y", "40", "-s", "main", command])
        guard status == 0 else { throw REPLTerminalTests.Failure("tmux new-session failed (\(status.map(String.init) ?? "killed"))") }
        return tmux
    }

    func stop() {
        _ = run(["kill-server"])
        let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(directory)/tmux-\(getuid())/\(socket)")
    }

    /// Keys as tmux names them ("Enter", "Tab", "C-c", "Up") or literal text.
    func send(_ keys: String...) {
        for key in keys {
            if ["Enter", "Tab", "Up", "Down", "Left", "Right", "C-c", "C-d", "C-r", "C-u", "Escape"].contains(key) {
                _ = run(["send-keys", "-t", "main", key])
            } else {
                _ = run(["send-keys", "-t", "main", "-l", key])
            }
        }
    }

    var screen: String {
        Spawn.run(Tmux.executable ?? "/usr/bin/tmux", ["-L", socket, "-f", "/dev/null", "capture-pane", "-p", "-t", "main"],
                  captureOutput: true, timeout: 10).output
    }

    /// Waits until the screen shows `text`; fails with the screen when the deadline passes.
    func expect(_ text: String, _ what: String, timeout: TimeInterval = 10) throws {
        try waitUntil(what, timeout: timeout) { $0.contains(text) }
    }

    /// Waits until the last non-blank line of the screen is `line` (trailing blanks ignored).
    func expectLastLine(_ line: String, _ what: String, timeout: TimeInterval = 10) throws {
        try waitUntil(what, timeout: timeout) { screen in
            let lines = screen.split(separator: "\n").map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }
            return lines.last { !$0.isEmpty } == line
        }
    }

    private func waitUntil(_ what: String, timeout: TimeInterval, _ condition: (String) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = screen
            if condition(last) { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        Issue.record("timed out after \(timeout) s waiting for \(what); the screen:\n\(last)")
        throw REPLTerminalTests.Failure("timed out waiting for \(what)")
    }

    @discardableResult
    private func run(_ arguments: [String]) -> Int32? {
        Spawn.run(Tmux.executable ?? "/usr/bin/tmux", ["-L", socket, "-f", "/dev/null"] + arguments, timeout: 10).status
    }

    static func quote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// A `trakt-emulator` process on a free port.
struct Emulator {
    let child: Spawn.Child
    let url: String

    static func start(arguments: [String]) throws -> Emulator {
        guard let child = Spawn.start(try REPLTerminalTests.binary("trakt-emulator"), ["--port", "0"] + arguments, captureOutput: true) else {
            throw REPLTerminalTests.Failure("cannot start trakt-emulator")
        }
        // It prints its URL on one line once it listens.
        let url = Spawn.readOutput(child, timeout: 30, untilNewline: true).trimmingCharacters(in: .whitespacesAndNewlines)
        guard url.hasPrefix("http") else {
            kill(child.pid, SIGKILL)
            Spawn.wait(child, timeout: 5)
            throw REPLTerminalTests.Failure("trakt-emulator did not report its URL")
        }
        return Emulator(child: child, url: url)
    }

    func stop() {
        kill(child.pid, SIGTERM)
        Spawn.wait(child, timeout: 5)
        close(child.output)
    }
}
