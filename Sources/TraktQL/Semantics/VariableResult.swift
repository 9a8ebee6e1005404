import Foundation

/// A variable that holds a query's answer: `let seen = activity user:me action:seen | distinct
/// show.ids.slug`. The query runs once, when the `let` runs (its calls are cached like any
/// other); the variable keeps the values of its one column, with that column's kind, so
/// `where show.ids.slug in $seen` compares slugs with slugs and `show:$seen` names shows.
public struct VariableResult: Sendable, Hashable {
    /// The most values a variable may hold: more is an error naming this limit, never a
    /// silently shortened list.
    public static let maximumValues = 10_000

    /// The column's values, in the answer's order.
    public var values: [Value]
    /// What the values are (text, numbers, times…), as the column was typed.
    public var kind: FieldCatalog.Kind
    /// The column's name.
    public var column: String
    /// The query, as written.
    public var query: String
    /// Its plan, as `explain` shows it.
    public var explanation: String
    /// The HTTP calls it made, and the ones the cache answered.
    public var calls: Int
    public var cachedCalls: Int

    public init(values: [Value], kind: FieldCatalog.Kind, column: String, query: String, explanation: String, calls: Int = 0, cachedCalls: Int = 0) {
        self.values = values
        self.kind = kind
        self.column = column
        self.query = query
        self.explanation = explanation
        self.calls = calls
        self.cachedCalls = cachedCalls
    }

    /// `$seen: 57 text values from activity user:me … (3 calls)`, for `.vars` and `explain`.
    public func summary(name: String) -> String {
        let what = values.count == 1 ? "1 value" : "\(values.count) values"
        return "$\(name): \(what) (\(Checker.article(kind))) from \(query)"
    }
}
