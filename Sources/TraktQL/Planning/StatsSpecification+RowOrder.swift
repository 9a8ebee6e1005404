extension StatsSpecification {
    /// Whether the stage's rows come out the same whatever order its input rows come in, given
    /// each row's ``MergePosition`` (``Stats/Aggregator``): the groups' order, their keys and the
    /// ties of `min`, `max`, `first` and `last` follow the positions; counts and `distinct` do
    /// not depend on order. Only sums of fractions do (floating-point addition is not
    /// associative), so `sum`, `avg` and `hours` qualify over integer fields alone (the catalog's
    /// kind; ``ItemNormalizer`` makes every value of such a field an integer or null).
    var aggregatesInAnyOrder: Bool {
        aggregates.allSatisfy { aggregate in
            switch aggregate.function {
            case .count, .distinct, .min, .max, .first, .last: return true
            case .sum, .avg, .hours: return aggregate.field?.kind == .integer
            }
        }
    }
}
