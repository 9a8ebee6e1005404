import TraktQL

/// The writer's half of the ``MirrorSchema`` contract: one v2 route element → its section row
/// (the element's own members in columns, times as milliseconds since 1970 UTC, the members no
/// column holds in `extra`) and the objects it carries (shows, movies, seasons, episodes, lists,
/// people), each stored once in `objects` and referred to by its Trakt id.
///
/// Pure: no database, no network. What the reader must do to get the element back:
///
/// - **history** `{id, watched_at, action, type, episode+show | movie}`: columns `id`,
///   `watched_at`, `action` (as v2 sent it), `type`, `movie`/`show`/`episode` (Trakt ids),
///   `season`/`number` (the episode's); `extra` holds any other member.
/// - **ratings** `{rated_at, rating, type, movie | show | season+show | episode+show}`: `item`
///   is the rated object's Trakt id (the season's or episode's own); `season` is the season's
///   number (for an episode, its season), `number` the episode's.
/// - **watchlist**, **list items** `{rank, id, listed_at, notes, type, …}`: as ratings, with
///   `notes` (and any other member) in `extra`; a list item of a person has `item` = the person.
/// - **collection/movies** `{collected_at, updated_at, movie}`: type `movie`, `item` = `movie`.
/// - **collection/shows** `{last_collected_at, last_updated_at, show, seasons[{number,
///   episodes[{number, collected_at, metadata}]}]}`: one row per episode, type `episode`, `item`
///   = `show·10⁶ + season·10³ + number` (v2 sends no episode id here), `collected_at` the
///   episode's (the show's `last_collected_at` when it has none); `extra` holds the episode's
///   other members (`metadata`) and the show element's other members, all named `last_…`
///   (`last_collected_at`, `last_updated_at`). The element is rebuilt by grouping a show's rows:
///   seasons and episodes in ascending order.
/// - **lists** (list objects): a `lists` row (`trakt`, `created_at`, `updated_at`); the element
///   itself is the `list` object.
/// - **comments** `{type, comment, movie | show | season+show | episode+show | list}`: `json` is
///   the `comment` object; `id`, `created_at`, `review` are the comment's; `item` the commented
///   object's Trakt id. Other members of the element are not kept (v2 sends none).
///
/// Objects (`objects` table): `kind` show, movie, season, episode, list or person; `json` the
/// object as sent. Seasons and episodes record their show in `show_trakt`.
enum MirrorDecomposition {
    /// What one element becomes.
    struct Parts: Sendable, Equatable {
        var rows: [MirrorRow] = []
        var objects: [MirrorObject] = []
    }

