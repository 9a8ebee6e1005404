/// What the stages make of the rows.
extension Plan {
    /// The kinds of the columns the last reshaping stage makes (`select`, `count`, `distinct`,
    /// `stats`), in order; nil when the rows stay whole items.
    public var resultColumnKinds: [FieldCatalog.Kind]? {
        var kinds: [FieldCatalog.Kind]?
        for stage in stages {
            switch stage {
            case .select(let columns): kinds = columns.map(\.field.kind)
            case .count(let by): kinds = by.map(\.kind) + [.integer]
            case .distinct(let fields): kinds = fields.map(\.kind)
            case .stats(let spec):
                kinds = spec.groups.map(\.field.kind) + spec.aggregates.map { Checker.kind(of: $0.function, over: $0.field) }
            default: break
            }
        }
        return kinds
    }
}
