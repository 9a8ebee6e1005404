import Foundation
import Testing

/// Every example in `traktql --help`, `.help` and the README runs on the default built-in
/// dataset with the real clock and returns at least one row (or, for explain, a plan)
/// (issue 11, item 16). The examples are extracted from the texts themselves, so a new one is
/// checked too. Left out, because they need a file: `--input` examples; because they are
/// meant to fail: the README's error demonstrations (not written as commands). The README's
/// `--mirror` examples run after `traktql sync` into a fresh data directory, as a reader would.
@Suite struct DocumentedExampleTests {
    /// Runs each statement (several at a time) and records the ones that fail or print nothing.
    static func check(_ statements: [(origin: String, arguments: [String])], environment: [String: String] = [:]) async throws {
        try await withThrowingTaskGroup(of: (String, BinaryRunner.Output).self) { group in
            var next = 0
            func arguments(_ example: [String]) -> [String] {
                var arguments = example
                if !arguments.contains("--format") { arguments = ["--format", "csv"] + arguments }
                // The friends streams need a user; the built-in emulator's passwords are password-<username>.
                if example.joined(separator: " ").contains("scope:") { arguments = ["--username", "justin", "--password", "password-justin"] + arguments }
                return arguments
            }
            while next < min(3, statements.count) {
                let example = statements[next]
                next += 1
                group.addTask { (example.origin, try await BinaryRunner.run("traktql", arguments(example.arguments), environment: environment)) }
            }
            for try await (origin, out) in group {
                #expect(out.status == 0, "\(origin): exit \(out.status): \(out.stderr)")
                let lines = out.stdout.split(separator: "\n").filter { !$0.isEmpty }
                #expect(lines.count >= 2, "\(origin) printed no rows: \(out.stdout)\(out.stderr)")
                if next < statements.count {
                    let example = statements[next]
                    next += 1
                    group.addTask { (example.origin, try await BinaryRunner.run("traktql", arguments(example.arguments), environment: environment)) }
                }
            }
        }
    }

