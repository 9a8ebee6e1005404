import Foundation
import TraktProtocol

/// How big a generated dataset is.
public struct DatasetSize: Sendable, Equatable, CustomStringConvertible {
    public var activities: Int
    public var users: Int
    /// Extra activities that all share one second, an hour before the dataset's end: more than
    /// the v1 page cap (100) lets a client page past, as a real server might serve. For testing
    /// clients only; 0 (the default) keeps every second's run at most
    /// ``Dataset/maximumPerSecond``.
    public var sameSecondBurst: Int

    public init(activities: Int, users: Int? = nil, sameSecondBurst: Int = 0) {
        self.activities = max(0, activities)
        self.users = users ?? Self.defaultUsers(forActivities: activities)
        self.sameSecondBurst = max(0, sameSecondBurst)
    }

    /// Users scale with the square root of the activity count (about 400 for 100,000).
    public static func defaultUsers(forActivities n: Int) -> Int {
        min(20_000, max(40, Int((1.3 * Double(max(n, 1)).squareRoot()).rounded())))
    }

    public var description: String {
        "\(activities) activities, \(users) users" + (sameSecondBurst > 0 ? ", \(sameSecondBurst) more in one second" : "")
    }
}

/// Named dataset presets for `--scale`.
public enum DatasetScale: String, Sendable, CaseIterable {
    case small, `default`, large, huge

    public var size: DatasetSize {
        switch self {
        case .small: DatasetSize(activities: 5_000)
        case .default: DatasetSize(activities: 100_000)
        case .large: DatasetSize(activities: 1_000_000)
        case .huge: DatasetSize(activities: 5_000_000)
        }
    }
}

/// A show in the catalog (for completion and lookups).
public struct CatalogShow: Sendable, Equatable {
    public let slug: String
    public let title: String
    public let year: Int
    public let tvdbID: Int
    public let imdbID: String
    /// Season numbers (0 = specials) with their episode counts, in order.
    public let seasons: [(number: Int, episodes: Int)]

    public static func == (a: CatalogShow, b: CatalogShow) -> Bool {
        a.slug == b.slug && a.title == b.title && a.year == b.year && a.tvdbID == b.tvdbID
            && a.seasons.map(\.number) == b.seasons.map(\.number) && a.seasons.map(\.episodes) == b.seasons.map(\.episodes)
    }
}

/// A movie in the catalog.
public struct CatalogMovie: Sendable, Equatable {
    public let slug: String
    public let title: String
    public let year: Int
    public let imdbID: String
    public let tmdbID: Int
}

/// A user in the catalog.
public struct CatalogUser: Sendable, Equatable {
    public let username: String
    public let fullName: String
    public let isProtected: Bool
    /// The plain password of the generated user (see ``Dataset/password(forUsername:)``).
    public let password: String
}

/// The generated world: shows, movies, users, lists and activity, with its indexes and the
/// pre-rendered JSON fragments pages are spliced from. Immutable once generated.
public final class Dataset: Sendable {
    public let seed: UInt64
    /// The clock the dataset was generated against (activity ends here).
    public let now: Date
    public let convention: TimestampConvention
    public var activityCount: Int { activities.count }
    public var userCount: Int { users.count }

    let nowUnix: Int64
    /// Newest first (position 0 is the most recent activity).
    let activities: [Activity]
    let shows: [ShowRecord]
    let seasons: [SeasonRecord]
    let episodes: [EpisodeRecord]
    let movies: [MovieRecord]
    let users: [UserRecord]
    let lists: [ListRecord]
    let index: ActivityIndex
    let clock: APIClock
    let fragments: Fragments
    /// Per user: bit 0 protected, bit 1 rating_advanced as string, bit 2 use_rating_advanced.
    /// (Hot paths read these instead of copying ``UserRecord``s.)
    let userFlags: [UInt8]
    static let flagProtected: UInt8 = 1
    static let flagRatingString: UInt8 = 2
    static let flagUseAdvanced: UInt8 = 4

    let showBySlug: [String: Int]
    let showByTVDB: [Int: Int]
    let movieBySlug: [String: Int]
    let movieByIMDB: [String: Int]
    let movieByTMDB: [Int: Int]
    let userByName: [String: Int]

    /// The password rule for generated users: `"password-" + username`. Clients send the
    /// SHA-1 hex digest of it (HTTP Basic auth or JSON body), as the v1 API required.
    public static func password(forUsername username: String) -> String { "password-" + username }

