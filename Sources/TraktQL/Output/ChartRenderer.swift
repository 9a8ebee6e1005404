import Foundation

/// What a chart needs to know about the terminal.
public struct ChartOptions: Sendable {
    /// Columns available (the chart fills them).
    public var width: Int
    /// Block characters (`█▉▊▋▌▍▎▏`, `░▒▓`) when true; `#` and ` .:*#` when the locale is not UTF-8.
    public var unicode: Bool
    /// ANSI colour for the bars (the caller decides: a TTY and `NO_COLOR` unset).
    public var color: Bool
    /// Instants in labels are shown in this zone.
    public var timeZone: TimeZone

    public init(width: Int = 80, unicode: Bool = true, color: Bool = false, timeZone: TimeZone = .current) {
        self.width = width
        self.unicode = unicode
        self.color = color
        self.timeZone = timeZone
    }

    /// Whether a locale environment (`LC_ALL`, then `LC_CTYPE`, then `LANG`, the first one set)
    /// is UTF-8.
    public static func localeIsUTF8(_ environment: [String: String]) -> Bool {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let value = environment[name], !value.isEmpty {
                let lower = value.lowercased()
                return lower.contains("utf-8") || lower.contains("utf8")
            }
        }
        return false
    }
}

/// Draws rows as a horizontal bar chart or a heatmap, for `| chart`.
///
/// Bars: labels from the first column, lengths from the last numeric column, scaled so the
/// largest value fills the space left after the labels and values, in eighths of a cell; the
/// value is printed after each bar. When the first column is a time bucket (and each label
/// occurs once, in time order), the missing buckets are filled in with 0 so gaps show.
/// Heatmap: rows from the first column, columns from the second, shade from the last numeric
/// column (four levels of the maximum), with a legend.
public enum ChartRenderer {
    /// The chart, or nil when the rows hold nothing to draw (no numeric column).
    public static func render(columns: [String], rows: [[Value]], style: ChartStyle, options: ChartOptions) -> String? {
        guard let valueIndex = valueColumn(columns: columns, rows: rows) else { return nil }
        switch style.kind {
        case .bar:
            return bars(columns: columns, rows: rows, valueIndex: valueIndex, style: style, options: options)
        case .heatmap:
            guard valueIndex >= 2 else { return nil }
            return heatmap(columns: columns, rows: rows, valueIndex: valueIndex, style: style, options: options)
        }
    }

    /// The last column (not the first) with a number in some row and nothing but numbers and nulls
    /// (the last column when there are no rows).
    static func valueColumn(columns: [String], rows: [[Value]]) -> Int? {
        guard columns.count >= 2 else { return nil }
        if rows.isEmpty { return columns.count - 1 }  // an empty chart: just the header
        for index in stride(from: columns.count - 1, through: 1, by: -1) {
            var sawNumber = false
            var onlyNumbers = true
            for row in rows where index < row.count {
                switch row[index] {
                case .int, .double, .duration: sawNumber = true
                case .null: break
                default: onlyNumbers = false
                }
            }
            if sawNumber && onlyNumbers { return index }
        }
        return nil
    }

    static func number(_ value: Value) -> Double? {
        switch value {
        case .int(let i): return Double(i)
        case .double(let d): return d.isFinite ? d : nil
        case .duration(let d): return d
        default: return nil
        }
    }

    static func text(_ value: Value, _ zone: TimeZone) -> String {
        let raw: String
        switch value {
        case .null: raw = "(none)"
        case .bool(let b): raw = b ? "true" : "false"
        case .int(let i): raw = String(i)
        case .double(let d): raw = ValueText.double(d) ?? d.description
        case .string(let s): raw = s
        case .instant(let date): raw = ValueText.short(date, in: zone)
        case .duration(let t): raw = ValueText.duration(t)
        case .array, .object: raw = ValueText.json(value, zone: zone)
        }
        return TerminalText.sanitizeForTerminal(raw)
    }

    // MARK: - Bars

