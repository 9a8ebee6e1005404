import Foundation

/// What a query will do: the endpoint calls, the filter applied to their items afterwards,
/// the stages, and how far to page. The planner's output; `explain` prints it.
public struct Plan: Sendable, Equatable {
    /// One call per user for a fan-out, otherwise one.
    public var calls: [PlannedCall]
    /// Conditions no path segment could carry, checked on each fetched item.
    public var residual: [ResidualFilter]
    public var stages: [CheckedStage]
    public var fetch: FetchPolicy
    /// The lower time bound, where paging stops.
    public var since: Date?
    public var timeZone: TimeZone
    public var convention: TimestampConvention
    /// Set for a query over a saved response (`--input`): no calls, every qualifier a filter.
    public var local: LocalSource? = nil
    /// What each negation did to its key's positive list (`-user:justin removes justin …`).
    public var negationNotes: [String] = []
    /// The `season:`/`episode:` conditions, whether a segment carries them or not: an item
    /// matches when one of its episodes does, and `flatten episodes` keeps only the episodes
    /// that match (a seen of S01E03–E06 under `episode:1..3` flattens to S01E03 alone).
    public var episodeFilters: [ResidualFilter] = []
}

/// How many items the executor fetches.
public enum FetchPolicy: Sendable, Hashable {
    /// One call per planned call: the API's 100 most recent matches.
    case onePage
    /// Page backwards until this many rows survive the stages before the first `limit`.
    case rows(Int)
    /// Page backwards through everything after `since` (or everything, for `limit all`),
    /// up to the executor's safety bound.
    case all
}

/// One HTTP call to a v1 endpoint.
public struct PlannedCall: Sendable, Hashable {
    public var endpoint: Endpoint
    /// The path segments after the API key, in order (trailing optional ones dropped).
    public var segments: [PlannedSegment]
    /// `?min=1`
    public var minimal: Bool

    /// The path, with `apiKey` in the key's position: `/activity/seasons.json/KEY/the-walking-dead/1,2`.
    public func path(apiKey: String) -> String {
        var path = "/\(endpoint.pathPrefix)/\(Self.escape(apiKey))"
        for segment in segments { path += "/" + Self.escape(segment.value) }
        return path + (minimal ? "?min=1" : "")
    }

    /// The path with the key replaced by `<key>`, safe to print.
    public var redactedPath: String { path(apiKey: "<key>").replacingOccurrences(of: "%3Ckey%3E", with: "<key>") }

    /// The full URL under `base` (which may carry a path prefix).
    public func url(base: URL, apiKey: String) -> URL? {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text + path(apiKey: apiKey))
    }

    /// The timestamp segment's value, if present.
    public func timestamp(_ segment: Endpoint.Segment) -> Int64? {
        segments.first { $0.segment == segment }.flatMap { Int64($0.value) }
    }

    /// This call with `end_ts` set (for paging backwards), filling the segments before it.
    public func withEndTimestamp(_ endTimestamp: Int64, instant: Date) -> PlannedCall {
        var copy = self
        var filled: [PlannedSegment] = []
        for segment in endpoint.segments {
            if segment == .endTimestamp {
                filled.append(PlannedSegment(segment: .endTimestamp, value: String(endTimestamp), source: .paging, instant: instant))
                break
            }
            if let existing = segments.first(where: { $0.segment == segment }) {
                filled.append(existing)
            } else if segment == .startTimestamp {
                filled.append(PlannedSegment(segment: .startTimestamp, value: "0", source: .unboundedStart, instant: nil))
            } else if let placeholder = segment.placeholder {
                filled.append(PlannedSegment(segment: segment, value: placeholder, source: .placeholder, instant: nil))
            }
        }
        copy.segments = filled
        return copy
    }

    /// Percent-escapes what cannot stand in a path segment (commas stay: the API splits on them).
    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#;")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// One positional path segment and why it holds its value.
public struct PlannedSegment: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// Written by a qualifier.
        case qualifier(Origin)
        /// `all`, because a later segment is needed.
        case placeholder
        /// `0`: a start is needed before `end_ts` and the query has no `since:`.
        case unboundedStart
        /// Set by the executor while paging backwards.
        case paging
    }

    public var segment: Endpoint.Segment
    public var value: String
    public var source: Source
    /// For timestamps: the instant the value denotes.
    public var instant: Date?
}

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
    public var meaning: String {
        func list<T>(_ values: [T], negated: Bool, field: String) -> String {
            let items = values.map { "\($0)" }
            let set = items.count == 1 ? "== \(items[0])" : "in [\(items.joined(separator: ", "))]"
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
                    if i.lower == i.upper, let n = i.lower { return "rating_advanced == \(n)" }
                    return [i.lower.map { "rating_advanced >= \($0)" }, i.upper.map { "rating_advanced <= \($0)" }].compactMap { $0 }.joined(separator: " and ")
                }
            }
            let text = parts.joined(separator: " or ")
            return f.negated ? "not (\(text))" : text
        }
    }

    public var description: String { "\(origin.text)  ⇒  \(meaning)" }
}