    /// Splits a shell command line (single quotes only), without the program name and any
    /// redirection.
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        var started = false
        for character in line {
            if character == "'" {
                quoted.toggle()
                started = true
            } else if character == " " && !quoted {
                if started { words.append(current) }
                current = ""
                started = false
            } else {
                current.append(character)
                started = true
            }
        }
        if started { words.append(current) }
        if let redirect = words.firstIndex(of: ">") { words.removeSubrange(redirect...) }
        return Array(words.dropFirst())
    }

    /// `activity …` and `explain …` statements in help text, with their `| …` continuation lines,
    /// each after the `let` lines written before it in the same text (an example that uses
    /// `$seen` runs after the `let seen = …` that defines it).
    static func statements(inHelp text: String) -> [[String]] {
        var found: [[String]] = []
        var lets: [String] = []
        for written in text.split(separator: "\n") {
            let line = written.trimmingCharacters(in: .whitespaces)
            // Examples are indented; prose that starts with "let NAME = …" is not one.
            if line.hasPrefix("let "), written.hasPrefix("  ") {
                lets.append(line)
            } else if line.hasPrefix("activity ") || line.hasPrefix("explain activity") {
                found.append(lets + [line])
            } else if line.hasPrefix("| "), !found.isEmpty {
                found[found.count - 1][found[found.count - 1].count - 1] += " " + line
            }
        }
        return found
    }

    @Test func theHelpOptionsExamplesReturnRows() async throws {
        let help = try await BinaryRunner.run("traktql", ["--help"])
        let commands = help.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("traktql ") && !$0.contains("--input") }
        #expect(commands.count >= 4, "\(help.stdout)")
        try await Self.check(commands.map { ("--help: \($0)", Self.words($0)) })
    }

    @Test func theDotHelpExamplesReturnRows() async throws {
        let main = try await BinaryRunner.run("traktql", ["-c", ".help"])
        let topicsLine = main.stdout.split(separator: "\n").first { $0.hasPrefix("Topics:") } ?? ""
        let skipped: Set<String> = ["Topics:", ".help", "|"]
        let topics: [String] = topicsLine.split(separator: " ").map(String.init).filter { !skipped.contains($0) }
        #expect(topics.count >= 8, "\(topicsLine)")
        var statements: [(String, [String])] = []
        /// `traktql --mirror -c '…'` lines (`.help mirror`): run over a mirror, after `traktql sync`.
        var overTheMirror: [(String, String)] = []
        for topic in [""] + topics {
            let out = try await BinaryRunner.run("traktql", ["-c", ".help \(topic)"])
            for statement in Self.statements(inHelp: out.stdout) {
                statements.append((".help \(topic): \(statement.joined(separator: "; "))", statement.flatMap { ["-c", $0] }))
            }
            for line in out.stdout.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix("traktql --mirror ") {
                overTheMirror += Self.commands(in: String(line)).map { (".help \(topic) (--mirror): \($0)", $0) }
            }
        }
        #expect(statements.count >= 12, "\(statements)")
        try await Self.check(statements)
        #expect(!overTheMirror.isEmpty, ".help shows no query over the mirror")
        try await Self.checkOverAMirror(overTheMirror)
    }

    /// The `-c '…'` statements of a command line.
    static func commands(in line: String) -> [String] {
        var found: [String] = []
        var rest = Substring(line)
        while let start = rest.range(of: "-c '") {
            let after = rest[start.upperBound...]
            guard let end = after.firstIndex(of: "'") else { break }
            found.append(String(after[..<end]))
            rest = after[after.index(after: end)...]
        }
        return found
    }

    /// Runs each statement with `--mirror` over a mirror that `traktql sync` (nothing
    /// configured: justin on the built-in emulator) writes first, as a reader would.
    static func checkOverAMirror(_ statements: [(name: String, statement: String)]) async throws {
        let data = NSTemporaryDirectory() + "traktql-docs-mirror-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: data) }
        let sync = try await BinaryRunner.run("traktql", ["sync", "-q"], environment: ["XDG_DATA_HOME": data], timeout: 120)
        #expect(sync.status == 0, "traktql sync: \(sync.stderr)")
        try await check(statements.map { ($0.name, ["--mirror", "-c", $0.statement]) }, environment: ["XDG_DATA_HOME": data])
    }

    @Test func theReadmeExamplesReturnRows() async throws {
        let readme = try String(contentsOf: BinaryRunner.root.appendingPathComponent("README.md"), encoding: .utf8)
        var statements: [String] = []
        /// Statements whose command line chose v2 (`traktql --api v2 -c '…'`): run the same way.
        var onV2: Set<String> = []
        /// Statements over the mirror (`traktql --mirror -c '…'`): run after `traktql sync`, as a reader would.
        var onMirror: Set<String> = []
        var open: String?
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            // Shell transcripts: traktql> lines and their ...> continuations.
            if line.hasPrefix("traktql> ") {
                if let open { statements.append(open) }
                open = String(line.dropFirst(9))
            } else if line.hasPrefix("    ...> "), let current = open {
                open = current + " " + line.dropFirst(9)
            } else if let current = open {
                statements.append(current)
                open = nil
            }
            // Commands: every -c '…' outside --input examples.
            if !line.contains("--input") {
                for statement in Self.commands(in: line) {
                    statements.append(statement)
                    if line.contains("--api v2 ") { onV2.insert(statement) }
                    if line.contains("--mirror") { onMirror.insert(statement) }
                }
            }
        }
        if let open { statements.append(open) }
        let runnable = statements.filter { $0.hasPrefix("activity") || $0.hasPrefix("explain") }
        #expect(runnable.count >= 6, "\(runnable)")
        try await Self.check(runnable.filter { !onMirror.contains($0) }
            .map { ("README: \($0)", (onV2.contains($0) ? ["--api", "v2"] : []) + ["-c", $0]) })
        #expect(!onMirror.isEmpty, "the README shows no query over the mirror")
        try await Self.checkOverAMirror(runnable.filter { onMirror.contains($0) }.map { ("README (--mirror): \($0)", $0) })
    }
}