    /// The (label, value) pairs to draw: for a time bucket, in time order with the empty buckets
    /// filled in (when each label occurs once and all are that bucket's).
    static func series(rows: [[Value]], valueIndex: Int, bucket: TimeBucket?) -> [(label: Value, value: Value)] {
        let pairs = rows.map { (label: $0.first ?? .null, value: valueIndex < $0.count ? $0[valueIndex] : .null) }
        guard let bucket, !pairs.isEmpty else { return pairs }
        let labels = pairs.map(\.label)
        guard Set(labels).count == labels.count, !labels.contains(where: \.isNull) else { return pairs }
        let ordered = pairs.sorted { Value.sortOrder($0.label, $1.label) == .orderedAscending }
        let first = bucket == .hour ? Value.int(0) : ordered.first!.label
        let last = bucket == .hour ? Value.int(23) : ordered.last!.label
        guard let all = TimeBucket.fill(bucket, from: first, to: last), Set(all).isSuperset(of: labels) else { return ordered }
        var byLabel: [Value: Value] = [:]
        for pair in ordered { byLabel[pair.label] = pair.value }
        let zero: Value = ordered.contains { if case .double = $0.value { return true } else { return false } } ? .double(0) : .int(0)
        return all.map { ($0, byLabel[$0] ?? zero) }
    }

    static let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    static func bars(columns: [String], rows: [[Value]], valueIndex: Int, style: ChartStyle, options: ChartOptions) -> String {
        let data = series(rows: rows, valueIndex: valueIndex, bucket: style.labelBucket)
        let labels = data.map { text($0.label, options.timeZone) }
        let values = data.map { $0.value.isNull ? "" : text($0.value, options.timeZone) }
        let numbers = data.map { number($0.value) ?? 0 }
        let maximum = numbers.max() ?? 0
        let width = max(options.width, 20)
        let valueWidth = values.map(TerminalText.width).max() ?? 0
        // Labels take what they need, but leave at least half the line for the bars.
        let naturalLabel = max(TerminalText.width(columns[0]), labels.map(TerminalText.width).max() ?? 0)
        let labelWidth = min(naturalLabel, max(4, (width - valueWidth - 3) / 2))
        let barWidth = max(1, width - labelWidth - valueWidth - 3)  // label, ' │', bar, ' ', value
        let separator = options.unicode ? "│" : "|"
        var out = ""
        let header = TerminalText.truncate(columns[0], to: labelWidth)
        out += TerminalText.pad(header, to: labelWidth, visibleWidth: TerminalText.width(header)) + " " + separator + " " + columns[valueIndex] + "\n"
        for (i, label) in labels.enumerated() {
            let shown = TerminalText.truncate(label, to: labelWidth)
            var line = TerminalText.pad(shown, to: labelWidth, visibleWidth: TerminalText.width(shown)) + " " + separator
            let bar = barText(numbers[i], maximum: maximum, cells: barWidth, unicode: options.unicode)
            if bar.isEmpty {
                line += " " + values[i]
            } else {
                line += options.color ? "\u{1B}[36m" + bar + "\u{1B}[0m" : bar
                line += " " + values[i]
            }
            out += line + "\n"
        }
        return out
    }

    /// A bar of `value / maximum` of `cells` columns, in eighths (Unicode) or whole `#` (ASCII).
    static func barText(_ value: Double, maximum: Double, cells: Int, unicode: Bool) -> String {
        guard maximum > 0, value > 0 else { return "" }
        // Sums of huge numbers from a server can reach infinity: ∞/∞ is a full bar, not a trap.
        let ratio = value / maximum
        let fraction = ratio.isNaN ? 1 : min(1, ratio)
        if unicode {
            var units = Int((fraction * Double(cells * 8)).rounded())
            if units == 0 { units = 1 }  // a non-zero value is never invisible
            return String(repeating: "█", count: units / 8) + eighths[units % 8]
        }
        var units = Int((fraction * Double(cells)).rounded())
        if units == 0 { units = 1 }
        return String(repeating: "#", count: units)
    }

    // MARK: - Heatmap

    static func axis(_ values: [Value], bucket: TimeBucket?) -> [Value] {
        var seen = Set<Value>()
        let unique = values.filter { seen.insert($0).inserted }
        guard let bucket else { return unique }
        let sorted = unique.sorted { Value.sortOrder($0, $1) == .orderedAscending }
        let nonNull = sorted.filter { !$0.isNull }
        guard let first = nonNull.first, let last = nonNull.last else { return sorted }
        let from = bucket == .hour ? Value.int(0) : first
        let to = bucket == .hour ? Value.int(23) : last
        guard let all = TimeBucket.fill(bucket, from: from, to: to), Set(all).isSuperset(of: nonNull) else { return sorted }
        return all + (sorted.contains(where: \.isNull) ? [.null] : [])
    }

