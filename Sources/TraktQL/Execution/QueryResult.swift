/// What a query returns: named columns and typed rows, plus what happened on the way.
public struct QueryResult: Sendable, Equatable {
    /// Column names, in order.
    public var columns: [String]
    /// One array of values per row, aligned with ``columns``.
    public var rows: [[Value]]
    /// The whole items, when the query selected no columns: json and ndjson print these.
    public var items: [Value]?
    /// Facts the caller must show, such as a paging bound that was reached.
    public var warnings: [String]
    /// HTTP calls made (not counting cache hits), and calls answered from the cache.
    public var calls: Int
    public var cachedCalls: Int
    /// True when a call could not be paged past some point (``CallPager/advance(after:fresh:)``;
    /// v1: more than a page of 100 activities within one second, since it pages backwards by
    /// whole seconds with `end_ts`), so older activity could not be fetched and the rows miss
    /// activity the query asked for. ``warnings`` says where. The
    /// `traktql` command prints the rows, the warning, and exits 2 from a script.
    public var isIncomplete = false
    /// True when the rows come from part of what the API holds by design — the newest page
    /// only (no limit or since:), or paging stopped at `max_pages` — and ``warnings`` says so.
    /// A `let` refuses such an answer: a variable would hold part of a list as if it were all.
    public var isPartial = false
    /// Set by a final `chart` stage: how a terminal shows the rows (machine formats ignore it).
    public var chart: ChartStyle? = nil

    /// The columns shown for whole items: when, who, what.
    public static let defaultColumns = ["time", "who", "action", "type", "title", "sxe"]
}
