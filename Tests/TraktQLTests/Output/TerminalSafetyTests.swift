import Foundation
import Testing
@testable import TraktQL

@Suite("Terminal safety and width")
struct TerminalSafetyTests {
    static let osc52 = "innocent\u{1B}]52;c;cm0gLXJmIH4=\u{07}title"
    static let csi = "\u{1B}[2J\u{1B}[31mred"
    static let bidi = "abc\u{202E}fdp.exe\u{2066}x\u{2069}"
    static let c1 = "a\u{9B}31mb\u{85}c\u{7F}d\u{0}e"

    func render(_ rows: [[Value]], _ format: OutputFormat, width: Int? = nil, color: Bool = false) -> String {
        Renderer.render(columns: ["text"], rows: rows,
                        options: RenderOptions(format: format, timeZone: TimeZone(identifier: "UTC")!, terminalWidth: width, color: color, csvLineEnding: .lf))
    }

    func hasDangerous(_ s: String, allowingNewlines: Bool = true) -> Bool {
        s.unicodeScalars.contains { scalar in
            if allowingNewlines, scalar == "\n" || scalar == "\r" || scalar == "\t" { return false }
            return TerminalText.isDangerous(scalar.value)
        }
    }

    @Test(arguments: OutputFormat.allCases)
    func noFormatLetsControlCharactersThrough(format: OutputFormat) throws {
        let rows: [[Value]] = [[.string(Self.osc52)], [.string(Self.csi)], [.string(Self.bidi)], [.string(Self.c1)],
                               [.array([.string(Self.osc52)])], [.object([(Self.csi, .string(Self.bidi))])]]
        let out = render(rows, format)
        #expect(!hasDangerous(out), "\(format): \(out.debugDescription)")
        #expect(!out.contains("\u{1B}"))
    }

    @Test func tableShowsEscapesVisibly() {
        let out = render([[.string(Self.osc52)], [.string(Self.bidi)], [.string("line1\nline2\ttab")]], .table)
        #expect(out.contains(#"innocent\u{1B}]52;c;cm0gLXJmIH4=\u{7}title"#))
        #expect(out.contains(#"abc\u{202E}fdp.exe\u{2066}x\u{2069}"#))
        #expect(out.contains(#"line1\nline2\ttab"#))
        #expect(out.split(separator: "\n").count == 5)
    }

    @Test func jsonStaysValidAndLossless() throws {
        let values: [Value] = [.string(Self.osc52), .string(Self.csi), .string(Self.bidi), .string(Self.c1),
                               .string("\u{2028}\u{2029}\u{85}é中😀\"\\/")]
        let out = render(values.map { [$0] }, .json)
        let parsed = try JSONReader.parse(out)
        guard case .array(let objects) = parsed else { Issue.record("not an array"); return }
        #expect(objects.map { $0["text"] } == values.map { Optional($0) })
        #expect(out.contains(#"\u001B]52;c;"#))
        #expect(out.contains(#"\u202E"#))
        #expect(out.contains("é中😀"))
    }

    @Test func csvQuotesAndReplacesControls() {
        let out = render([[.string(Self.osc52)], [.string("a,\"b\"\nc")], [.string(Self.bidi)], [.null]], .csv)
        #expect(out == "text\ninnocent\u{FFFD}]52;c;cm0gLXJmIH4=\u{FFFD}title\n\"a,\"\"b\"\"\nc\"\nabc\u{FFFD}fdp.exe\u{FFFD}x\u{FFFD}\n\n")
    }

    @Test func visibleWidth() {
        #expect(TerminalText.width("hello") == 5)
        #expect(TerminalText.width("中文") == 4)
        #expect(TerminalText.width("ｱｲｳ") == 3)  // half-width katakana
        #expect(TerminalText.width("ＡＢ") == 4)  // full-width Latin
        #expect(TerminalText.width("한국어") == 6)
        #expect(TerminalText.width("e\u{301}") == 1)
        #expect(TerminalText.width("a\u{200B}b") == 2)
        #expect(TerminalText.width("😀") == 2)
        #expect(TerminalText.width("👍🏽") == 2)
        #expect(TerminalText.width("👨‍👩‍👧") == 2)
        #expect(TerminalText.width("🇯🇵") == 2)
        #expect(TerminalText.width("❤️") == 2)
        #expect(TerminalText.width("\u{1B}[1mbold\u{1B}[0m") == 4)
        #expect(TerminalText.width("\u{1B}]8;;http://x\u{1B}\\link\u{1B}]8;;\u{1B}\\") == 4)
        #expect(TerminalText.width("") == 0)
    }

