import Foundation

/// Renders result rows. All formats go through ``RowWriter``; the one-shot functions here are
/// conveniences over it.
///
/// Rows shorter than `columns` are padded with nulls; extra values are ignored.
public enum Renderer {
    public static func render(columns: [String], rows: [[Value]], options: RenderOptions) -> String {
        var out = ""
        render(columns: columns, rows: rows, options: options, to: &out)
        return out
    }

    public static func render<Target: TextOutputStream>(
        columns: [String], rows: [[Value]], options: RenderOptions, to target: inout Target
    ) {
        var writer = RowWriter(columns: columns, options: options)
        writer.begin(into: &target)
        for row in rows { writer.write(row, into: &target) }
        writer.finish(into: &target)
    }
}

/// Writes rows as they come: `begin`, then `write` per row, then `finish`. ndjson, csv and tsv
/// emit each row at once, json one object per row between `[` and `]`; `table` has to measure
/// all its cells first, so it keeps the rows and prints everything at `finish`.
public struct RowWriter {
    public let columns: [String]
    public let options: RenderOptions
    private var rowsWritten = 0
    private var table: TableLayout?

    public init(columns: [String], options: RenderOptions) {
        self.columns = columns
        self.options = options
        if options.format == .table { table = TableLayout(columns: columns, options: options) }
    }

    public mutating func begin<Target: TextOutputStream>(into out: inout Target) {
        switch options.format {
        case .csv:
            out.write(columns.map { csvField(Self.spreadsheetSafe($0)) }.joined(separator: ",") + options.csvLineEnding.rawValue)
        case .tsv:
            out.write(columns.map { tsvField(Self.spreadsheetSafe($0)) }.joined(separator: "\t") + "\n")
        case .json:
            out.write("[")
        case .ndjson, .table:
            break
        }
    }

    public mutating func write<Target: TextOutputStream>(_ row: [Value], into out: inout Target) {
        defer { rowsWritten += 1 }
        switch options.format {
        case .table:
            table?.add(row)
        case .json:
            out.write(rowsWritten == 0 ? "\n" : ",\n")
            out.write(jsonObject(row))
        case .ndjson:
            out.write(jsonObject(row) + "\n")
        case .csv:
            out.write(cells(row).map { csvField(csvText($0)) }.joined(separator: ",") + options.csvLineEnding.rawValue)
        case .tsv:
            out.write(cells(row).map { tsvField(csvText($0)) }.joined(separator: "\t") + "\n")
        }
    }

    public mutating func finish<Target: TextOutputStream>(into out: inout Target) {
        switch options.format {
        case .table:
            table?.render(into: &out)
        case .json:
            out.write(rowsWritten == 0 ? "]\n" : "\n]\n")
        case .ndjson, .csv, .tsv:
            break
        }
    }

    // MARK: cells

    private func cells(_ row: [Value]) -> [Value] {
        if row.count == columns.count { return row }
        if row.count > columns.count { return Array(row.prefix(columns.count)) }
        return row + Array(repeating: .null, count: columns.count - row.count)
    }

    private func jsonObject(_ row: [Value]) -> String {
        var s = "{"
        for (n, (name, value)) in zip(columns, cells(row)).enumerated() {
            if n > 0 { s += "," }
            ValueText.appendJSONString(name, to: &s)
            s += ":"
            ValueText.appendJSON(value, zone: options.timeZone, to: &s)
        }
        return s + "}"
    }

    /// The text of a cell in csv and tsv: null empty, instants ISO-8601, durations `3d 4h`,
    /// nested values compact JSON.
    private func csvText(_ value: Value) -> String {
        switch value {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return ValueText.double(d) ?? ""
        case .string(let s): return Self.spreadsheetSafe(s)
        case .instant(let date): return ValueText.iso8601(date, in: options.timeZone)
        case .duration(let t): return ValueText.duration(t)
        case .array, .object: return ValueText.json(value, zone: options.timeZone)
        }
    }

    private static let csvKeep: Set<UInt32> = [0x09, 0x0A, 0x0D]

    /// Text that a spreadsheet would take for a formula — it starts with `=`, `+`, `-`, `@`, a
    /// tab or a CR (or their full-width forms) — gets a `'` in front, as OWASP recommends
    /// against CSV injection (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)` in a title from a server).
    /// A plain number (`-5`, `+1.5e3`) is not a formula and is left as it is, so negative
    /// numbers stay numbers; numbers, instants and durations traktql writes itself never
    /// need it.
    static func spreadsheetSafe(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, formulaStarts.contains(first.value), !isPlainNumber(text) else { return text }
        return "'" + text
    }

    private static let formulaStarts: Set<UInt32> = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D, 0xFF1D, 0xFF0B, 0xFF0D, 0xFF20]

    /// `-12`, `+3.5`, `-.5`, `1e-3`: an optional sign, digits with at most one point, an
    /// optional exponent.
    static func isPlainNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if let sign = bytes.first, sign == 0x2B || sign == 0x2D { bytes = bytes.dropFirst() }
        var digits = 0, point = false
        while let b = bytes.first, (0x30...0x39).contains(b) || (b == 0x2E && !point) {
            if b == 0x2E { point = true } else { digits += 1 }
            bytes = bytes.dropFirst()
        }
        guard digits > 0 else { return false }
        if let e = bytes.first, e == 0x65 || e == 0x45 {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == 0x2B || sign == 0x2D { bytes = bytes.dropFirst() }
            guard let d = bytes.first, (0x30...0x39).contains(d) else { return false }
            while let d = bytes.first, (0x30...0x39).contains(d) { bytes = bytes.dropFirst() }
        }
        return bytes.isEmpty
    }

    /// RFC 4180: quoted (with `"` doubled) when it holds a comma, quote, CR or LF.
    /// A CR is kept only as part of CRLF: a lone CR would move a terminal's cursor back over
    /// the line and let a field overwrite the ones before it.
    private func csvField(_ text: String) -> String {
        let s = TerminalText.replacingLoneCarriageReturns(TerminalText.replacingDangerous(text, keep: Self.csvKeep))
        let mustQuote = s.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard mustQuote else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func tsvField(_ text: String) -> String {
        let s = TerminalText.replacingDangerous(text, keep: Self.csvKeep)
        guard s.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x5C }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 4)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
