/// The v1 activity methods (trakt-api.md §1.2, plus friendsme/following/followers) and the
/// positional segments each takes: the one table the engine plans against and the emulator
/// serves.
public enum ActivityMethod: String, Sendable, Hashable, CaseIterable {
    case community, friends, friendsme, following, followers
    case shows, seasons, episodes, movies, user
    case userShows = "user/shows"
    case userSeasons = "user/seasons"
    case userEpisodes = "user/episodes"
    case userMovies = "user/movies"

    /// A positional path segment after the API key.
    public enum Segment: Sendable, Hashable {
        case username, title, season, episode, types, actions, start, end

        /// The segment's name in the API documentation.
        public var apiName: String {
            switch self {
            case .username: return "username"
            case .title: return "title"
            case .season: return "season"
            case .episode: return "episode"
            case .types: return "types"
            case .actions: return "actions"
            case .start: return "start_ts"
            case .end: return "end_ts"
            }
        }
    }

    /// `activity/user/shows`
    public var path: String { "activity/" + rawValue }

    /// The segments after the API key, in order.
    public var segments: [Segment] {
        let tail: [Segment] = [.actions, .start, .end]
        switch self {
        case .community, .friends, .friendsme, .following, .followers: return [.types] + tail
        case .shows, .movies: return [.title] + tail
        case .seasons: return [.title, .season] + tail
        case .episodes: return [.title, .season, .episode] + tail
        case .user: return [.username, .types] + tail
        case .userShows, .userMovies: return [.username, .title] + tail
        case .userSeasons: return [.username, .title, .season] + tail
        case .userEpisodes: return [.username, .title, .season, .episode] + tail
        }
    }

    /// How many leading ``segments`` the API requires.
    public var requiredCount: Int {
        switch self {
        case .community, .friends, .friendsme, .following, .followers: return 0
        case .shows, .movies, .user: return 1
        case .seasons, .userShows, .userMovies: return 2
        case .episodes, .userSeasons: return 3
        case .userEpisodes: return 4
        }
    }

    /// The streams of the people around the authenticated user need credentials.
    public var requiresAuth: Bool { [.friends, .friendsme, .following, .followers].contains(self) }

    /// Whether the `title` segment names a movie (otherwise a show).
    public var isMovieScoped: Bool { self == .movies || self == .userMovies }
}