    @Test func truncation() {
        #expect(TerminalText.truncate("hello world", to: 6) == "hello…")
        #expect(TerminalText.truncate("hello", to: 5) == "hello")
        #expect(TerminalText.truncate("中文字幕", to: 5) == "中文…")
        #expect(TerminalText.truncate("中文字幕", to: 4) == "中…")
        #expect(TerminalText.truncate("😀😀😀", to: 4) == "😀…")
        #expect(TerminalText.truncate("e\u{301}e\u{301}e\u{301}", to: 2) == "e\u{301}…")
        #expect(TerminalText.truncate("abc", to: 1) == "…")
        #expect(TerminalText.truncate("abc", to: 0) == "")
    }

    @Test func tableFitsTheWidth() {
        let columns = ["time", "who", "title"]
        let rows: [[Value]] = [
            [.string("2024-11-24 17:05"), .string("justin"), .string("The Walking Dead: a very long episode title indeed")],
            [.string("2024-11-24 17:06"), .string("山田太郎"), .string("進撃の巨人 The Final Season 完結編")],
            [.string("2024-11-24 17:07"), .string("😀 emoji user"), .string("Ünïcödé e\u{301}")],
        ]
        for width in [80, 60, 40, 30, 20, 12] {
            let out = Renderer.render(columns: columns, rows: rows, options: RenderOptions(format: .table, terminalWidth: width))
            for line in out.split(separator: "\n") {
                #expect(TerminalText.width(String(line)) <= width, "width \(width): \(line)")
            }
        }
        let out = Renderer.render(columns: columns, rows: rows, options: RenderOptions(format: .table, terminalWidth: 40))
        #expect(out.contains("…"))
        let wide = Renderer.render(columns: columns, rows: rows, options: RenderOptions(format: .table, terminalWidth: 200))
        #expect(!wide.contains("…"))
    }

    @Test func tableAlignsWideCharacters() {
        let out = Renderer.render(columns: ["a", "b"], rows: [[.string("中文"), .int(1)], [.string("ab"), .int(22)]],
                                  options: RenderOptions(format: .table))
        #expect(out == "a      b\n----  --\n中文   1\nab    22\n")
    }

    @Test func veryNarrowWidth() {
        let rows: [[Value]] = [[.string("abc"), .string("中文"), .int(12345)]]
        for width in [0, 1, 3, 5, 8] {
            let out = Renderer.render(columns: ["x", "yy", "zzz"], rows: rows, options: RenderOptions(format: .table, terminalWidth: width))
            // Three columns need at least 1 + 2 + 1 + 2 + 1 = 7.
            for line in out.split(separator: "\n") { #expect(TerminalText.width(String(line)) <= max(width, 7)) }
        }
        #expect(TableLayout.fit([10, 10], into: 5) == [2, 1])
        #expect(TableLayout.fit([10, 3], into: 11) == [6, 3])
        #expect(TableLayout.fit([10, 10, 2], into: 16) == [5, 5, 2])
        #expect(TableLayout.fit([10, 10], into: 17) == [8, 7])
        #expect(TableLayout.fit([4, 4], into: nil) == [4, 4])
    }

    @Test func colourOnlyWhenEnabled() {
        let rows: [[Value]] = [[.null], [.string("x")]]
        let plain = render(rows, .table)
        #expect(!plain.contains("\u{1B}"))
        #expect(plain == "text\n----\n\nx\n")
        let coloured = render(rows, .table, color: true)
        #expect(coloured == "\u{1B}[1mtext\u{1B}[0m\n----\n\u{1B}[2mnull\u{1B}[0m\nx\n")
        for format in [OutputFormat.json, .ndjson, .csv, .tsv] {
            #expect(!render(rows, format, color: true).contains("\u{1B}"))
        }
    }

    @Test func nestedValuesInCells() {
        let v: Value = .object([("a", .array([.int(1), .string("x\u{1B}")])), ("b", .null)])
        #expect(render([[v]], .table) == "text\n----------------------------\n{\"a\":[1,\"x\\u001B\"],\"b\":null}\n")
        #expect(render([[v]], .csv) == "text\n\"{\"\"a\"\":[1,\"\"x\\u001B\"\"],\"\"b\"\":null}\"\n")
    }
}
