import Foundation

/// Turns a checked query into a v1 ``Plan``: the most specific endpoint that can carry the
/// qualifiers (reading ``EndpointCatalog``), its positional segments, fan-out, and the residue.
///
/// When a query has `until:` but no `since:`, `start_ts` must still be sent (segments are
/// positional); it is filled with `0`, the Unix epoch, which bounds nothing.
public enum V1Planner {
    /// The plan of `backend` (whose timestamp convention the segments use) for `query`, whose
    /// spans point into `source`.
    public static func plan(_ query: CheckedQuery, by backend: V1Backend, source: String) -> Plan {
        let convention = backend.convention
        let endpoint = chooseEndpoint(query)
        let carried = endpoint.carriedKeys
        var residual: [ResidualFilter] = []

        // Values for each segment; nil where the query gives none.
        var values = SegmentValues()
        func set(_ segment: Endpoint.Segment, _ value: String, _ origin: Origin, instant: Date? = nil) {
            values[segment] = PlannedSegment(segment: segment, value: value, source: .qualifier(origin), instant: instant)
        }

        if let shows = query.shows {
            if carried.contains(.show) && !shows.negated {
                set(.showTitle, commaList(shows.values) { $0 }, shows.origin)
            } else {
                residual.append(.shows(shows))
            }
        }
        if let seasons = query.seasons {
            if carried.contains(.season), let finite = seasons.finiteValues {
                set(.season, commaList(finite) { String($0) }, seasons.origin)
            } else {
                residual.append(.seasons(seasons))
            }
        }
        if let episodes = query.episodes {
            if carried.contains(.episode), let finite = episodes.finiteValues {
                set(.episode, commaList(finite) { String($0) }, episodes.origin)
            } else {
                residual.append(.episodes(episodes))
            }
        }
        if let movies = query.movies {
            if carried.contains(.movie) && !movies.negated {
                set(.movieTitle, commaList(movies.values) { $0 }, movies.origin)
            } else {
                residual.append(.movies(movies))
            }
        }
        var fanOutUsers: [String] = []
        var userOrigin: Origin?
        if let users = query.users {
            if carried.contains(.user) && !users.negated {
                fanOutUsers = users.values
                userOrigin = users.origin
            } else {
                residual.append(.users(users))
            }
        }
        if let types = query.types {
            if carried.contains(.type) {
                let pushed = types.negated ? ItemType.allCases.filter { !types.values.contains($0) } : types.values
                set(.types, commaList(pushed) { $0.rawValue }, types.origin)
            } else {
                residual.append(.types(types))
            }
        }
        if let actions = query.actions {
            // A negation is pushed down as the complement among the actions that can occur.
            let pushed = actions.negated
                ? Action.allCases.filter { !actions.values.contains($0) && !$0.itemTypeSet.isDisjoint(with: query.possibleTypeSet) }
                : actions.values
            set(.actions, commaList(pushed) { $0.rawValue }, actions.origin)
        }
        if let since = query.since {
            set(.startTimestamp, String(convention.apiTimestamp(for: since.instant)), since.origin, instant: since.instant)
        }
        if let until = query.until {
            // until: is exclusive (the next period's first instant); end_ts counts whole seconds
            // and includes its own, so it is the second before (no item is in two periods).
            let last = until.instant.addingTimeInterval(-1)
            set(.endTimestamp, String(convention.apiTimestamp(for: last)), until.origin, instant: last)
        }
        if let rating = query.rating {
            residual.append(.rating(rating))
        }
        residual += query.exclusions

        // Drop trailing empty segments; fill earlier optional ones with their placeholder.
        let lastGiven = endpoint.segments.lastIndex { values[$0] != nil || $0 == .username }
        var segments: [PlannedSegment] = []
        if let lastGiven {
            segments.reserveCapacity(lastGiven + 1)
            for segment in endpoint.segments[...lastGiven] {
                if let value = values[segment] {
                    segments.append(value)
                } else if segment == .username {
                    segments.append(PlannedSegment(segment: .username, value: "", source: .placeholder, instant: nil))
                } else if segment == .startTimestamp {
                    segments.append(PlannedSegment(segment: .startTimestamp, value: "0", source: .unboundedStart, instant: nil))
                } else if let placeholder = segment.placeholder {
                    segments.append(PlannedSegment(segment: segment, value: placeholder, source: .placeholder, instant: nil))
                }
            }
        }

        let template = PlannedCall(endpoint: endpoint, segments: segments, minimal: query.minimal)
        var calls: [PlannedCall] = []
        if fanOutUsers.isEmpty {
            calls = [template]
        } else {
            for user in fanOutUsers {
                var call = template
                if let i = call.segments.firstIndex(where: { $0.segment == .username }) {
                    call.segments[i] = PlannedSegment(segment: .username, value: user, source: .qualifier(userOrigin!), instant: nil)
                }
                calls.append(call)
            }
        }

        return Plan(V1Plan(calls: calls, convention: convention), by: backend, source: source, residual: residual, stages: query.stages,
                    fetch: query.fetchPolicy, since: query.since?.instant, timeZone: query.timeZone,
                    negationNotes: query.negationNotes, episodeFilters: query.episodeFilters)
    }

    /// `items` joined with `,` as a path segment: the same text as `map(text).joined(separator: ",")`
    /// without the intermediate array (and without copying a single item's text).
    static func commaList<T>(_ items: [T], _ text: (T) -> String) -> String {
        if items.count == 1 { return text(items[0]) }
        var out = ""
        for (i, item) in items.enumerated() {
            if i > 0 { out += "," }
            out += text(item)
        }
        return out
    }

    /// The scope's stream, else the most specific endpoint for what can be pushed down.
    static func chooseEndpoint(_ query: CheckedQuery) -> Endpoint {
        if let scope = query.scope { return EndpointCatalog.endpoint(for: scope) }
        var pushable = QualifierKeySet()
        if let users = query.users, !users.negated { pushable.insert(QualifierKeySet(.user)) }
        if let shows = query.shows, !shows.negated {
            pushable.insert(QualifierKeySet(.show))
            if let seasons = query.seasons?.finiteValues {
                pushable.insert(QualifierKeySet(.season))
                if seasons.count == 1, query.episodes?.finiteValues != nil { pushable.insert(QualifierKeySet(.episode)) }
            }
        }
        if let movies = query.movies, !movies.negated { pushable.insert(QualifierKeySet(.movie)) }
        return EndpointCatalog.mostSpecific(carrying: pushable)
    }

    /// A value per segment kind, held inline: a dictionary, or even an array, cost an
    /// allocation per plan.
    private struct SegmentValues {
        private var username, showTitle, movieTitle, season, episode, types, actions, startTimestamp, endTimestamp: PlannedSegment?

        subscript(segment: Endpoint.Segment) -> PlannedSegment? {
            get {
                switch segment {
                case .username: return username
                case .showTitle: return showTitle
                case .movieTitle: return movieTitle
                case .season: return season
                case .episode: return episode
                case .types: return types
                case .actions: return actions
                case .startTimestamp: return startTimestamp
                case .endTimestamp: return endTimestamp
                }
            }
            set {
                switch segment {
                case .username: username = newValue
                case .showTitle: showTitle = newValue
                case .movieTitle: movieTitle = newValue
                case .season: season = newValue
                case .episode: episode = newValue
                case .types: types = newValue
                case .actions: actions = newValue
                case .startTimestamp: startTimestamp = newValue
                case .endTimestamp: endTimestamp = newValue
                }
            }
        }
    }
}
