import Foundation

/// The shows, movies and users a server has, when it publishes them: `trakt-emulator` (and so
/// the built-in emulator) serves `GET /emulator/catalog.json`. With it, a name in a query that
/// the server does not know is an error with a "did you mean" before any call is made, instead
/// of an empty result (an unknown show) or the API's bare 404 (an unknown user, one per call).
///
/// The library knows only the document's shape, not the emulator: any server may serve it.
public struct ServerCatalog: Sendable, Hashable {
    /// Show slugs, in the catalog's order (for suggestions).
    public var showSlugs: [String]
    /// TVDB ids, which `show:` also accepts.
    public var showTVDBIDs: Set<Int>
    public var movieSlugs: [String]
    /// IMDB (`tt…`) and TMDB ids, which `movie:` also accepts.
    public var movieIMDBIDs: Set<String>
    public var movieTMDBIDs: Set<Int>
    public var usernames: [String]

    private var showSet: Set<String>
    private var movieSet: Set<String>
    /// Lowercased: the API matches usernames without regard to case.
    private var userSet: Set<String>

    public init(showSlugs: [String], showTVDBIDs: Set<Int> = [], movieSlugs: [String], movieIMDBIDs: Set<String> = [],
                movieTMDBIDs: Set<Int> = [], usernames: [String]) {
        self.showSlugs = showSlugs
        self.showTVDBIDs = showTVDBIDs
        self.movieSlugs = movieSlugs
        self.movieIMDBIDs = movieIMDBIDs
        self.movieTMDBIDs = movieTMDBIDs
        self.usernames = usernames
        showSet = Set(showSlugs)
        movieSet = Set(movieSlugs)
        userSet = Set(usernames.map { $0.lowercased() })
    }

    /// The path of the catalog document, relative to the API's base URL.
    public static let path = "emulator/catalog.json"

    /// Reads the catalog document: `{"shows":[{"slug","tvdb_id",…}],"movies":[{"slug","imdb_id","tmdb_id",…}],
    /// "users":[{"username",…}]}`. Nil for anything else (a server without a catalog answers
    /// 404 or some other body).
    public init?(json: Data) {
        guard let object = try? JSONReader.parse(json), case .array(let shows)? = object["shows"],
              case .array(let movies)? = object["movies"], case .array(let users)? = object["users"]
        else { return nil }
        /// A whole number that fits an `Int` (an id the catalog gives as `1.5` or `1e300` is none).
        func int(_ value: Value?) -> Int? { value?.intValue.flatMap { Int(exactly: $0) } }
        self.init(
            showSlugs: shows.compactMap { $0["slug"]?.stringValue },
            showTVDBIDs: Set(shows.compactMap { int($0["tvdb_id"]) }),
            movieSlugs: movies.compactMap { $0["slug"]?.stringValue },
            movieIMDBIDs: Set(movies.compactMap { $0["imdb_id"]?.stringValue }),
            movieTMDBIDs: Set(movies.compactMap { int($0["tmdb_id"]) }),
            usernames: users.compactMap { $0["username"]?.stringValue })
    }

    /// Whether the query names any show, movie or user (only then is the catalog needed).
    static func namesAnything(_ query: Query) -> Bool {
        query.qualifiers.contains { [QualifierKey.show, .movie, .user].contains(QualifierKey(spelling: $0.key.name)) }
    }

    /// One error for each show, movie or user the query names (plain or negated, directly or
    /// through a variable) that this catalog does not hold, at the value's position.
    public func diagnostics(for query: Query, variables: [String: QualifierValue]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for qualifier in query.qualifiers {
            guard let key = QualifierKey(spelling: qualifier.key.name), let value = qualifier.value else { continue }
            guard key == .show || key == .movie || key == .user else { continue }
            for (name, span) in value.names(variables: variables) where !knows(name, as: key) {
                let (what, candidates, help): (String, [String], String) = switch key {
                case .show: ("show", showSlugs, "a show is its slug or its TVDB id; show:TAB in the shell lists them")
                case .movie: ("movie", movieSlugs, "a movie is its slug, IMDB id or TMDB id; movie:TAB in the shell lists them")
                default: ("user", usernames, "user:TAB in the shell lists the users")
                }
                out.append(.error("no \(what) '\(Lexer.printable(name))' on this server", at: span,
                                  help: Suggestion.didYouMean(name, in: candidates) ?? help))
            }
        }
        return out
    }

    private func knows(_ name: String, as key: QualifierKey) -> Bool {
        switch key {
        case .show:
            return showSet.contains(name) || Int(name).map(showTVDBIDs.contains) == true
        case .movie:
            return movieSet.contains(name) || movieIMDBIDs.contains(name) || Int(name).map(movieTMDBIDs.contains) == true
        default:
            return userSet.contains(name.lowercased())
        }
    }
}
