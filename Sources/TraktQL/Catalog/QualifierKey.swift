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
        case .since: return "at or after: 7d, 2024-01-01, 2024-01-01T20:00Z, today; a period means its start (2024-03, this-year)"
        case .until: return "before: a time; a day, month, week or year means its end (until:2024-03 is up to April 1st)"
        case .on: return "one calendar period, whole, in the session time zone: a day (2024-03-14, today, yesterday), a week (2024-W10, this-week, last-week), a month (2024-03, this-month, last-month) or a year (2024, this-year, last-year)"
        case .rating: return ">=8, 7..9, love, hate"
        case .min: return "flag: minimal items (?min=1)"
        }
    }

    /// `min` is a flag; every other key takes a value.
    public var isFlag: Bool { self == .min }

    /// Every spelling with its key, and the spelling packed as ``packed(_:)`` packs it.
    private static let bySpelling: [(spelling: String, packed: Packed, key: QualifierKey)] = allCases.flatMap { key in
        key.spellings.map { ($0, packed($0)!, key) }
    }

    /// Up to eight ASCII bytes, capitals folded, in one integer, and their count.
    private typealias Packed = (bytes: UInt64, count: Int)

    /// Packed `text`, or nil when it is longer than eight bytes or not ASCII. Comparing packed
    /// words costs a fraction of lowercasing and comparing strings, which the checker did for
    /// every qualifier against every spelling.
    private static func packed(_ text: String) -> Packed? {
        var text = text
        return text.withUTF8 { bytes -> Packed? in
            guard bytes.count <= 8 else { return nil }
            var word: UInt64 = 0
            for (i, byte) in bytes.enumerated() {
                guard byte < 0x80 else { return nil }
                word |= UInt64(byte >= 65 && byte <= 90 ? byte | 0x20 : byte) << (8 * i)
            }
            return (word, bytes.count)
        }
    }

    /// Looks a key up by any spelling, case-insensitively.
    public init?(spelling: String) {
        let entry: (spelling: String, packed: Packed, key: QualifierKey)?
        if let word = Self.packed(spelling) {
            entry = Self.bySpelling.first { $0.packed == word }
        } else if spelling.utf8.contains(where: { $0 >= 0x80 }) {
            let lowercased = spelling.lowercased()  // may fold non-ASCII letters to ASCII ones
            entry = Self.bySpelling.first { $0.spelling == lowercased }
        } else {
            entry = nil  // ASCII, longer than every spelling
        }
        guard let entry else { return nil }
        self = entry.key
    }

    public static let allSpellings: [String] = allCases.flatMap(\.spellings)
}
