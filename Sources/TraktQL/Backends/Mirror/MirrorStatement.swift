import Foundation

/// One SQL statement of a ``MirrorPlan``: the rows of one v2 route's elements, as the route
/// would list them (same order), narrowed by what the qualifiers push into SQL.
public struct MirrorStatement: Sendable, Hashable {
    /// A `?` of the statement: its value, and the qualifier (or rule) it comes from.
    public struct Parameter: Sendable, Hashable {
        public var value: MirrorValue
        public var from: String
    }

    /// The v2 route whose elements the rows rebuild (and which ``V2Item`` reads them as).
    public var route: V2Route
    /// The mirror's table the rows come from.
    public var table: String
    public var sql: String
    public var parameters: [Parameter]
    /// At most this many elements (a query without `limit` or `since:` reads the newest page,
    /// as over the API); nil: every row.
    public var elementLimit: Int?
    /// `since:`/`until:` checked on each item instead of in SQL: one page of a route that has
    /// no time filter over v2 (its newest page is read, then its items are checked).
    public var localSince: Date?
    public var localUntil: Date?

    /// Whether the rows' items come newest first (its ORDER BY is the items' time, descending),
    /// as v2's call of the route does (``V2PlannedCall/newestFirst``): such a statement joins a
    /// merge as it is stepped; the others (collected shows by show, lists, list items by rank)
    /// are read whole and sorted first.
    public var isNewestFirst: Bool {
        switch route {
        case .history, .ratings, .watchlist, .collectionMovies, .userComments: return true
        default: return false
        }
    }

    /// The parameters' values, in the order of the `?`s.
    public var values: [MirrorValue] { parameters.map(\.value) }
}
