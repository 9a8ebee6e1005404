extension CheckedStage {
    /// Whether the stage works on each row alone (`where`, `select`, `flatten`, `limit all`):
    /// it can run on items as they arrive (``StreamingStages``), and what it makes of a row does
    /// not depend on the rows before it. `limit all` passes every row: it does not stop the
    /// stream, so `limit all | stats` aggregates as rows come.
    var isRowByRow: Bool {
        switch self {
        case .filter, .select, .flatten, .limit(nil): return true
        case .sort, .limit, .count, .distinct, .stats, .chart: return false
        }
    }
}
