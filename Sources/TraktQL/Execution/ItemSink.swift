import Foundation

/// Where every backend's items end: the runtime-fallback count and the ``StreamingStages``,
/// item by item, then the result. The remote ``Executor`` (items merged from its calls) and a
/// local input (``LocalPipeline``) both feed one, so the stages run the same way whatever
/// the items come from, and nothing but the stages' own state is kept.
struct ItemSink {
    let schema: any ItemSchema
    private(set) var stages: StreamingStages
    /// The plan's ``RuntimeFallback``, and how many items went in (`accepted`), how many of
    /// them with a runtime assumed.
    private let runtimeFallback: RuntimeFallback
    private(set) var accepted = 0
    private(set) var assumedRuntimes = 0

    init(plan: Plan, schema: any ItemSchema, now: Date) {
        self.schema = schema
        let runner = StageRunner(fields: FieldEvaluator(schema: schema, now: now, runtimeFallback: plan.runtimeFallback), stages: plan.stages,
                                 episodeFilters: plan.episodeFilters)
        stages = StreamingStages(stages: plan.stages, runner: runner)
        runtimeFallback = plan.runtimeFallback
    }

    /// The stage runner, for what is checked before an item comes here (the residual filter).
    var runner: StageRunner { stages.runner }

    /// Takes one item (that passed the filters); answers whether more items are wanted (no
    /// more once an early `limit` has its rows). `position`: the item's in merged order, when
    /// items do not come in that order (``CallSequence``); `weight`: the item stands for that
    /// many equal items (the mirror's plays read as one).
    mutating func accept(_ item: Value, at position: MergePosition? = nil, weight: Int = 1) -> Bool {
        if runtimeFallback != .none {
            accepted += weight
            if runtimeFallback.applies(to: item, schema: schema) { assumedRuntimes += weight }
        }
        return stages.accept(item, at: position, weight: weight)
    }

    /// The result: the rest of the stages over what was kept, with `warnings` (the calls' own,
    /// in call order) followed by the sink's (runtimes assumed, values that could not be read).
    func finish(warnings: [String], conversionFailures: [ItemNormalizer.Failure], calls: Int = 0, cachedCalls: Int = 0) -> QueryResult {
        let (columns, rows) = stages.finish()
        let assembled = Executor.assemble(columns: columns, rows: rows, fields: stages.runner.fields)
        var warnings = warnings
        if let warning = RuntimeFallback.warning(count: assumedRuntimes, of: accepted) { warnings.append(warning) }
        if let warning = ItemNormalizer.warning(for: conversionFailures) { warnings.append(warning) }
        return QueryResult(columns: assembled.columns, rows: assembled.rows, items: assembled.items, warnings: warnings,
                           calls: calls, cachedCalls: cachedCalls)
    }
}
