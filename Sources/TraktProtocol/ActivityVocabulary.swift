/// The `type` of a v1 activity item, as the API writes it.
public enum ItemType: String, Sendable, Hashable, CaseIterable, Comparable {
    case episode, show, movie, list

    public static func < (lhs: ItemType, rhs: ItemType) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The `action` of a v1 activity item, as the API writes it.
public enum Action: String, Sendable, Hashable, CaseIterable, Comparable {
    case watching, scrobble, checkin, seen, collection, rating, watchlist, shout, review, created
    case itemAdded = "item_added"

    public static func < (lhs: Action, rhs: Action) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The item types this action can occur on (trakt-api.md §1.4): the engine's checker refuses
    /// the other pairs and the emulator generates only these.
    public var itemTypes: Set<ItemType> {
        switch self {
        case .watching, .scrobble, .checkin, .seen, .collection: return [.episode, .movie]
        case .rating, .watchlist, .shout, .review: return [.episode, .show, .movie]
        case .created, .itemAdded: return [.list]
        }
    }
}
