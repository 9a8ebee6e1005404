/// A set of ``QualifierKey``s as bits, for the checker's duplicate detection and the
/// planner's endpoint choice (`Set<QualifierKey>` hashes on every test).
struct QualifierKeySet: OptionSet, Sendable, Hashable {
    let rawValue: UInt16

    init(rawValue: UInt16) { self.rawValue = rawValue }

    init(_ key: QualifierKey) {
        switch key {
        case .show: rawValue = 1 << 0
        case .season: rawValue = 1 << 1
        case .episode: rawValue = 1 << 2
        case .movie: rawValue = 1 << 3
        case .user: rawValue = 1 << 4
        case .scope: rawValue = 1 << 5
        case .type: rawValue = 1 << 6
        case .action: rawValue = 1 << 7
        case .since: rawValue = 1 << 8
        case .until: rawValue = 1 << 9
        case .on: rawValue = 1 << 10
        case .rating: rawValue = 1 << 11
        case .min: rawValue = 1 << 12
        }
    }

    init(_ keys: some Sequence<QualifierKey>) {
        self.init(rawValue: 0)
        for key in keys { insert(QualifierKeySet(key)) }
    }

    var asSet: Set<QualifierKey> { Set(QualifierKey.allCases.filter { contains(QualifierKeySet($0)) }) }

    func contains(_ key: QualifierKey) -> Bool { contains(QualifierKeySet(key)) }
}
