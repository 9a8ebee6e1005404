import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TraktEmulator
import TraktEmulatorServer

/// Against an emulator whose every title, name and comment carries a terminal attack
/// (`--hostile-text`), no output format lets a control sequence through, and csv/json stay valid.
@Suite(.serialized) struct TerminalSafetyTests {
    static let server: Task<EmulatorServer, any Error> = Task {
        try await EmulatorServer.start(EmulatorConfiguration(seed: 5, size: DatasetScale.small.size, now: ISO8601DateFormatter().date(from: "2024-11-24T12:00:00Z"), hostileText: true))
    }
    static let queries = [
        "activity action:shout,review since:60d | select time, who, user.full_name, user.about, title, shout.text, review.text | limit 40",
        "activity type:list since:60d | select who, list.name, list.description | limit 20",
        "activity type:movie,show since:7d | limit 40",
    ]

    /// Scalars that must never reach a terminal raw.
    static func dangerous(_ text: String) -> [String] {
        text.unicodeScalars.compactMap { s -> String? in
            let v = s.value
            let bad = (v < 0x20 && v != 0x0A && v != 0x0D && v != 0x09) || v == 0x7F || (0x80...0x9F).contains(v)
                || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            return bad ? String(format: "U+%04X", v) : nil
        }
    }

    @Test func theEmulatorReallySendsHostileText() async throws {
        let server = try await Self.server.value
        let (data, _) = try await URLSession.shared.data(from: URL(string: server.baseURL.absoluteString + "/activity/community.json/k/movie")!)
        let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let titles = ((body?["activity"] as? [[String: Any]]) ?? []).compactMap { ($0["movie"] as? [String: Any])?["title"] as? String }
        #expect(titles.contains { $0.contains("\u{1B}") || $0.contains("\u{202E}") || $0.contains("\u{9B}") })
    }

    @Test(arguments: ["table", "csv", "tsv", "json", "ndjson"])
    func noControlSequenceGetsThrough(format: String) async throws {
        let server = try await Self.server.value
        for query in Self.queries {
            let out = try await BinaryRunner.run("traktql", ["--api-url", server.baseURL.absoluteString, "--format", format,
                                                             "--now", "2024-11-24T12:00:00Z", "-c", query])
            #expect(out.status == 0, "\(format): \(out.stderr)")
            #expect(!out.stdout.isEmpty)
            #expect(Self.dangerous(out.stdout).isEmpty, "\(format) \(query): \(Set(Self.dangerous(out.stdout)))")
            if format != "csv" {
                // A raw carriage return would let a cell overwrite its own line.
                #expect(!out.stdout.unicodeScalars.contains("\r"), "\(format): raw CR")
            } else {
                // In CSV a CR may only end a line (CRLF), never stand alone inside a field.
                let scalars = Array(out.stdout.unicodeScalars)
                let lone = scalars.indices.filter { scalars[$0] == "\r" && ($0 + 1 == scalars.count || scalars[$0 + 1] != "\n") }
                #expect(lone.isEmpty, "csv: \(lone.count) lone CR")
            }
            #expect(Self.dangerous(out.stderr).isEmpty)
            switch format {
            case "json":
                #expect((try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8))) != nil, "invalid JSON")
            case "ndjson":
                for line in out.stdout.split(separator: "\n") {
                    #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "invalid NDJSON line")
                }
            case "csv":
                let records = Self.csvRecords(out.stdout)
                #expect(records.count > 1)
                #expect(Set(records.map(\.count)).count == 1, "ragged CSV: \(Set(records.map(\.count)))")
            case "tsv":
                let lines = out.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                #expect(Set(lines.map { $0.split(separator: "\t", omittingEmptySubsequences: false).count }).count == 1)
            default:
                break
            }
        }
    }

    /// On a real terminal (a pty from `script`), with colour on, only our own SGR colour codes appear.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs /usr/bin/script (scripts/install-deps.sh installs it)")) func onATerminalOnlyOurOwnColourCodesAppear() async throws {
        let server = try await Self.server.value
        let command = "\(BinaryRunner.binary("traktql").path) --api-url \(server.baseURL.absoluteString) --now 2024-11-24T12:00:00Z -c '\(Self.queries[0])'"
        let out = try await BinaryRunner.runProgram("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["NO_COLOR": "", "COLUMNS": "200", "TERM": "xterm"])
        #expect(out.status == 0, "\(out.stderr)")
        // Strip the SGR sequences traktql itself writes (ESC [ digits;digits m), then nothing may remain.
        let stripped = out.stdout.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(out.stdout.contains("\u{1B}["), "expected colour on a terminal")
        #expect(Self.dangerous(stripped).isEmpty, "\(Set(Self.dangerous(stripped)))")
    }

    /// RFC 4180 records (quoted fields may hold commas, quotes and newlines).
    static func csvRecords(_ text: String) -> [[String]] {
        var records: [[String]] = [], field = "", record: [String] = [], quoted = false
        var chars = Array(text), i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { record.append(field); field = "" }
            else if c == "\n" || c == "\r\n" { record.append(field); records.append(record); record = []; field = "" }
            else if c != "\r" { field.append(c) }
            i += 1
        }
        chars = []
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}
