import Foundation

/// The `table` format: a header, a rule, one line per row; columns separated by two spaces,
/// numbers (and durations) right-aligned, everything else left-aligned, no trailing spaces.
///
/// With a terminal width, the widest columns are narrowed first (each keeps at least one
/// column) and cut cells end in `…`. When even one column each cannot fit, lines are as narrow
/// as possible and may still exceed the width.
struct TableLayout {
    static let gap = 2

    let columns: [String]
    let options: RenderOptions
    private var rows: [[Cell]] = []
    private var numeric: [Bool]
    private var sawValue: [Bool]

    struct Cell {
        var text: String
        var width: Int
        var isNull: Bool
    }

    init(columns: [String], options: RenderOptions) {
        self.columns = columns
        self.options = options
        self.numeric = Array(repeating: true, count: columns.count)
        self.sawValue = Array(repeating: false, count: columns.count)
    }

    mutating func add(_ row: [Value]) {
        var cells: [Cell] = []
        cells.reserveCapacity(columns.count)
        for c in columns.indices {
            let value = c < row.count ? row[c] : .null
            switch value {
            case .null: break
            case .int, .double, .duration: sawValue[c] = true
            default: sawValue[c] = true; numeric[c] = false
            }
            if value.isNull {
                let text = options.color ? "null" : ""
                cells.append(Cell(text: text, width: text.count, isNull: true))
            } else {
                let text = TerminalText.sanitizeForTerminal(cellText(value))
                cells.append(Cell(text: text, width: TerminalText.width(text), isNull: false))
            }
        }
        rows.append(cells)
    }

    private func cellText(_ value: Value) -> String {
        switch value {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return ValueText.double(d) ?? d.description
        case .string(let s): return s
        case .instant(let date): return ValueText.short(date, in: options.timeZone)
        case .duration(let t): return ValueText.duration(t)
        case .array, .object: return ValueText.json(value, zone: options.timeZone)
        }
    }

    func render<Target: TextOutputStream>(into out: inout Target) {
        guard !columns.isEmpty else { return }
        let headers = columns.map { TerminalText.sanitizeForTerminal($0) }
        let headerWidths = headers.map(TerminalText.width)
        var natural = headerWidths
        for row in rows {
            for (c, cell) in row.enumerated() where cell.width > natural[c] { natural[c] = cell.width }
        }
        let widths = Self.fit(natural, into: options.terminalWidth)
        let rightAligned = columns.indices.map { numeric[$0] && sawValue[$0] }

        func line(_ cells: [(text: String, width: Int, style: Style)]) -> String {
            var s = ""
            for (c, cell) in cells.enumerated() {
                var text = cell.text
                var w = cell.width
                if w > widths[c] {
                    text = TerminalText.truncate(text, to: widths[c])
                    w = TerminalText.width(text)
                }
                let isLast = c == cells.count - 1
                let fill = max(0, widths[c] - w)
                let styled = style(text, cell.style)
                if rightAligned[c] {
                    s += String(repeating: " ", count: fill) + styled
                } else {
                    s += styled
                    if !isLast { s += String(repeating: " ", count: fill) }
                }
                if !isLast { s += String(repeating: " ", count: Self.gap) }
            }
            while s.hasSuffix(" ") { s.removeLast() }
            return s + "\n"
        }

        out.write(line(zip(headers, headerWidths).map { ($0, $1, Style.header) }))
        out.write(widths.map { String(repeating: "-", count: $0) }.joined(separator: String(repeating: " ", count: Self.gap)) + "\n")
        for row in rows {
            out.write(line(row.map { ($0.text, $0.width, $0.isNull ? Style.null : Style.plain) }))
        }
    }

    enum Style { case plain, header, null }

    private func style(_ text: String, _ style: Style) -> String {
        guard options.color, !text.isEmpty else { return text }
        switch style {
        case .plain: return text
        case .header: return "\u{1B}[1m" + text + "\u{1B}[0m"
        case .null: return "\u{1B}[2m" + text + "\u{1B}[0m"
        }
    }

    /// Column widths that fit `limit` (gaps included): the largest cap `w` such that every column
    /// narrowed to at most `w` fits; the columns left (from the left) get the spare columns.
    static func fit(_ natural: [Int], into limit: Int?) -> [Int] {
        guard let limit, !natural.isEmpty else { return natural }
        let budget = limit - gap * (natural.count - 1)
        if natural.reduce(0, +) <= budget { return natural }
        let floor = natural.map { min($0, 1) }
        if floor.reduce(0, +) >= budget { return floor }
        // Binary search the largest cap that fits.
        var lo = 1, hi = natural.max() ?? 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if natural.reduce(0, { $0 + min($1, mid) }) <= budget { lo = mid } else { hi = mid - 1 }
        }
        var widths = natural.map { min($0, lo) }
        var spare = budget - widths.reduce(0, +)
        for c in widths.indices where spare > 0 && widths[c] < natural[c] {
            widths[c] += 1
            spare -= 1
        }
        return widths
    }
}
