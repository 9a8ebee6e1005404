/// A stage whose fields are resolved and literals evaluated.
public enum CheckedStage: Sendable, Hashable {
    case filter(CheckedExpression)
    case select([SelectedColumn])
    case sort([SortSpecification])
    /// `nil`: no limit (`limit all`).
    case limit(Int?)
    case count(by: [FieldReference])
    case distinct([FieldReference])
    case flatten(FieldReference)
    /// `stats … by …` (Stats.swift).
    case stats(StatsSpecification)
    /// `chart`: rows pass through; the result is drawn (ChartRenderer).
    case chart(ChartStyle)
}

/// A field a stage reads: an item path, a virtual field, or (after `select`/`count`) a column.
public struct FieldReference: Sendable, Hashable, CustomStringConvertible {
    public enum Target: Sendable, Hashable {
        /// A path into the item's JSON.
        case item([FieldPath.Component])
        /// `time`, `ago`, `title`, `sxe`, `who`.
        case virtual(String)
        /// A column of the rows a previous `select`, `count` or `distinct` produced.
        case column(String)
    }

    public var target: Target
    /// The path as written, used as the default column name.
    public var name: String
    /// `month(time)`: the target's instant put in a bucket, in a zone (TimeBucket+Evaluation.swift).
    public var bucket: BucketSpecification? = nil
    /// What the field holds, as the backend's catalog declares it (for a column: the kind of
    /// the field or aggregate it was made from). Comparisons are checked and resolved by it.
    public var kind: FieldCatalog.Kind = .any

    public var description: String { name }
}

public struct SelectedColumn: Sendable, Hashable {
    public var name: String
    public var field: FieldReference
}

public struct SortSpecification: Sendable, Hashable {
    public var field: FieldReference
    public var descending: Bool
}

/// A `where` expression with literals and variables replaced by values.
public indirect enum CheckedExpression: Sendable, Hashable {
    case field(FieldReference)
    case value(Value)
    case list([CheckedExpression])
    case not(CheckedExpression)
    case binary(BinaryOperator, CheckedExpression, CheckedExpression)
}
