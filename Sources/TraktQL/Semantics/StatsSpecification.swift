import Foundation

/// A time bucket with the session zone it is evaluated in.
public struct BucketSpecification: Sendable, Hashable {
    public var bucket: TimeBucket
    public var timeZone: TimeZone
}

/// A checked `stats` stage: groups first, then aggregates, in the order written.
public struct StatsSpecification: Sendable, Hashable {
    public struct Aggregate: Sendable, Hashable {
        public var function: AggregateFunction
        /// Nil for a bare `count`.
        public var field: FieldReference?
        public var name: String
    }

    public var groups: [SelectedColumn]
    public var aggregates: [Aggregate]
    /// What `first`/`last` order by: the row's time (nil when no aggregate needs it).
    public var time: FieldReference?

    /// The columns the stage produces.
    public var columns: [String] { groups.map(\.name) + aggregates.map(\.name) }
}

/// How `chart` draws the rows.
public struct ChartStyle: Sendable, Hashable {
    public var kind: ChartKind
    /// The bucket of the first column, when bars come straight from the stats or count that made
    /// it (or for a heatmap): the rows are drawn in time order with empty buckets filled in.
    public var labelBucket: TimeBucket?
    /// The bucket of the second column (heatmaps: `weekday` × `hour`).
    public var columnBucket: TimeBucket?

    public init(kind: ChartKind, labelBucket: TimeBucket? = nil, columnBucket: TimeBucket? = nil) {
        self.kind = kind
        self.labelBucket = labelBucket
        self.columnBucket = columnBucket
    }
}
