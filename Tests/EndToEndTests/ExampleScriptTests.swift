import Foundation
import Testing

/// Every saved script in Examples/ runs against the built-in emulator (seed 42, clock pinned)
/// and prints exactly Examples/expected/NAME.out. `EXAMPLES_RECORD=1` rewrites the expectations.
@Suite struct ExampleScriptTests {
    static let folder = BinaryRunner.root.appendingPathComponent("Examples")

    static var scripts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".tql") }.sorted()
    }

    @Test func thereAreAtLeastEightExamples() {
        #expect(Self.scripts.count >= 8)
    }

    /// The pinned clock, and the exceptions: dst-day.tql names a date, which must fall in the
    /// years the dataset covers.
    static func pinnedNow(_ script: String) -> String {
        script == "dst-day.tql" ? "2025-11-24T12:00:00Z" : "2024-11-24T12:00:00Z"
    }

    @Test(arguments: ExampleScriptTests.scripts)
    func examplePrintsItsExpectedOutput(_ script: String) async throws {
        let name = String(script.dropLast(4))
        let out = try await BinaryRunner.run("traktql", ["--now", Self.pinnedNow(script), "--seed", "42", "--tz", "UTC", "--format", "table",
                                                   Self.folder.appendingPathComponent(script).path],
                                          // Charts: block characters in a UTF-8 locale, 80 columns when stdout is not a terminal.
                                          environment: ["LC_ALL": "C.UTF-8", "COLUMNS": ""])
        #expect(out.status == 0, "\(script): \(out.stderr)")
        let expectedURL = Self.folder.appendingPathComponent("expected/\(name).out")
        if ProcessInfo.processInfo.environment["EXAMPLES_RECORD"] == "1" {
            try out.stdout.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(out.stdout == expected, "\(script) output differs from expected/\(name).out")
    }

    /// What a newcomer runs first (`./run.sh Examples/X.tql`): the default dataset, the real
    /// clock, no pinned flags. Every example succeeds with at least one row (issue 11, item 16).
    @Test(arguments: ExampleScriptTests.scripts)
    func exampleReturnsRowsUnpinned(_ script: String) async throws {
        let out = try await BinaryRunner.run("traktql", ["--format", "csv", Self.folder.appendingPathComponent(script).path])
        #expect(out.status == 0, "\(script): \(out.stderr)")
        // A header and at least one row (or, for explain, the plan).
        let lines = out.stdout.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count >= 2, "\(script) printed no rows: \(out.stdout)\(out.stderr)")
    }
}
