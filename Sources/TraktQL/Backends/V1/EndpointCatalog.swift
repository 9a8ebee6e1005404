/// One v1 activity endpoint: its path, its positional segments and what fills them.
public struct Endpoint: Sendable, Hashable {
    /// A positional path segment after the API key.
    public enum Segment: Sendable, Hashable {
        case username, showTitle, movieTitle, season, episode, types, actions, startTimestamp, endTimestamp

        /// The segment's name in the API documentation.
        public var apiName: String {
            switch self {
            case .username: return "username"
            case .showTitle, .movieTitle: return "title"
            case .season: return "season"
            case .episode: return "episode"
            case .types: return "types"
            case .actions: return "actions"
            case .startTimestamp: return "start_ts"
            case .endTimestamp: return "end_ts"
            }
        }

        /// The qualifier whose values go into this segment.
        public var source: QualifierKey {
            switch self {
            case .username: return .user
            case .showTitle: return .show
            case .movieTitle: return .movie
            case .season: return .season
            case .episode: return .episode
            case .types: return .type
            case .actions: return .action
            case .startTimestamp: return .since
            case .endTimestamp: return .until
            }
        }

        /// Skipped optional `types`/`actions` segments are filled with `all`; timestamps have no placeholder.
        public var placeholder: String? {
            switch self {
            case .types, .actions: return "all"
            default: return nil
            }
        }
    }

    public enum Auth: String, Sendable, Hashable {
        case optional, required
    }

    /// `activity/seasons`
    public let name: String
    /// The segments after the key, in order.
    public let segments: [Segment]
    /// How many leading segments the API requires.
    public let requiredCount: Int
    public let auth: Auth
    /// The stream a `scope:` qualifier selects, for the all-types streams.
    public let scope: Scope?

    /// `activity/seasons.json`
    public var pathPrefix: String { "\(name).json" }

    /// The qualifiers that must be present (and pushable) to choose this endpoint.
    public var requiredQualifiers: Set<QualifierKey> { requiredKeys.asSet }

    /// The qualifiers this endpoint carries in its path.
    public var carriedQualifiers: Set<QualifierKey> { carriedKeys.asSet }

    /// ``requiredQualifiers`` and ``carriedQualifiers`` as bits, for the planner.
    let requiredKeys: QualifierKeySet
    let carriedKeys: QualifierKeySet

    public init(name: String, segments: [Segment], requiredCount: Int, auth: Auth, scope: Scope? = nil) {
        self.name = name
        self.segments = segments
        self.requiredCount = requiredCount
        self.auth = auth
        self.scope = scope
        requiredKeys = QualifierKeySet(segments.prefix(requiredCount).map(\.source))
        carriedKeys = QualifierKeySet(segments.map(\.source))
    }
}

/// The declarative table of v1 activity endpoints (trakt-api.md §1.2). The planner reads it;
/// adding an endpoint is adding one entry.
public enum EndpointCatalog {
    private static let streamTail: [Endpoint.Segment] = [.types, .actions, .startTimestamp, .endTimestamp]
    private static let itemTail: [Endpoint.Segment] = [.actions, .startTimestamp, .endTimestamp]

    public static let endpoints: [Endpoint] = [
        Endpoint(name: "activity/community", segments: streamTail, requiredCount: 0, auth: .optional, scope: .community),
        Endpoint(name: "activity/friends", segments: streamTail, requiredCount: 0, auth: .required, scope: .friends),
        Endpoint(name: "activity/friendsme", segments: streamTail, requiredCount: 0, auth: .required, scope: .friendsme),
        Endpoint(name: "activity/following", segments: streamTail, requiredCount: 0, auth: .required, scope: .following),
        Endpoint(name: "activity/followers", segments: streamTail, requiredCount: 0, auth: .required, scope: .followers),
        Endpoint(name: "activity/shows", segments: [.showTitle] + itemTail, requiredCount: 1, auth: .optional),
        Endpoint(name: "activity/seasons", segments: [.showTitle, .season] + itemTail, requiredCount: 2, auth: .optional),
        Endpoint(name: "activity/episodes", segments: [.showTitle, .season, .episode] + itemTail, requiredCount: 3, auth: .optional),
        Endpoint(name: "activity/movies", segments: [.movieTitle] + itemTail, requiredCount: 1, auth: .optional),
        Endpoint(name: "activity/user", segments: [.username] + streamTail, requiredCount: 1, auth: .optional),
        Endpoint(name: "activity/user/shows", segments: [.username, .showTitle] + itemTail, requiredCount: 2, auth: .optional),
        Endpoint(name: "activity/user/seasons", segments: [.username, .showTitle, .season] + itemTail, requiredCount: 3, auth: .optional),
        Endpoint(name: "activity/user/episodes", segments: [.username, .showTitle, .season, .episode] + itemTail, requiredCount: 4, auth: .optional),
        Endpoint(name: "activity/user/movies", segments: [.username, .movieTitle] + itemTail, requiredCount: 2, auth: .optional),
    ]

    public static func endpoint(named name: String) -> Endpoint? {
        endpoints.first { $0.name == name }
    }

    /// The endpoint for a stream scope.
    public static func endpoint(for scope: Scope) -> Endpoint {
        endpoints.first { $0.scope == scope }!
    }

    /// The most specific endpoint whose required qualifiers are all among `pushable`; the
    /// community stream when none is.
    public static func mostSpecific(carrying pushable: Set<QualifierKey>) -> Endpoint {
        mostSpecific(carrying: QualifierKeySet(pushable))
    }

    /// ``mostSpecific(carrying:)`` over bits; the first of equally specific endpoints wins.
    static func mostSpecific(carrying pushable: QualifierKeySet) -> Endpoint {
        var best: Endpoint?
        for endpoint in endpoints where endpoint.scope == nil && pushable.isSuperset(of: endpoint.requiredKeys) {
            if best == nil || endpoint.requiredCount > best!.requiredCount { best = endpoint }
        }
        return best ?? endpoint(for: .community)
    }
}
