import Foundation

/// A condition checked on each fetched item because no path segment can carry it.
public enum ResidualFilter: Sendable, Hashable, CustomStringConvertible {
    case types(TermFilter<ItemType>)
    case actions(TermFilter<Action>)
    case shows(TermFilter<String>)
    case seasons(NumberFilter)
    case episodes(NumberFilter)
    case movies(TermFilter<String>)
    case users(TermFilter<String>)
    case rating(RatingFilter)

    /// The qualifier it came from, as written.
    public var origin: Origin {
        switch self {
        case .types(let f): return f.origin
        case .actions(let f): return f.origin
        case .shows(let f), .movies(let f), .users(let f): return f.origin
        case .seasons(let f), .episodes(let f): return f.origin
        case .rating(let f): return f.origin
        }
    }

    /// What is checked, in terms of the item's fields.
    public var meaning: String { meaning(ratingField: "rating_advanced") }

    /// What is checked, naming the 10-point rating as the backend's items do.
    public func meaning(ratingField: String) -> String {
        func list<T>(_ values: [T], negated: Bool, field: String) -> String {
            let items = values.map { "\($0)" }
            let set = items.count == 1 ? "== \(items[0])" : "in [\(Plan.abbreviated(items))]"
            return negated ? "not (\(field) \(set))" : "\(field) \(set)"
        }
        func numbers(_ f: NumberFilter, field: String) -> String {
            var parts = f.values.map(String.init)
            parts += f.intervals.map { "\($0.lower.map(String.init) ?? "")..\($0.upper.map(String.init) ?? "")" }
            let text = "\(field) in [\(parts.joined(separator: ", "))]"
            return f.negated ? "not (\(text))" : text
        }
        switch self {
        case .types(let f): return list(f.values.map(\.rawValue), negated: f.negated, field: "type")
        case .actions(let f): return list(f.values.map(\.rawValue), negated: f.negated, field: "action")
        case .shows(let f): return list(f.values, negated: f.negated, field: "show (slug or tvdb_id)")
        case .movies(let f): return list(f.values, negated: f.negated, field: "movie (slug, imdb_id or tmdb_id)")
        case .users(let f): return list(f.values, negated: f.negated, field: "user.username")
        case .seasons(let f): return numbers(f, field: "season (episode or any of episodes[])")
        case .episodes(let f): return numbers(f, field: "episode number (episode or any of episodes[])")
        case .rating(let f):
            let parts = f.terms.map { term -> String in
                switch term {
                case .love: return "rating == love"
                case .hate: return "rating == hate"
                case .numbers(let i):
                    if i.lower == i.upper, let n = i.lower { return "\(ratingField) == \(n)" }
                    return [i.lower.map { "\(ratingField) >= \($0)" }, i.upper.map { "\(ratingField) <= \($0)" }].compactMap { $0 }.joined(separator: " and ")
                }
            }
            let text = parts.joined(separator: " or ")
            return f.negated ? "not (\(text))" : text
        }
    }

    public var description: String { "\(origin.text)  ⇒  \(meaning)" }
}
