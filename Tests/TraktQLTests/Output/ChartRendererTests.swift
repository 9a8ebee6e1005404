import Foundation
import Testing
@testable import TraktQL

@Suite struct ChartRendererTests {
    static let months: [[Value]] = [
        [.string("2024-01"), .int(40)], [.string("2024-02"), .int(13)], [.string("2024-05"), .int(7)], [.string("2024-06"), .int(27)],
    ]

    static func bars(_ rows: [[Value]], columns: [String] = ["month", "count"], bucket: TimeBucket? = .month, width: Int = 80,
                     unicode: Bool = true, color: Bool = false) -> String {
        ChartRenderer.render(columns: columns, rows: rows, style: ChartStyle(kind: .bar, labelBucket: bucket),
                             options: ChartOptions(width: width, unicode: unicode, color: color, timeZone: TimeZone(identifier: "UTC")!))!
    }

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    @Test(arguments: [40, 80, 200])
    func barsFitTheWidthAndTheLargestFillsIt(_ width: Int) {
        let out = Self.bars(Self.months, width: width)
        let lines = Self.lines(out)
        for line in lines { #expect(TerminalText.width(line) <= width, "\(line)") }
        // The largest value's line (whose value is as wide as any) uses the whole width.
        let largest = try! #require(lines.first { $0.hasPrefix("2024-01") })
        #expect(TerminalText.width(largest) == width)
        #expect(largest.hasSuffix("█ 40"))
        // Bars are proportional, to an eighth of a cell.
        let cells = width - 7 - 2 - 2 - 1  // label 7, " │", value 2, " "
        func eighths(_ line: String) -> Int {
            line.reduce(0) { n, c in
                if c == "█" { return n + 8 }
                if let i = ChartRenderer.eighths.firstIndex(of: String(c)), i > 0 { return n + i }
                return n
            }
        }
        #expect(eighths(largest) == cells * 8)
        let june = try! #require(lines.first { $0.hasPrefix("2024-06") })
        #expect(eighths(june) == Int((27.0 / 40.0 * Double(cells * 8)).rounded()))
    }

    @Test func emptyTimeBucketsAreFilledSoGapsShow() {
        let lines = Self.lines(Self.bars(Self.months.reversed()))  // newest first, as stats returns them
        #expect(lines.dropFirst().map { String($0.prefix(7)) } == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"])
        #expect(lines[3].hasSuffix("│ 0"))
        // Without a bucket (the checker leaves it out after a sort or limit) the rows keep their order.
        let sorted = Self.lines(Self.bars([Self.months[3], Self.months[0], Self.months[1]], bucket: nil))
        #expect(sorted.dropFirst().map { String($0.prefix(7)) } == ["2024-06", "2024-01", "2024-02"])
    }

    @Test func hoursAreFilledZeroToTwentyThree() {
        let lines = Self.lines(Self.bars([[.int(22), .int(5)], [.int(3), .int(1)]], columns: ["hour", "count"], bucket: .hour))
        #expect(lines.count == 25)
        #expect(lines[1].hasPrefix("0 "))
        #expect(lines[24].hasPrefix("23"))
    }

    @Test func weeksFillAcrossAYearEnd() {
        let lines = Self.lines(Self.bars([[.string("2025-W02"), .int(1)], [.string("2024-W51"), .int(2)]], columns: ["week", "count"], bucket: .week))
        #expect(lines.dropFirst().map { String($0.prefix(8)) } == ["2024-W51", "2024-W52", "2025-W01", "2025-W02"])
    }

    @Test func asciiFallbackUsesOnlyASCII() {
        let out = Self.bars(Self.months, unicode: false)
        #expect(out.unicodeScalars.allSatisfy { $0.value < 0x80 }, "\(out)")
        #expect(out.contains("#"))
        let heat = ChartRenderer.render(columns: ["weekday", "hour", "count"], rows: [[.string("Mon"), .int(1), .int(3)]],
                                        style: ChartStyle(kind: .heatmap, labelBucket: .weekday, columnBucket: .hour),
                                        options: ChartOptions(width: 80, unicode: false))!
        #expect(heat.unicodeScalars.allSatisfy { $0.value < 0x80 }, "\(heat)")
    }

    @Test func colourOnlyWhenAsked() {
        #expect(!Self.bars(Self.months, color: false).contains("\u{1B}"))
        #expect(Self.bars(Self.months, color: true).contains("\u{1B}[36m"))
    }

    @Test func localeDecidesUnicode() {
        #expect(ChartOptions.localeIsUTF8(["LANG": "en_US.UTF-8"]))
        #expect(ChartOptions.localeIsUTF8(["LC_ALL": "C.utf8", "LANG": "C"]))
        #expect(!ChartOptions.localeIsUTF8(["LC_ALL": "C", "LANG": "en_US.UTF-8"]))
        #expect(!ChartOptions.localeIsUTF8([:]))
    }

    @Test func heatmapHasEveryWeekdayAndHourAndALegend() {
        let rows: [[Value]] = [[.string("Sat"), .int(21), .int(8)], [.string("Mon"), .int(0), .int(2)], [.string("Mon"), .int(1), .int(4)]]
        let out = ChartRenderer.render(columns: ["weekday", "hour", "count"], rows: rows,
                                       style: ChartStyle(kind: .heatmap, labelBucket: .weekday, columnBucket: .hour),
                                       options: ChartOptions(width: 80))!
        let lines = Self.lines(out)
        #expect(lines.count == 1 + 7 + 1)  // header, Mon…Sun, legend
        #expect(lines[1].hasPrefix("Mon "))
        #expect(lines[7].hasPrefix("Sun"))
        for line in lines { #expect(TerminalText.width(line) <= 80) }
        // Mon 0h = 2 of 8 → level 1; Mon 1h = 4 → level 2; Sat 21h = 8 → level 4.
        let cell = 3  // (80 - 8) / 24 columns, at most 3
        #expect(lines[0].hasPrefix("weekday 0"))
        let mon = Array(lines[1].dropFirst(8))
        #expect(mon[0] == "░" && mon[cell] == "▒")
        let sat = Array(lines[6].dropFirst(8))
        #expect(sat[21 * cell] == "█")
        #expect(lines[8].contains("█ >6–8") && lines[8].hasSuffix("count"))
    }

    @Test func nothingNumericIsNoChart() {
        #expect(ChartRenderer.render(columns: ["who", "title"], rows: [[.string("a"), .string("b")]], style: ChartStyle(kind: .bar),
                                     options: ChartOptions()) == nil)
    }

