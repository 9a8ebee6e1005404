/// A plan's stages over items as they arrive, for every backend: the stages that work row by
/// row (`where`, `select`, `flatten`, `limit all`) run on each item at once, so only result rows are kept; a
/// `limit N` right after them stops the input once N rows are kept; a `stats` right after them
/// takes the rows as they come, so memory holds its groups, not the input. The rest (`sort`,
/// `count`, `distinct`, and everything after them) runs once at the end.
///
/// Rows come out as ``StageRunner/run(_:on:)`` over all the items at once would make them.
struct StreamingStages {
    let runner: StageRunner
    let prefix: [CheckedStage]
    let rest: [CheckedStage]
    let prefixColumns: [String]?
    /// `limit N` right after the row-by-row stages: once N rows are kept, no more are needed.
    let earlyLimit: Int?
    private(set) var rows: [Row] = []
    private var aggregator: Stats.Aggregator?
    /// Whether `aggregator` is set (tested per item without touching the optional, which copied it).
    private let aggregates: Bool

    init(stages: [CheckedStage], runner: StageRunner) {
        self.runner = runner
        let split = stages.firstIndex { !$0.isRowByRow } ?? stages.count
        prefix = Array(stages[..<split])
        rest = Array(stages[split...])
        var columns: [String]?
        for case .select(let selected) in prefix { columns = selected.map(\.name) }
        prefixColumns = columns
        if case .limit(let n?)? = rest.first { earlyLimit = n } else { earlyLimit = nil }
        if case .stats(let spec)? = rest.first { aggregator = Stats.Aggregator(spec, fields: runner.fields) }
        aggregates = aggregator != nil
    }

    /// Takes one item (that passed the filters); answers whether more items are wanted.
    /// `position`: where the item stands in merged order, when items do not come in that order
    /// (only for stages that take items in any order: ``Plan/takesCallsInAnyOrder``).
    /// `weight`: the item stands for that many equal items (the mirror reads equal plays as
    /// one when only a `stats` reads them).
    mutating func accept(_ item: Value, at position: MergePosition? = nil, weight: Int = 1) -> Bool {
        if aggregates {
            if prefix.isEmpty {
                aggregator!.add(.item(item), at: position, weight: weight)
            } else {
                switch runner.single(prefix, .item(item)) {
                case .kept(let row):
                    aggregator!.add(row, at: position, weight: weight)
                case .dropped:
                    break
                case .rows(let rows):
                    var rowPosition = position
                    for row in rows {
                        aggregator!.add(row, at: rowPosition, weight: weight)
                        rowPosition?.row += 1
                    }
                }
            }
            return true
        }
        assert(position == nil, "only a stats takes items out of merged order")
        let made = prefix.isEmpty ? [.item(item)] : runner.run(prefix, on: [.item(item)]).rows
        for _ in 0 ..< weight {
            rows += made
            if let earlyLimit, rows.count >= earlyLimit { return false }
        }
        return true
    }

    /// The rest of the stages over what was kept: the result's columns (nil: whole items) and rows.
    func finish() -> (columns: [String]?, rows: [Row]) {
        var (restColumns, finalRows): ([String]?, [Row])
        if let aggregator, case .stats(let spec)? = rest.first {
            (restColumns, finalRows) = runner.run(Array(rest.dropFirst()), on: aggregator.rows())
            restColumns = restColumns ?? spec.columns
        } else {
            (restColumns, finalRows) = runner.run(rest, on: rows)
        }
        return (restColumns ?? prefixColumns, finalRows)
    }
}
