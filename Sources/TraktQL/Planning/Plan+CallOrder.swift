extension Plan {
    /// Whether the rows come out the same when a fan-out's calls are read one after another
    /// (``CallSequence``, a few pages held) as when they are merged newest first (``CallMerge``,
    /// a page of every running call held): the stages up to a `stats` work row by row, and the
    /// `stats` restores merged order from each row's position
    /// (``StatsSpecification/aggregatesInAnyOrder``). What follows the `stats` sees its rows
    /// as it would have. Any other stage there (`limit N`, `sort`'s ties, `count by`'s groups,
    /// whole items printed) sees the items' order, and the calls are merged.
    var takesCallsInAnyOrder: Bool {
        guard case .stats(let spec)? = stages.first(where: { !$0.isRowByRow }) else { return false }
        return spec.aggregatesInAnyOrder
    }
}
