/// The `type` of an activity item.
public enum ItemType: String, Sendable, Hashable, CaseIterable, Comparable {
    case episode, show, movie, list

    public static func < (lhs: ItemType, rhs: ItemType) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The `action` of an activity item.
public enum Action: String, Sendable, Hashable, CaseIterable, Comparable {
    case watching, scrobble, checkin, seen, collection, rating, watchlist, shout, review, created
    case itemAdded = "item_added"

    public static func < (lhs: Action, rhs: Action) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The item types this action can occur on (trakt-api.md §1.4).
    public var itemTypes: Set<ItemType> { itemTypeSet.asSet }

    /// ``itemTypes`` as bits, for the checker and planner.
    var itemTypeSet: ItemTypeSet {
        switch self {
        case .watching, .scrobble, .checkin, .seen, .collection: return [ItemTypeSet(.episode), ItemTypeSet(.movie)]
        case .rating, .watchlist, .shout, .review: return [ItemTypeSet(.episode), ItemTypeSet(.show), ItemTypeSet(.movie)]
        case .created, .itemAdded: return ItemTypeSet(.list)
        }
    }
}

/// Whose stream a query reads when it names no show, movie or user.
public enum Scope: String, Sendable, Hashable, CaseIterable {
    case community, friends, friendsme, following, followers
}