    @Test func hostileLabelsAreSanitised() {
        let out = Self.bars([[.string("evil\u{1B}]52;c;AAAA\u{07}"), .int(3)]], columns: ["title", "count"], bucket: nil)
        #expect(!out.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }
}

extension ChartRendererTests {
    @Test func extremeValuesNeitherCrashNorOverflow() {
        let rows: [[Value]] = [[.string("Mon"), .int(1), .int(.max)], [.string("Tue"), .int(2), .double(-3)], [.string("Wed"), .int(3), .null]]
        let heat = ChartRenderer.render(columns: ["weekday", "hour", "n"], rows: rows,
                                        style: ChartStyle(kind: .heatmap, labelBucket: .weekday, columnBucket: .hour), options: ChartOptions(width: 10))
        #expect(heat != nil)
        let bars = ChartRenderer.render(columns: ["d", "n"], rows: [[.string("2024-13-40"), .int(.max)], [.string("x"), .double(1e308)]],
                                        style: ChartStyle(kind: .bar, labelBucket: .date), options: ChartOptions(width: 5))
        #expect(bars?.contains("x") == true)
        let far = BucketSpecification(bucket: .year, timeZone: TimeZone(identifier: "UTC")!)
        #expect(far.apply(to: .instant(Date(timeIntervalSince1970: 9.2e18))) == .null)
        #expect(far.apply(to: .string("2024")) == .null)
        #expect(ChartRenderer.render(columns: ["m", "n"], rows: [], style: ChartStyle(kind: .bar, labelBucket: .month), options: ChartOptions()) == "m │ n\n")
    }
}
