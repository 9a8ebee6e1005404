/// A pipeline stage after `|`.
public struct Stage: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case `where`(Expression)
        case select([SelectItem])
        case sort([SortKey])
        /// `nil` means `limit all`.
        case limit(Int?)
        /// `limit $name`: the checker reads the count (or `all`) from the variable.
        case limitVariable(Identifier)
        /// `count` or `count by f, …`.
        case count(by: [FieldPath])
        case distinct([FieldPath])
        case flatten(FieldPath)
        /// `stats AGG, … by EXPR, …` (StatsClause.swift).
        case stats(StatsClause)
        /// `chart` / `chart heatmap`.
        case chart(ChartKind)
    }

    public var kind: Kind
    /// The stage keyword.
    public var keyword: Identifier
    public var span: SourceSpan

    public init(kind: Kind, keyword: Identifier, span: SourceSpan) {
        self.kind = kind
        self.keyword = keyword
        self.span = span
    }
}

/// `field [as name]` in `select`.
public struct SelectItem: Sendable, Hashable {
    public var field: FieldPath
    public var alias: Identifier?

    public init(field: FieldPath, alias: Identifier?) {
        self.field = field
        self.alias = alias
    }

    /// The output column name: the alias, else the path as written.
    public var columnName: String { alias?.name ?? field.description }
}

/// `field [asc|desc]` in `sort`.
public struct SortKey: Sendable, Hashable {
    public var field: FieldPath
    public var descending: Bool

    public init(field: FieldPath, descending: Bool) {
        self.field = field
        self.descending = descending
    }
}