    static func heatmap(columns: [String], rows: [[Value]], valueIndex: Int, style: ChartStyle, options: ChartOptions) -> String {
        let rowAxis = axis(rows.map { $0.first ?? .null }, bucket: style.labelBucket)
        let columnAxis = axis(rows.map { $0.count > 1 ? $0[1] : .null }, bucket: style.columnBucket)
        var cells: [Value: [Value: Double]] = [:]
        for row in rows where row.count > valueIndex {
            cells[row[0], default: [:]][row[1], default: 0] += number(row[valueIndex]) ?? 0
        }
        let maximum = cells.values.flatMap(\.values).max() ?? 0
        let rowLabels = rowAxis.map { text($0, options.timeZone) }
        let columnLabels = columnAxis.map { text($0, options.timeZone) }
        let width = max(options.width, 20)
        let labelWidth = min(max(rowLabels.map(TerminalText.width).max() ?? 0, TerminalText.width(columns[0])), max(3, width / 4))
        let available = width - labelWidth - 1
        let cellWidth = max(1, min(3, available / max(1, columnAxis.count)))
        let shades = options.unicode ? [" ", "░", "▒", "▓", "█"] : [" ", ".", ":", "*", "#"]
        var out = ""
        // Header: each column label where it fits without running into the previous one.
        let corner = TerminalText.truncate(TerminalText.sanitizeForTerminal(columns[0]), to: labelWidth)
        var header = TerminalText.pad(corner, to: labelWidth, visibleWidth: TerminalText.width(corner)) + " "
        var used = 0
        for (i, label) in columnLabels.enumerated() {
            let position = i * cellWidth
            guard position >= used else { continue }
            let shown = TerminalText.truncate(label, to: max(1, width - labelWidth - 1 - position))
            header += String(repeating: " ", count: position - used) + shown
            used = position + TerminalText.width(shown) + 1
            header += " "
        }
        out += String(header.reversed().drop { $0 == " " }.reversed()) + "\n"
        for (r, key) in rowAxis.enumerated() {
            let shown = TerminalText.truncate(rowLabels[r], to: labelWidth)
            var line = TerminalText.pad(shown, to: labelWidth, visibleWidth: TerminalText.width(shown)) + " "
            for column in columnAxis {
                let value = cells[key]?[column] ?? 0
                let level = Self.level(value, maximum: maximum)
                let cell = String(repeating: shades[level], count: cellWidth)
                line += options.color && level > 0 ? "\u{1B}[36m" + cell + "\u{1B}[0m" : cell
            }
            out += String(line.reversed().drop { $0 == " " }.reversed()) + "\n"
        }
        // Legend: what each shade stands for.
        var legend = String(repeating: " ", count: labelWidth + 1)
        let name = columns[valueIndex]
        let format: (Double) -> String = { abs($0) < 1e15 && $0.rounded() == $0 ? String(Int64($0)) : String(format: "%.4g", $0) }
        var parts: [String] = []
        if maximum > 0 {
            for level in 1...4 {
                let low = maximum * Double(level - 1) / 4, high = maximum * Double(level) / 4
                let dash = options.unicode ? "–" : "-"
                parts.append(shades[level] + " " + (level == 1 ? ">0" : ">" + format(low)) + dash + format(high))
            }
        } else {
            parts.append("(all 0)")
        }
        legend += parts.joined(separator: "  ") + "  " + name
        out += legend + "\n"
        return out
    }

    /// 0 for nothing, else 1–4: the quarter of the maximum the value falls in.
    static func level(_ value: Double, maximum: Double) -> Int {
        guard value > 0, maximum > 0 else { return 0 }
        let quarters = (value / maximum * 4).rounded(.up)
        guard quarters.isFinite else { return 4 }  // ∞/∞ (sums of huge numbers): the top level, never a trap
        return max(1, min(4, Int(min(quarters, 4))))
    }
}

extension Plan {
    /// The style of a final `chart` stage.
    public var chartStyle: ChartStyle? {
        if case .chart(let style)? = stages.last { return style }
        return nil
    }
}
