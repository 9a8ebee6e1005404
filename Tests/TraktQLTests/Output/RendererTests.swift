import Foundation
import Testing
@testable import TraktQL

@Suite("Output formats")
struct RendererTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let newYork = TimeZone(identifier: "America/New_York")!
    // 2024-11-24T22:05:37Z = 17:05:37 in New York (EST, -05:00).
    static let instant = Date(timeIntervalSince1970: 1_732_485_937)

    func render(_ columns: [String], _ rows: [[Value]], _ format: OutputFormat, width: Int? = nil, color: Bool = false,
                zone: TimeZone = newYork, lineEnding: RenderOptions.LineEnding = .crlf) -> String {
        Renderer.render(columns: columns, rows: rows,
                        options: RenderOptions(format: format, timeZone: zone, terminalWidth: width, color: color, csvLineEnding: lineEnding))
    }

    static let columns = ["time", "who", "n", "took", "title"]
    static let rows: [[Value]] = [
        [.instant(instant), .string("justin"), .int(8), .duration(3 * 86_400 + 4 * 3600 + 59), .string("Covert Affairs")],
        [.null, .string("sean"), .double(7.5), .duration(7500), .string("a, \"b\"\nc")],
    ]

    @Test func formatNames() {
        #expect(OutputFormat.allCases.map(\.rawValue) == ["table", "json", "ndjson", "csv", "tsv"])
        #expect(OutputFormat(rawValue: "csv") == .csv)
        #expect(RenderOptions().sanitize)
    }

    @Test func table() {
        let out = render(Self.columns, Self.rows, .table)
        #expect(out == """
        time              who       n   took  title
        ----------------  ------  ---  -----  --------------
        2024-11-24 17:05  justin    8  3d 4h  Covert Affairs
                          sean    7.5  2h 5m  a, "b"\\nc

        """)
    }

    @Test func json() {
        let out = render(Self.columns, Self.rows, .json)
        #expect(out == """
        [
        {"time":"2024-11-24T17:05:37-05:00","who":"justin","n":8,"took":273659,"title":"Covert Affairs"},
        {"time":null,"who":"sean","n":7.5,"took":7500,"title":"a, \\"b\\"\\nc"}
        ]

        """)
        #expect(render(["a"], [], .json) == "[]\n")
    }

    @Test func ndjson() {
        let out = render(["t", "v"], [[.instant(Self.instant), .array([.int(1), .object([("k", .null)])])], [.null]], .ndjson, zone: Self.utc)
        #expect(out == "{\"t\":\"2024-11-24T22:05:37+00:00\",\"v\":[1,{\"k\":null}]}\n{\"t\":null,\"v\":null}\n")
        #expect(render(["a"], [], .ndjson) == "")
    }

    @Test func csv() {
        let out = render(Self.columns, Self.rows, .csv)
        #expect(out == "time,who,n,took,title\r\n"
                + "2024-11-24T17:05:37-05:00,justin,8,3d 4h,Covert Affairs\r\n"
                + ",sean,7.5,2h 5m,\"a, \"\"b\"\"\nc\"\r\n")
        let lf = render(["a,b", "c"], [[.object([("x", .string("y"))]), .bool(true)]], .csv, lineEnding: .lf)
        #expect(lf == "\"a,b\",c\n\"{\"\"x\"\":\"\"y\"\"}\",true\n")
    }

    @Test func tsv() {
        let out = render(["a\tb", "c"], [[.string("x\ty\nz\\w\r"), .null], [.int(-3), .array([])]], .tsv)
        #expect(out == "a\\tb\tc\nx\\ty\\nz\\\\w\\r\t\n-3\t[]\n")
    }

    @Test func durations() {
        #expect(ValueText.duration(3 * 86_400 + 4 * 3600) == "3d 4h")
        #expect(ValueText.duration(3 * 86_400 + 5 * 60) == "3d")
        #expect(ValueText.duration(2 * 3600 + 5 * 60 + 9) == "2h 5m")
        #expect(ValueText.duration(45) == "45s")
        #expect(ValueText.duration(5 * 60 + 3) == "5m 3s")
        #expect(ValueText.duration(0) == "0s")
        #expect(ValueText.duration(0.25) == "250ms")
        #expect(ValueText.duration(-7200) == "-2h")
        #expect(ValueText.duration(.infinity) == "∞")
        #expect(ValueText.duration(.nan) == "NaN")
        #expect(ValueText.duration(1e300).hasSuffix("d"))
    }

    @Test func instants() {
        #expect(ValueText.iso8601(Self.instant, in: Self.utc) == "2024-11-24T22:05:37+00:00")
        #expect(ValueText.iso8601(Self.instant, in: Self.newYork) == "2024-11-24T17:05:37-05:00")
        #expect(ValueText.iso8601(Date(timeIntervalSince1970: 1_720_000_000.5), in: Self.newYork) == "2024-07-03T05:46:40.500-04:00")
        #expect(ValueText.iso8601(Date(timeIntervalSince1970: 0), in: TimeZone(identifier: "Asia/Kolkata")!) == "1970-01-01T05:30:00+05:30")
        #expect(ValueText.iso8601(Date(timeIntervalSince1970: -1), in: Self.utc) == "1969-12-31T23:59:59+00:00")
        #expect(ValueText.iso8601(Date(timeIntervalSince1970: 951_782_400), in: Self.utc) == "2000-02-29T00:00:00+00:00")
        #expect(ValueText.short(Self.instant, in: Self.newYork) == "2024-11-24 17:05")
        #expect(ValueText.short(Date(timeIntervalSince1970: 1e300), in: Self.utc) != "")
        // Agrees with Calendar over a spread of instants.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.newYork
        for t in stride(from: -2_000_000_000.0, to: 4_000_000_000.0, by: 12_345_678.9) {
            let date = Date(timeIntervalSince1970: t.rounded())
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            let expected = String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
            #expect(ValueText.short(date, in: Self.newYork) == expected)
        }
    }

    @Test func numbersInJSON() {
        let out = render(["a", "b", "c", "d"], [[.double(.nan), .double(1e20), .double(-0.5), .duration(1.5)]], .ndjson)
        #expect(out == "{\"a\":null,\"b\":1e+20,\"c\":-0.5,\"d\":1.5}\n")
    }

    @Test func shortAndLongRows() {
        #expect(render(["a", "b"], [[.int(1)], [.int(1), .int(2), .int(3)]], .csv, lineEnding: .lf) == "a,b\n1,\n1,2\n")
        #expect(render([], [[.int(1)]], .table) == "")
    }

    @Test func streamingWriter() {
        var writer = RowWriter(columns: ["a"], options: RenderOptions(format: .ndjson))
        var out = ""
        writer.begin(into: &out)
        writer.write([.int(1)], into: &out)
        #expect(out == "{\"a\":1}\n")
        writer.write([.int(2)], into: &out)
        writer.finish(into: &out)
        #expect(out == "{\"a\":1}\n{\"a\":2}\n")
        var table = RowWriter(columns: ["a"], options: RenderOptions(format: .table))
        var tableOut = ""
        table.begin(into: &tableOut)
        table.write([.int(1)], into: &tableOut)
        #expect(tableOut.isEmpty)
        table.finish(into: &tableOut)
        #expect(tableOut == "a\n-\n1\n")
    }
}
