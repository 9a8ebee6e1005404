/// A time bucket applied to an instant: `month(time)`, `weekday(time)`, … Evaluated in the
/// session time zone.
public enum TimeBucket: String, Sendable, Hashable, CaseIterable {
    /// 2026
    case year
    /// "2026-03"
    case month
    /// ISO 8601 week, "2026-W11" (the year is the ISO week-numbering year).
    case week
    /// "2026-03-14"
    case date
    /// "Mon" … "Sun"; weekday names compare Monday first.
    case weekday
    /// 0–23
    case hour

    /// The names a field position accepts before `(`.
    public static let names: [String] = allCases.map(\.rawValue)

    /// One line per bucket, for help.
    public var example: String {
        switch self {
        case .year: return "2026"
        case .month: return "\"2026-03\""
        case .week: return "ISO \"2026-W11\""
        case .date: return "\"2026-03-14\""
        case .weekday: return "\"Mon\" … \"Sun\" (sorts Monday first)"
        case .hour: return "0–23"
        }
    }
}

/// `stats AGG [as NAME], … [by EXPR [as NAME], …]`.
public struct StatsClause: Sendable, Hashable {
    public var aggregates: [AggregateItem]
    public var groups: [SelectItem]

    public init(aggregates: [AggregateItem], groups: [SelectItem]) {
        self.aggregates = aggregates
        self.groups = groups
    }
}

/// One aggregate as written: `count`, `sum(runtime) as minutes`, … The name is checked by the
/// checker (so an unknown one gets a caret and a did-you-mean there).
public struct AggregateItem: Sendable, Hashable {
    public var function: Identifier
    public var field: FieldPath?
    public var alias: Identifier?
    public var span: SourceSpan

    public init(function: Identifier, field: FieldPath?, alias: Identifier?, span: SourceSpan) {
        self.function = function
        self.field = field
        self.alias = alias
        self.span = span
    }
}

/// The aggregate functions of `stats`.
public enum AggregateFunction: String, Sendable, Hashable, CaseIterable {
    case count, sum, avg, min, max, distinct, first, last, hours

    public static let names: [String] = allCases.map(\.rawValue)

    /// Whether the function reads a field (all but a bare `count`).
    var needsField: Bool { self != .count }

    public var summary: String {
        switch self {
        case .count: return "rows in the group (count(f): rows where f is not null)"
        case .sum: return "sum of a numeric field"
        case .avg: return "mean of a numeric field (nulls skipped)"
        case .min: return "smallest value"
        case .max: return "largest value"
        case .distinct: return "number of distinct non-null values"
        case .first: return "value on the earliest row (by time)"
        case .last: return "value on the latest row (by time)"
        case .hours: return "sum of a field in minutes, in hours (1 decimal): hours(runtime)"
        }
    }
}

/// `chart` or `chart heatmap`.
public enum ChartKind: String, Sendable, Hashable, CaseIterable {
    case bar
    case heatmap
}
