import Foundation

/// `-key:v` removes `v` from the positive list of the same key: `user:justin,emily -user:justin`
/// asks for emily only, so the planner can push the remaining values into the call. A negation
/// with no positive list stays what it always was: a filter (or, for actions and types, the
/// complement pushed into the segment).
extension Checker {
    mutating func applyNegations(_ negated: CheckedQuery, to checked: inout CheckedQuery) {
        checked.shows = subtract(negated.shows, from: checked.shows, key: "show", aliases: true,
                                 into: &checked, residual: ResidualFilter.shows)
        checked.movies = subtract(negated.movies, from: checked.movies, key: "movie", aliases: true,
                                  into: &checked, residual: ResidualFilter.movies)
        // A backend's name for its account (`me`: the logged-in user, an export's owner) may be
        // any user: `user:me,justin -user:justin` may leave justin's activity under `me`, so the
        // negated names are checked on each item.
        let aliases = context.accountAliases
        let meIsListed = checked.users.map { users in
            !users.negated && users.values.contains { value in aliases.contains(ASCIICase.lowercased(value)) }
        } ?? false
        checked.users = subtract(negated.users, from: checked.users, key: "user", aliases: meIsListed, everyNegatedValueMayAlias: meIsListed,
                                 into: &checked, residual: ResidualFilter.users)
        checked.types = subtract(negated.types, from: checked.types, key: "type", aliases: false,
                                 into: &checked, residual: ResidualFilter.types)
        checked.actions = subtract(negated.actions, from: checked.actions, key: "action", aliases: false,
                                   into: &checked, residual: ResidualFilter.actions)
        checked.seasons = subtract(negated.seasons, from: checked.seasons, key: "season",
                                   into: &checked, residual: ResidualFilter.seasons)
        checked.episodes = subtract(negated.episodes, from: checked.episodes, key: "episode",
                                    into: &checked, residual: ResidualFilter.episodes)
        if let negative = negated.rating {
            if checked.rating == nil {
                checked.rating = negative
            } else {
                checked.exclusions.append(.rating(negative))
                checked.negationNotes.append("\(negative.origin.text) is checked on each item, with \(checked.rating!.origin.text)")
            }
        }
    }

    /// The positive list without the negated values. `aliases`: a value may name an item that a
    /// different value of the list also names (a slug and its TVDB id), so a negated value the
    /// list does not hold is still checked on each item; without aliases it can match nothing
    /// the list asks for and is dropped. `everyNegatedValueMayAlias`: a remaining value may
    /// stand for a removed one too (`me`), so every negated value is checked on each item.
    private mutating func subtract<T>(
        _ negative: TermFilter<T>?, from positive: TermFilter<T>?, key: String, aliases: Bool, everyNegatedValueMayAlias: Bool = false,
        into checked: inout CheckedQuery, residual: (TermFilter<T>) -> ResidualFilter
    ) -> TermFilter<T>? {
        guard let negative else { return positive }
        guard var positive else { return negative }
        let removed = positive.values.filter { negative.values.contains($0) }
        // Values checked on each item: those the list does not hold (they may be another id of
        // a listed value), or all of them when a listed value may stand for any (`me`).
        let unmatched = everyNegatedValueMayAlias ? negative.values : negative.values.filter { !positive.values.contains($0) }
        positive.values.removeAll { negative.values.contains($0) }
        if positive.values.isEmpty {
            error("nothing left to query: '\(negative.origin.text)' removes every value of '\(positive.origin.text)'",
                  at: negative.origin.span,
                  help: "drop one of the two, or leave out \(key): to query every \(key)")
            return nil
        }
        var note = "\(negative.origin.text) "
        note += removed.isEmpty
            ? "removes nothing from \(positive.origin.text)"
            : "removes \(Self.list(removed)) from \(positive.origin.text), leaving \(key):\(Self.list(positive.values, separator: ","))"
        if aliases, !unmatched.isEmpty {
            checked.exclusions.append(residual(TermFilter(values: unmatched, negated: true, origin: negative.origin)))
            note += "; \(Self.list(unmatched)) \(unmatched.count == 1 ? "is" : "are") checked on each item (it may be another id of a listed \(key))"
        }
        checked.negationNotes.append(note)
        positive.origin = Origin(text: "\(positive.origin.text) \(negative.origin.text)", span: positive.origin.span)
        return positive
    }

    private mutating func subtract(
        _ negative: NumberFilter?, from positive: NumberFilter?, key: String,
        into checked: inout CheckedQuery, residual: (NumberFilter) -> ResidualFilter
    ) -> NumberFilter? {
        guard let negative else { return positive }
        guard var positive else { return negative }
        guard positive.intervals.isEmpty else {
            // An open range cannot be listed: the negation is checked on each item instead.
            checked.exclusions.append(residual(negative))
            checked.negationNotes.append("\(negative.origin.text) is checked on each item, with \(positive.origin.text)")
            return positive
        }
        let removed = positive.values.filter { negative.contains($0) }
        positive.values.removeAll { negative.contains($0) }
        if positive.values.isEmpty {
            error("nothing left to query: '\(negative.origin.text)' removes every value of '\(positive.origin.text)'",
                  at: negative.origin.span,
                  help: "drop one of the two, or leave out \(key): to query every \(key)")
            return nil
        }
        checked.negationNotes.append("\(negative.origin.text) "
            + (removed.isEmpty ? "removes nothing from \(positive.origin.text)"
                               : "removes \(Self.list(removed)) from \(positive.origin.text), leaving \(key):\(Self.list(positive.values, separator: ","))"))
        positive.origin = Origin(text: "\(positive.origin.text) \(negative.origin.text)", span: positive.origin.span)
        return positive
    }

    private static func list<T>(_ values: [T], separator: String = ", ") -> String {
        values.map { value in (value as? any RawRepresentable).map { "\($0.rawValue)" } ?? "\(value)" }.joined(separator: separator)
    }
}
