import Foundation
import Testing

/// `| chart` through the real binary: on a pty (from `script`), in and out of a UTF-8 locale,
/// with and without NO_COLOR; and as data with --format json/csv.
@Suite struct ChartTerminalTests {
    static let query = "activity user:justin since:30d | stats count by hour(time) | chart"
    static let base = ["--now", "2024-11-24T12:00:00Z", "--seed", "42", "--tz", "UTC"]

    /// Runs traktql on a pseudo-terminal; stdout is the terminal's output.
    static func onATerminal(_ query: String, environment: [String: String]) async throws -> BinaryRunner.Output {
        let command = ([BinaryRunner.binary("traktql").path] + base + ["-c", "'\(query)'"]).joined(separator: " ")
        return try await BinaryRunner.runProgram("/usr/bin/script", ["-qec", command, "/dev/null"], environment: environment)
    }

    static func visibleLines(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
            .split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).map(String.init)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func aChartOnARealTerminalIsColouredUnicodeAndFitsTheWidth() async throws {
        let out = try await Self.onATerminal(Self.query, environment: ["NO_COLOR": "", "LC_ALL": "C.UTF-8", "COLUMNS": "100", "TERM": "xterm"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("\u{1B}[36m█"), "coloured bars on a terminal")
        let lines = Self.visibleLines(out.stdout).filter { $0.contains("│") }
        #expect(lines.count == 25, "a header and hours 0…23: \(out.stdout)")
        #expect(lines.dropFirst().first?.hasPrefix("0 ") == true)
        let widest = lines.map { $0.unicodeScalars.count }.max() ?? 0
        #expect(widest <= 100 && widest >= 90, "scaled to the terminal's 100 columns, widest \(widest)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func noColorAndANonUTF8LocaleOnATerminal() async throws {
        let plain = try await Self.onATerminal(Self.query, environment: ["NO_COLOR": "1", "LC_ALL": "C.UTF-8", "COLUMNS": "80", "TERM": "xterm"])
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("█"))
        // (The progress line on stderr, on the same terminal, erases itself with ESC [2K: not colour.)
        #expect(plain.stdout.range(of: "\u{1B}\\[[0-9;]*m", options: .regularExpression) == nil, "NO_COLOR: no colour codes")
        let ascii = try await Self.onATerminal(Self.query, environment: ["NO_COLOR": "1", "LC_ALL": "C", "LANG": "", "COLUMNS": "80", "TERM": "xterm"])
        #expect(ascii.status == 0)
        let chart = Self.visibleLines(ascii.stdout).filter { $0.contains("|") }
        #expect(chart.count == 25)
        #expect(chart.allSatisfy { $0.unicodeScalars.allSatisfy { $0.value < 0x80 } }, "ASCII only in the C locale: \(chart)")
        #expect(chart.contains { $0.contains("#") })
    }

    @Test func machineFormatsPassTheRowsThroughUnchanged() async throws {
        for format in ["json", "csv", "ndjson"] {
            let charted = try await BinaryRunner.run("traktql", Self.base + ["--format", format, "-c", Self.query])
            let plain = try await BinaryRunner.run("traktql", Self.base + ["--format", format, "-c", String(Self.query.dropLast(" | chart".count))])
            #expect(charted.status == 0, "\(charted.stderr)")
            #expect(!charted.stdout.isEmpty)
            #expect(charted.stdout == plain.stdout, "\(format)")
        }
    }

    @Test func aHeatmapThroughTheBinary() async throws {
        let out = try await BinaryRunner.run("traktql", Self.base + ["--format", "table", "-c",
            "activity user:justin since:30d | stats count by weekday(time), hour(time) | chart heatmap"], environment: ["LC_ALL": "C.UTF-8"])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n").map(String.init)
        #expect(lines.map { String($0.prefix(3)) }.dropFirst().prefix(7) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
        #expect(lines.last?.contains("count") == true && lines.last?.contains("█") == true, "the legend")
    }
}