    /// The documented `rating_advanced` quirk: for users whose username's UTF-8 bytes sum to a
    /// multiple of 7, `rating_advanced` is emitted as a JSON string ("8") instead of a number.
    public static func emitsRatingAsString(username: String) -> Bool {
        username.utf8.reduce(0) { $0 + Int($1) } % 7 == 0
    }

    public var catalogShows: [CatalogShow] {
        shows.map { s in
            CatalogShow(
                slug: s.seed.slug, title: s.seed.title, year: s.seed.year, tvdbID: s.seed.tvdb, imdbID: s.seed.imdb,
                seasons: s.seasonIndices.map { (seasons[$0].number, seasons[$0].episodeCount) })
        }
    }

    public var catalogMovies: [CatalogMovie] {
        movies.map { CatalogMovie(slug: $0.seed.slug, title: $0.seed.title, year: $0.seed.year, imdbID: $0.seed.imdb, tmdbID: $0.seed.tmdb) }
    }

    public var catalogUsers: [CatalogUser] {
        users.map {
            CatalogUser(username: $0.username, fullName: $0.fullName, isProtected: $0.isProtected, password: Self.password(forUsername: $0.username))
        }
    }

    /// Friends of `username` (mutual), or nil for an unknown user.
    public func friends(of username: String) -> [String]? {
        guard let u = userByName[username.lowercased()] else { return nil }
        return users[u].friends.map { users[Int($0)].username }
    }

    /// Users `username` follows, or nil for an unknown user.
    public func following(of username: String) -> [String]? {
        guard let u = userByName[username.lowercased()] else { return nil }
        return users[u].following.map { users[Int($0)].username }
    }

    /// Every printable string carries a terminal-attacking payload (``HostileText``).
    public let hostileText: Bool
    /// How the users watch, to continue their viewing after the dataset's end when the clock
    /// moves (``CommunityFeed``); nil for a dataset not simulated.
    let viewers: ViewerRoster?

    init(
        seed: UInt64, nowUnix: Int64, convention: TimestampConvention, activities: [Activity], shows: [ShowRecord],
        seasons: [SeasonRecord], episodes: [EpisodeRecord], movies: [MovieRecord], users: [UserRecord], lists: [ListRecord],
        hostileText: Bool = false, viewers: ViewerRoster? = nil
    ) {
        self.seed = seed
        self.viewers = viewers
        self.hostileText = hostileText
        self.nowUnix = nowUnix
        self.now = Date(timeIntervalSince1970: TimeInterval(nowUnix))
        self.convention = convention
        self.activities = activities
        self.shows = shows
        self.seasons = seasons
        self.episodes = episodes
        self.movies = movies
        self.users = users
        self.lists = lists
        let clock = APIClock(convention: convention)
        self.clock = clock
        // The indexes and the pre-rendered fragments read different parts of the data: both are
        // built at once, on two cores.
        (index, fragments) = Parallel.pair({
            ActivityIndex.build(
                activities: activities, shows: shows.count, seasons: seasons.count, episodes: episodes,
                movies: movies.count, users: users.count)
        }, {
            Fragments(shows: shows, seasons: seasons, episodes: episodes, movies: movies, users: users, lists: lists, clock: clock,
                      hostileText: hostileText)
        })
        var sb: [String: Int] = [:]
        var st: [Int: Int] = [:]
        for (i, s) in shows.enumerated() {
            sb[s.seed.slug] = i
            st[s.seed.tvdb] = i
        }
        showBySlug = sb
        showByTVDB = st
        var ms: [String: Int] = [:]
        var mi: [String: Int] = [:]
        var mt: [Int: Int] = [:]
        for (i, m) in movies.enumerated() {
            ms[m.seed.slug] = i
            mi[m.seed.imdb] = i
            mt[m.seed.tmdb] = i
        }
        movieBySlug = ms
        movieByIMDB = mi
        movieByTMDB = mt
        var ub: [String: Int] = [:]
        for (i, u) in users.enumerated() { ub[u.username.lowercased()] = i }
        userByName = ub
        userFlags = users.map {
            ($0.isProtected ? Self.flagProtected : 0) | ($0.ratingAsString ? Self.flagRatingString : 0)
                | ($0.useRatingAdvanced ? Self.flagUseAdvanced : 0)
        }
    }

    /// Index of the global position of the first activity strictly older than `unix`
    /// (activities are newest first, so positions before it are at or after `unix`).
    func firstPosition(olderThan unix: Int64) -> Int {
        var lo = 0
        var hi = activities.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if activities[mid].time < unix { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
