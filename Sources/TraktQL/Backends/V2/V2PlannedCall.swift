import Foundation

/// One v2 call of a plan: a path made of pieces (some resolved at run time), its query
/// parameters, and why each is there.
public struct V2PlannedCall: Sendable, Hashable {
    /// One piece of the path.
    public enum Piece: Sendable, Hashable {
        /// Fixed text of the route (`users`, `history`, `shows`).
        case literal(String)
        /// Written by a qualifier (a username, a slug, a season number).
        case value(String, from: String)
        /// A show's or movie's trakt id, looked up by slug at run time (`/shows/{slug}`).
        case traktID(kind: String, slug: String, from: String)
        /// The trakt id of a season of a show (`episode` nil: from `/shows/{slug}/seasons`) or
        /// of one episode (from `/shows/{slug}/seasons/{season}`), looked up at run time.
        case seasonOrEpisodeID(show: String, season: Int, episode: Int?, from: String)
        /// Each of the user's lists (`/users/{id}/lists` first).
        case eachList
    }

    /// A query parameter and where it came from.
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var value: String
        public var from: String
    }

    public var route: V2Route
    public var pieces: [Piece]
    public var parameters: [Parameter]
    /// Sent with `page` and `limit` (and paged by the `X-Pagination-*` headers).
    public var paged: Bool
    /// 🔒: the call needs the bearer token (`/sync/*`, `me`).
    public var needsToken: Bool
    /// Whose data it is (for `who`); nil for a show's or movie's watchers and comments.
    public var username: String?
    /// For show/movie routes: `show`, `movie` or `episode`, and the slug the query names.
    public var subjectType: String?
    public var subjectSlug: String?
    /// The season and episode a show route is narrowed to (`/shows/{id}/seasons/{n}/episodes/{e}/…`).
    public var subjectEpisode: [Int] = []
    /// The route answers newest first: paging can stop once a page is older than `since:`.
    public var newestFirst: Bool
    /// `since:`/`until:` checked on each item, for routes without a time filter.
    public var localSince: Date?
    public var localUntil: Date?

    init(route: V2Route, pieces: [Piece], parameters: [Parameter], paged: Bool, needsToken: Bool, username: String?,
         subjectType: String?, subjectSlug: String?, newestFirst: Bool) {
        self.route = route
        self.pieces = pieces
        self.parameters = parameters
        self.paged = paged
        self.needsToken = needsToken
        self.username = username
        self.subjectType = subjectType
        self.subjectSlug = subjectSlug
        self.newestFirst = newestFirst
    }

    /// The path with run-time pieces shown as placeholders: `/users/justin/history/shows/{trakt id of the-walking-dead}`.
    public var shownPath: String {
        "/" + pieces.map { piece in
            switch piece {
            case .literal(let text): return text
            case .value(let text, _): return Self.escape(text)
            case .traktID(_, let slug, _): return "{trakt id of \(slug)}"
            case .seasonOrEpisodeID(let show, let season, let episode, _): return "{trakt id of \(Self.describe(show, season, episode))}"
            case .eachList: return "{each list}"
            }
        }.joined(separator: "/")
    }

    /// `the-walking-dead season 2`, `the-walking-dead 2x03`.
    static func describe(_ show: String, _ season: Int, _ episode: Int?) -> String {
        episode.map { "\(show) \(season)x\($0 < 10 ? "0" : "")\($0)" } ?? "\(show) season \(season)"
    }

    /// The key of a season's or episode's trakt id in the lookups' `ids`.
    static func idKey(_ show: String, _ season: Int, _ episode: Int?) -> String {
        "shows/\(show)/seasons/\(season)" + (episode.map { "/episodes/\($0)" } ?? "")
    }

    /// The path with every piece known: `ids` maps `shows/slug` to the trakt id.
    func path(ids: [String: String], list: String? = nil) -> String? {
        var parts: [String] = []
        for piece in pieces {
            switch piece {
            case .literal(let text): parts.append(text)
            case .value(let text, _): parts.append(Self.escape(text))
            case .traktID(let kind, let slug, _):
                guard let id = ids[kind + "/" + slug] else { return nil }
                parts.append(Self.escape(id))
            case .seasonOrEpisodeID(let show, let season, let episode, _):
                guard let id = ids[Self.idKey(show, season, episode)] else { return nil }
                parts.append(Self.escape(id))
            case .eachList:
                guard let list else { return nil }
                parts.append(Self.escape(list))
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `?start_at=…&extended=full&page=1&limit=250`.
    func queryString(page: Int?, limit: Int?) -> String {
        var items = parameters.map { "\($0.name)=\(Self.escapeQuery($0.value))" }
        if paged, let page, let limit {
            items.append("page=\(page)")
            items.append("limit=\(limit)")
        }
        return items.isEmpty ? "" : "?" + items.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#;%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func escapeQuery(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
