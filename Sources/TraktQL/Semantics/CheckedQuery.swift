import Foundation

/// A query whose qualifiers are resolved and validated: the checker's output, the planner's input.
public struct CheckedQuery: Sendable, Equatable {
    public var shows: TermFilter<String>?
    public var seasons: NumberFilter?
    public var episodes: NumberFilter?
    public var movies: TermFilter<String>?
    public var users: TermFilter<String>?
    public var scope: Scope?
    public var scopeOrigin: Origin?
    public var types: TermFilter<ItemType>?
    public var actions: TermFilter<Action>?
    public var since: TimeBound?
    public var until: TimeBound?
    public var rating: RatingFilter?
    public var minimal: Bool
    /// Negated values that no positive list of their key held (`show:a -show:b`), or negations
    /// of keys that cannot be subtracted from (`rating:`): checked on each item after the fetch.
    public var exclusions: [ResidualFilter] = []
    /// What each negation did when its key also had a positive list, for `explain`.
    public var negationNotes: [String] = []
    /// Every show, movie and user the plain (not negated) qualifiers name, each where it is
    /// written: what a failed call for one of them points at.
    public var names: [NamedValue] = []
    /// The item types the query can return, after everything that restricts them.
    public var possibleTypes: Set<ItemType> {
        get { possibleTypeSet.asSet }
        set { possibleTypeSet = ItemTypeSet(newValue) }
    }
    /// ``possibleTypes`` as bits (what the checker and planner use).
    var possibleTypeSet: ItemTypeSet
    public var stages: [CheckedStage]
    /// The zone the query was checked in (explain shows instants in it). Times are instants:
    /// how an API writes them is the backend's business.
    public var timeZone: TimeZone

    public init(timeZone: TimeZone) {
        self.minimal = false
        self.possibleTypeSet = .all
        self.stages = []
        self.timeZone = timeZone
    }
}

/// Where a resolved value came from: the qualifier's text and span, for `explain` and messages.
public struct Origin: Sendable, Hashable, CustomStringConvertible {
    public var text: String
    public var span: SourceSpan

    public init(text: String, span: SourceSpan) {
        self.text = text
        self.span = span
    }

    public var description: String { text }
}

/// A set of accepted (or, negated, refused) values of one qualifier.
public struct TermFilter<Element: Sendable & Hashable>: Sendable, Hashable {
    public var values: [Element]
    public var negated: Bool
    public var origin: Origin

    public init(values: [Element], negated: Bool, origin: Origin) {
        self.values = values
        self.negated = negated
        self.origin = origin
    }
}

/// Accepted numbers: a finite list, or bounds (`>=3`, `2..`), or both; possibly negated.
public struct NumberFilter: Sendable, Hashable {
    public var values: [Int]
    /// Open or half-open intervals; `nil` ends are unbounded.
    public var intervals: [ClosedInterval]
    public var negated: Bool
    public var origin: Origin

    public struct ClosedInterval: Sendable, Hashable {
        public var lower: Int?
        public var upper: Int?

        public func contains(_ n: Int) -> Bool { (lower.map { n >= $0 } ?? true) && (upper.map { n <= $0 } ?? true) }
    }

    /// The finite set of values when the filter can be written as a comma list in a path
    /// segment, i.e. it is positive and has no open interval.
    public var finiteValues: [Int]? {
        guard !negated, intervals.isEmpty else { return nil }
        return values
    }

    public func matches(_ n: Int) -> Bool {
        contains(n) != negated
    }

    /// Whether `n` is one of the numbers written (whether or not the filter is negated).
    public func contains(_ n: Int) -> Bool {
        values.contains(n) || intervals.contains { $0.contains(n) }
    }
}

/// A resolved `since:`/`until:`/`on:` bound.
public struct TimeBound: Sendable, Hashable {
    public var instant: Date
    public var origin: Origin
}

/// `rating:` — love/hate or numeric conditions on `rating_advanced`.
public struct RatingFilter: Sendable, Hashable {
    public enum Term: Sendable, Hashable {
        case love, hate
        case numbers(NumberFilter.ClosedInterval)
    }

    public var terms: [Term]
    public var negated: Bool
    public var origin: Origin
}
