/// A set of ``ItemType``s as bits: the checker and planner intersect and test these for every
/// query, and `Set<ItemType>` costs an allocation and hashing each time.
struct ItemTypeSet: OptionSet, Sendable, Hashable {
    let rawValue: UInt8

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ type: ItemType) {
        switch type {
        case .episode: rawValue = 1
        case .show: rawValue = 2
        case .movie: rawValue = 4
        case .list: rawValue = 8
        }
    }

    init(_ types: some Sequence<ItemType>) {
        self.init(rawValue: 0)
        for type in types { insert(ItemTypeSet(type)) }
    }

    static let all = ItemTypeSet(ItemType.allCases)

    /// The members in ``ItemType`` order.
    var members: [ItemType] { ItemType.allCases.filter { contains(ItemTypeSet($0)) } }

    var asSet: Set<ItemType> { Set(members) }

    func contains(_ type: ItemType) -> Bool { contains(ItemTypeSet(type)) }
}

extension Action {
    /// ``itemTypes`` as bits, for the checker and planner.
    var itemTypeSet: ItemTypeSet { ItemTypeSet(itemTypes) }
}