    /// Splits `element` of `route`. `list` is the list a list item belongs to.
    static func decompose(_ element: Value, route: V2Route, list: Int64? = nil) throws(MirrorError) -> Parts {
        guard case .object(let members) = element else { throw MirrorError("a \(route.rawValue) element is not a JSON object") }
        var parts = Parts()
        func time(_ key: String, required: Bool = true) throws(MirrorError) -> SQLiteValue {
            guard let value = element[key], !value.isNull else {
                if required { throw MirrorError("a \(route.rawValue) element has no \(key)") }
                return .null
            }
            return try milliseconds(value, key: key, route: route).sqliteValue
        }
        func extra(leaving known: Set<String>) -> SQLiteValue {
            json(.object(members.filter { !known.contains($0.key) })).sqliteValue
        }
        switch route {
        case .history:
            guard let id = element["id"]?.intValue else { throw MirrorError("a history element has no id") }
            let carried = try carriedItem(element, route: route)
            parts.objects = carried.objects
            parts.rows = [MirrorRow(.history, [
                "id": id.sqliteValue, "watched_at": try time("watched_at"),
                "action": (element["action"]?.stringValue ?? "watch").sqliteValue, "type": carried.type.sqliteValue,
                "movie": carried.movie.sqliteValue, "show": carried.show.sqliteValue,
                "episode": (carried.type == "episode" ? carried.item : nil).sqliteValue,
                "season": carried.season.sqliteValue, "number": carried.number.sqliteValue,
                "extra": extra(leaving: Set(["id", "watched_at", "action", "type"]).union(Self.carriedKeys)),
            ])]
        case .ratings:
            guard let rating = element["rating"]?.intValue else { throw MirrorError("a ratings element has no rating") }
            let carried = try carriedItem(element, route: route)
            parts.objects = carried.objects
            parts.rows = [MirrorRow(.ratings, [
                "type": carried.type.sqliteValue, "item": carried.item.sqliteValue, "rated_at": try time("rated_at"),
                "rating": rating.sqliteValue, "movie": carried.movie.sqliteValue, "show": carried.show.sqliteValue,
                "season": carried.season.sqliteValue, "number": carried.number.sqliteValue,
                "extra": extra(leaving: Set(["rated_at", "rating", "type"]).union(Self.carriedKeys)),
            ])]
        case .watchlist, .listItems:
            guard let id = element["id"]?.intValue else { throw MirrorError("a \(route.rawValue) element has no id") }
            let carried = try carriedItem(element, route: route)
            parts.objects = carried.objects
            var columns: [String: SQLiteValue] = [
                "id": id.sqliteValue, "rank": (element["rank"]?.intValue).sqliteValue, "listed_at": try time("listed_at"),
                "type": carried.type.sqliteValue, "item": carried.item.sqliteValue, "movie": carried.movie.sqliteValue,
                "show": carried.show.sqliteValue, "season": carried.season.sqliteValue, "number": carried.number.sqliteValue,
                "extra": extra(leaving: Set(["id", "rank", "listed_at", "type"]).union(Self.carriedKeys)),
            ]
            if route == .listItems {
                guard let list else { throw MirrorError("a list item needs its list") }
                columns["list"] = list.sqliteValue
            }
            parts.rows = [MirrorRow(route == .watchlist ? .watchlist : .listItems, columns)]
        case .collectionMovies:
            guard let movie = element["movie"] else { throw MirrorError("a collection/movies element has no movie") }
            let object = try self.object(movie, kind: "movie", route: route)
            parts.objects = [object]
            parts.rows = [MirrorRow(.collection, [
                "type": "movie".sqliteValue, "item": object.trakt.sqliteValue, "collected_at": try time("collected_at"),
                "updated_at": try time("updated_at", required: false), "movie": object.trakt.sqliteValue,
                "extra": extra(leaving: ["collected_at", "updated_at", "movie"]),
            ])]
        case .collectionShows:
            parts = try collectedShow(element, members: members)
        case .lists:
            let object = try self.object(element, kind: "list", route: route)
            parts.objects = [object]
            parts.rows = [MirrorRow(.lists, [
                "trakt": object.trakt.sqliteValue, "created_at": try time("created_at", required: false),
                "updated_at": try time("updated_at", required: false),
            ])]
        case .userComments:
            guard let comment = element["comment"], case .object = comment, let id = comment["id"]?.intValue else {
                throw MirrorError("a comments element has no comment with an id")
            }
            guard let created = comment["created_at"], !created.isNull else { throw MirrorError("comment \(id) has no created_at") }
            let carried = try carriedItem(element, route: route)
            parts.objects = carried.objects
            parts.rows = [MirrorRow(.comments, [
                "id": id.sqliteValue, "created_at": try milliseconds(created, key: "created_at", route: route).sqliteValue,
                "type": carried.type.sqliteValue, "review": (comment["review"] == .bool(true) ? 1 : 0).sqliteValue,
                "item": carried.item.sqliteValue, "movie": carried.movie.sqliteValue, "show": carried.show.sqliteValue,
                "season": carried.season.sqliteValue, "number": carried.number.sqliteValue,
                "json": json(comment).sqliteValue,
            ])]
        default:
            throw MirrorError("the mirror does not keep \(route.rawValue) elements")
        }
        return parts
    }

    /// The members that carry objects (replaced by Trakt ids in the row).
    static let carriedKeys: Set<String> = ["movie", "show", "season", "episode", "list", "person"]

    /// The item an element carries, by Trakt id, and its objects.
    struct Carried {
        var type: String
        var item: Int64
        var movie: Int64?
        var show: Int64?
        var season: Int64?
        var number: Int64?
        var objects: [MirrorObject] = []
    }

    /// The element's `type` (or, for entries recorded without one, the most specific object it
    /// carries) and that object with its show.
    static func carriedItem(_ element: Value, route: V2Route) throws(MirrorError) -> Carried {
        let type = element["type"]?.stringValue ?? ["episode", "season", "show", "movie", "list", "person"].first { key in
            if case .object? = element[key] { return true } else { return false }
        }
        guard let type else { throw MirrorError("a \(route.rawValue) element carries no movie, show, season, episode, list or person") }
        func required(_ key: String) throws(MirrorError) -> Value {
            guard let value = element[key], case .object = value else { throw MirrorError("a \(route.rawValue) element of type \(type) has no \(key)") }
            return value
        }
        switch type {
        case "movie":
            let movie = try object(try required("movie"), kind: "movie", route: route)
            return Carried(type: type, item: movie.trakt, movie: movie.trakt, objects: [movie])
        case "show":
            let show = try object(try required("show"), kind: "show", route: route)
            return Carried(type: type, item: show.trakt, show: show.trakt, objects: [show])
        case "season":
            let show = try object(try required("show"), kind: "show", route: route)
            var season = try object(try required("season"), kind: "season", route: route)
            season.showTrakt = show.trakt
            return Carried(type: type, item: season.trakt, show: show.trakt, season: season.season, objects: [season, show])
        case "episode":
            let show = try object(try required("show"), kind: "show", route: route)
            var episode = try object(try required("episode"), kind: "episode", route: route)
            episode.showTrakt = show.trakt
            return Carried(type: type, item: episode.trakt, show: show.trakt, season: episode.season, number: episode.number,
                           objects: [episode, show])
        case "list":
            let list = try object(try required("list"), kind: "list", route: route)
            return Carried(type: type, item: list.trakt, objects: [list])
        case "person":
            let person = try object(try required("person"), kind: "person", route: route)
            return Carried(type: type, item: person.trakt, objects: [person])
        default:
            throw MirrorError("a \(route.rawValue) element has an unknown type '\(type)'")
        }
    }

