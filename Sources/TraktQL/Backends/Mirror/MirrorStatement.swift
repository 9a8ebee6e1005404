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

    /// The parameters' values, in the order of the `?`s.
    public var values: [MirrorValue] { parameters.map(\.value) }
}
