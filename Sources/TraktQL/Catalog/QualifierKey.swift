/// The qualifiers a query may carry, with their aliases.
public enum QualifierKey: String, Sendable, Hashable, CaseIterable {
    case show, season, episode, movie, user, scope, type, action, since, until, on, rating, min

    /// Every spelling accepted for this key (singular first).
    public var spellings: [String] {
        switch self {
        case .show: return ["show", "shows"]
        case .season: return ["season", "seasons"]
        case .episode: return ["episode", "episodes"]
        case .movie: return ["movie", "movies"]
        case .user: return ["user", "users"]
        case .type: return ["type", "types"]
        case .action: return ["action", "actions"]
        default: return [rawValue]
        }
    }

    /// One-line meaning, for `.help` and completion.
    public var summary: String {
        switch self {
        case .show: return "show slug or TVDB id, list"
        case .season: return "season number(s), 0 = specials; needs show:"
        case .episode: return "episode number(s); needs show: and one season:"
        case .movie: return "movie slug, IMDB id or TMDB id, list"
        case .user: return "username(s); several users fan out"
        case .scope: return "community, friends, friendsme, following, followers"
        case .type: return "episode, show, movie, list"
        case .action: return "watching, scrobble, checkin, seen, collection, rating, watchlist, shout, review, created, item_added"
        case .since: return "at or after: 7d, 2024-01-01, 2024-01-01T20:00Z, today"
        case .until: return "before: a time; a bare date means the end of that day"
        case .on: return "that whole day in the session time zone"
        case .rating: return ">=8, 7..9, love, hate"
        case .min: return "flag: minimal items (?min=1)"
        }
    }

    /// `min` is a flag; every other key takes a value.
    public var isFlag: Bool { self == .min }

    /// Every spelling with its key; a linear scan of these short strings is cheaper than hashing.
    private static let bySpelling: [(spelling: String, key: QualifierKey)] = allCases.flatMap { key in key.spellings.map { ($0, key) } }

    /// Looks a key up by any spelling, case-insensitively.
    public init?(spelling: String) {
        let lowercased = ASCIICase.lowercased(spelling)
        guard let entry = Self.bySpelling.first(where: { $0.spelling == lowercased }) else { return nil }
        self = entry.key
    }

    public static let allSpellings: [String] = allCases.flatMap(\.spellings)
}
