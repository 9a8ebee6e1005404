/// One v1 activity endpoint: its path, its positional segments and what fills them.
public struct Endpoint: Sendable, Hashable {
    /// A positional path segment after the API key.
    public enum Segment: Sendable, Hashable {
        case username, showTitle, movieTitle, season, episode, types, actions, startTimestamp, endTimestamp

        /// The segment as the shared method table (``ActivityMethod``) names it.
        public var wire: ActivityMethod.Segment {
            switch self {
            case .username: return .username
            case .showTitle, .movieTitle: return .title
            case .season: return .season
            case .episode: return .episode
            case .types: return .types
            case .actions: return .actions
            case .startTimestamp: return .start
            case .endTimestamp: return .end
            }
        }

        /// The segment's name in the API documentation.
        public var apiName: String { wire.apiName }

        /// The engine's reading of a shared segment: a `title` is a show's or a movie's.
        init(_ wire: ActivityMethod.Segment, movie: Bool) {
            switch wire {
            case .username: self = .username
            case .title: self = movie ? .movieTitle : .showTitle
            case .season: self = .season
            case .episode: self = .episode
            case .types: self = .types
            case .actions: self = .actions
            case .start: self = .startTimestamp
            case .end: self = .endTimestamp
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

    /// The engine's view of a method from the shared table: a `title` segment becomes the show
    /// or movie it names, and the five streams become the `scope:` values.
    public init(_ method: ActivityMethod) {
        self.init(name: method.path, segments: method.segments.map { Segment($0, movie: method.isMovieScoped) },
                  requiredCount: method.requiredCount, auth: method.requiresAuth ? .required : .optional,
                  scope: Scope(rawValue: method.rawValue))
    }
}

/// The v1 activity endpoints as the planner reads them: the shared table (``ActivityMethod``,
/// trakt-api.md §1.2) in its order, so adding an endpoint is adding one case there.
public enum EndpointCatalog {
    public static let endpoints: [Endpoint] = ActivityMethod.allCases.map(Endpoint.init)

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