    /// An object for the `objects` table: its Trakt id is required (it is the reference).
    static func object(_ value: Value, kind: String, route: V2Route) throws(MirrorError) -> MirrorObject {
        guard let trakt = value["ids"]?["trakt"]?.intValue else { throw MirrorError("a \(kind) in a \(route.rawValue) element has no ids.trakt") }
        let isNamed = kind == "list" || kind == "person"
        return MirrorObject(
            kind: kind, trakt: trakt, slug: value["ids"]?["slug"]?.stringValue,
            title: (isNamed ? value["name"] : value["title"])?.stringValue,
            year: value["year"]?.intValue, runtime: value["runtime"]?.intValue, showTrakt: nil,
            season: kind == "season" ? value["number"]?.intValue : kind == "episode" ? value["season"]?.intValue : nil,
            number: kind == "episode" ? value["number"]?.intValue : nil, json: json(value))
    }

    /// A collected show: one row per collected episode.
    private static func collectedShow(_ element: Value, members: [(key: String, value: Value)]) throws(MirrorError) -> Parts {
        guard let showValue = element["show"] else { throw MirrorError("a collection/shows element has no show") }
        let show = try object(showValue, kind: "show", route: .collectionShows)
        let showLevel = members.filter { $0.key != "show" && $0.key != "seasons" }
        var parts = Parts(objects: [show])
        guard case .array(let seasons)? = element["seasons"] else { return parts }
        for season in seasons {
            guard let seasonNumber = season["number"]?.intValue, case .array(let episodes)? = season["episodes"] else { continue }
            for episode in episodes {
                guard case .object(let episodeMembers) = episode, let number = episode["number"]?.intValue else { continue }
                let collected = episode["collected_at"].flatMap { $0.isNull ? nil : $0 } ?? element["last_collected_at"] ?? .null
                guard !collected.isNull else { throw MirrorError("a collected episode of show \(show.trakt) has no collected_at") }
                let item: Int64
                if let own = episode["ids"]?["trakt"]?.intValue {
                    item = own
                } else {
                    guard (0..<1000).contains(seasonNumber), (0..<1000).contains(number), (0..<9_000_000_000_000).contains(show.trakt) else {
                        throw MirrorError("collected episode \(seasonNumber)x\(number) of show \(show.trakt) is out of the range its key can hold")
                    }
                    item = show.trakt * 1_000_000 + seasonNumber * 1000 + number
                }
                let extra = episodeMembers.filter { $0.key != "number" && $0.key != "collected_at" } + showLevel
                parts.rows.append(MirrorRow(.collection, [
                    "type": "episode".sqliteValue, "item": item.sqliteValue,
                    "collected_at": try milliseconds(collected, key: "collected_at", route: .collectionShows).sqliteValue,
                    "updated_at": SQLiteValue.null, "show": show.trakt.sqliteValue, "season": seasonNumber.sqliteValue,
                    "number": number.sqliteValue, "extra": json(.object(extra)).sqliteValue,
                ]))
            }
        }
        return parts
    }

    /// An ISO 8601 time as milliseconds since 1970 UTC.
    static func milliseconds(_ value: Value, key: String, route: V2Route) throws(MirrorError) -> Int64 {
        guard let text = value.stringValue, let seconds = V2Time.seconds(text) else {
            throw MirrorError("a \(route.rawValue) element's \(key) is not an ISO 8601 time: \(value.jsonText(timeZone: .gmt).prefix(60))")
        }
        let millis = (seconds * 1000).rounded()
        // Years 0000–9999 only (what V2Time reads): always within Int64.
        return Int64(millis)
    }

    /// Compact JSON, as stored in `extra`, `json` and `sync_pending`.
    static func json(_ value: Value) -> String { value.jsonText(timeZone: .gmt) }
}

/// Why the mirror could not do something: one sentence, for the user.
public struct MirrorError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
