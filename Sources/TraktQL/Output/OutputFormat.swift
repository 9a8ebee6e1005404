import Foundation

/// How result rows are printed.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// Aligned columns fitted to the terminal width, for people. Buffers all rows (to measure).
    case table
    /// One JSON array of objects (one object per line inside it), keys in column order.
    case json
    /// One JSON object per line: streams, and suits `jq` and pipes.
    case ndjson
    /// RFC 4180: header line, fields quoted when they hold `,` `"` CR or LF; CRLF line ends by
    /// default (``RenderOptions/csvLineEnding``).
    case csv
    /// Tab-separated: header line; tab, newline, CR and backslash inside cells written as `\t`,
    /// `\n`, `\r`, `\\`, so every row is one line and every cell one field.
    case tsv
}

/// Everything the formatters need to know besides the rows.
public struct RenderOptions: Sendable {
    public enum LineEnding: String, Sendable, CaseIterable {
        case crlf = "\r\n"
        case lf = "\n"
    }

    public var format: OutputFormat
    /// Instants are shown in this zone: ISO-8601 with its offset in json/ndjson/csv/tsv,
    /// `2024-11-24 17:05` in a table.
    public var timeZone: TimeZone
    /// The table is fitted to this many columns (cells truncated with `…`); `nil` = no limit.
    public var terminalWidth: Int?
    /// ANSI colour for table headers and nulls. The caller decides: on a TTY and `NO_COLOR`
    /// unset. Never used by the machine formats.
    public var color: Bool
    /// CSV line ends; RFC 4180 says CRLF, which is the default.
    public var csvLineEnding: LineEnding

    /// Always true, and not an option: text from the API is never printed raw. In a table,
    /// terminal control characters (C0, DEL, C1 — so every ESC/CSI/OSC sequence such as an OSC 52
    /// clipboard write — bidi overrides and isolates U+202A–202E/U+2066–2069, line/paragraph
    /// separators) are shown as visible escapes like `\u{1B}`; JSON escapes them as `\u001B`
    /// (still valid JSON); csv/tsv replace them with U+FFFD (tab, CR and LF keep their
    /// format's meaning: quoted in csv, escaped in tsv).
    public var sanitize: Bool { true }

    public init(
        format: OutputFormat = .table,
        timeZone: TimeZone = .current,
        terminalWidth: Int? = nil,
        color: Bool = false,
        csvLineEnding: LineEnding = .crlf
    ) {
        self.format = format
        self.timeZone = timeZone
        self.terminalWidth = terminalWidth
        self.color = color
        self.csvLineEnding = csvLineEnding
    }
}
