/// The fields an activity item can have, per item type (trakt-api.md §2), plus the virtual ones.
///
/// Stage field paths are checked against it, with did-you-mean. Array elements are declared
/// with `[]` (`episodes[].season`); an object path (`show`) is valid wherever its leaves are.
public enum FieldCatalog {
    public enum Kind: String, Sendable {
        case string, integer, number, bool, instant, duration, object, array, any
    }

    public struct Field: Sendable {
        public var path: String
        public var kind: Kind
        public var itemTypes: Set<ItemType>
        public var summary: String
    }

    /// Fields computed by the engine rather than read from the item.
    public static let virtualFields: [Field] = [
        Field(path: "time", kind: .instant, itemTypes: all, summary: "when it happened, in the session time zone"),
        Field(path: "ago", kind: .duration, itemTypes: all, summary: "how long ago it happened"),
        Field(path: "title", kind: .string, itemTypes: all, summary: "the show, movie or list name"),
        Field(path: "sxe", kind: .string, itemTypes: [.episode], summary: "season and episode, like S01E05 (first of episodes[])"),
        Field(path: "who", kind: .string, itemTypes: all, summary: "the username"),
        Field(path: "runtime", kind: .integer, itemTypes: [.episode, .movie],
              summary: "minutes: the show's runtime for an episode, the movie's for a movie; null when the API has none"),
    ]

    private static let all = Set(ItemType.allCases)
    private static let media: Set<ItemType> = [.episode, .show, .movie]

    private static func group(_ prefix: String, _ names: [(String, Kind)], _ types: Set<ItemType>) -> [Field] {
        names.map { Field(path: "\(prefix).\($0.0)", kind: $0.1, itemTypes: types, summary: "") }
    }

    private static let ratings: [(String, Kind)] = [("percentage", .integer), ("votes", .integer), ("loved", .integer), ("hated", .integer)]

    private static let showFields: [(String, Kind)] = [
        ("title", .string), ("year", .integer), ("url", .string), ("imdb_id", .string), ("tvdb_id", .integer),
        ("tvrage_id", .integer), ("first_aired", .integer), ("country", .string), ("overview", .string),
        ("runtime", .integer), ("network", .string), ("air_day", .string), ("air_time", .string),
        ("certification", .string), ("genres", .array), ("genres[]", .string), ("images.poster", .string),
        ("images.fanart", .string), ("images.banner", .string), ("status", .string),
    ] + ratings.map { ("ratings.\($0.0)", $0.1) }

    private static let episodeFields: [(String, Kind)] = [
        ("season", .integer), ("episode", .integer), ("number", .integer), ("tvdb_id", .integer), ("imdb_id", .string),
        ("title", .string), ("overview", .string), ("first_aired", .integer), ("url", .string), ("runtime", .integer),
        ("images.screen", .string),
    ] + ratings.map { ("ratings.\($0.0)", $0.1) }

    private static let movieFields: [(String, Kind)] = [
        ("title", .string), ("year", .integer), ("url", .string), ("imdb_id", .string), ("tmdb_id", .integer),
        ("released", .integer), ("runtime", .integer), ("tagline", .string), ("overview", .string),
        ("certification", .string), ("trailer", .string), ("genres", .array), ("genres[]", .string),
        ("images.poster", .string), ("images.fanart", .string),
    ] + ratings.map { ("ratings.\($0.0)", $0.1) }

    private static let userFields: [(String, Kind)] = [
        ("username", .string), ("protected", .bool), ("full_name", .string), ("gender", .string), ("age", .integer),
        ("location", .string), ("about", .string), ("avatar", .string), ("url", .string), ("joined", .integer), ("vip", .bool),
    ]

    private static let commentFields: [(String, Kind)] = [("id", .integer), ("text", .string), ("text_html", .string), ("spoiler", .bool)]

    private static let listFields: [(String, Kind)] = [
        ("name", .string), ("slug", .string), ("url", .string), ("description", .string), ("privacy", .string),
        ("show_numbers", .bool), ("allow_shouts", .bool), ("items", .integer),
    ]

    /// Fields of Trakt API v2 items (``V2ItemSchema``): ISO times under each route's name,
    /// `ids` objects, comments, watchlist ranks. (v1 items simply do not have them: null.)
    private static let v2Fields: [Field] = {
        let ids: [(String, Kind)] = [("ids.trakt", .integer), ("ids.slug", .string), ("ids.tvdb", .integer), ("ids.imdb", .string), ("ids.tmdb", .integer)]
        var fields: [Field] = [
            Field(path: "watched_at", kind: .string, itemTypes: [.episode, .movie], summary: "v2: when it was watched (ISO 8601)"),
            Field(path: "rated_at", kind: .string, itemTypes: media, summary: "v2: when it was rated"),
            Field(path: "listed_at", kind: .string, itemTypes: all, summary: "v2: when it was added to the watchlist or list"),
            Field(path: "collected_at", kind: .string, itemTypes: [.episode, .movie], summary: "v2: when it was collected"),
            Field(path: "created_at", kind: .string, itemTypes: all, summary: "v2: when the comment or list was made"),
            Field(path: "started_at", kind: .string, itemTypes: [.episode, .movie], summary: "v2: when watching started"),
            Field(path: "expires_at", kind: .string, itemTypes: [.episode, .movie], summary: "v2: when watching ends"),
            Field(path: "rank", kind: .integer, itemTypes: all, summary: "v2: watchlist or list position"),
            Field(path: "notes", kind: .string, itemTypes: all, summary: "v2: watchlist or list notes"),
            Field(path: "comment.id", kind: .integer, itemTypes: media, summary: "v2 comment"),
            Field(path: "comment.comment", kind: .string, itemTypes: media, summary: "v2: the comment's text"),
            Field(path: "comment.spoiler", kind: .bool, itemTypes: media, summary: ""),
            Field(path: "comment.review", kind: .bool, itemTypes: media, summary: ""),
            Field(path: "comment.created_at", kind: .string, itemTypes: media, summary: ""),
            Field(path: "comment.likes", kind: .integer, itemTypes: media, summary: ""),
            Field(path: "comment.replies", kind: .integer, itemTypes: media, summary: ""),
            Field(path: "season.number", kind: .integer, itemTypes: media, summary: "v2: a rated or commented season"),
            Field(path: "user.ids.slug", kind: .string, itemTypes: all, summary: ""),
            Field(path: "user.private", kind: .bool, itemTypes: all, summary: ""),
            Field(path: "user.name", kind: .string, itemTypes: all, summary: ""),
        ]
        fields += group("show", ids + [("rating", .number), ("votes", .integer)], [.episode, .show])
        fields += group("episode", ids + [("rating", .number), ("votes", .integer)], [.episode])
        fields += group("movie", ids + [("rating", .number), ("votes", .integer)], [.movie])
        fields += group("season", ids, media)
        fields += group("list", ids + [("item_count", .integer), ("created_at", .string), ("updated_at", .string)], [.list])
        return fields
    }()

    /// Every declared item field (not the virtual ones).
    public static let itemFields: [Field] = {
        var fields: [Field] = [
            Field(path: "id", kind: .integer, itemTypes: all, summary: "unique per type"),
            Field(path: "timestamp", kind: .integer, itemTypes: all, summary: "API timestamp (PST convention)"),
            Field(path: "type", kind: .string, itemTypes: all, summary: "episode, show, movie or list"),
            Field(path: "action", kind: .string, itemTypes: all, summary: "seen, rating, …"),
            Field(path: "when.day", kind: .string, itemTypes: all, summary: ""),
            Field(path: "when.time", kind: .string, itemTypes: all, summary: ""),
            Field(path: "elapsed.full", kind: .string, itemTypes: all, summary: ""),
            Field(path: "elapsed.short", kind: .string, itemTypes: all, summary: ""),
            Field(path: "rating", kind: .any, itemTypes: media, summary: "love, hate (or false)"),
            Field(path: "rating_advanced", kind: .integer, itemTypes: media, summary: "1–10"),
            Field(path: "use_rating_advanced", kind: .bool, itemTypes: media, summary: ""),
        ]
        fields += group("user", userFields, all)
        fields += group("show", showFields, [.episode, .show])
        fields += group("episode", episodeFields, [.episode])
        fields += group("episodes[]", episodeFields, [.episode])
        fields += group("movie", movieFields, [.movie])
        fields += group("shout", commentFields, media)
        fields += group("review", commentFields, media)
        fields += group("list", listFields, [.list])
        fields += [Field(path: "list_item.type", kind: .string, itemTypes: [.list], summary: "")]
        fields += v2Fields
        fields += group("list_item.show", showFields, [.list])
        fields += group("list_item.movie", movieFields, [.list])
        fields += group("list_item.episode", episodeFields, [.list])
        return fields
    }()

    /// Path → item types, including every object prefix of a declared leaf.
    static let typesByPath: [String: Set<ItemType>] = {
        var map: [String: Set<ItemType>] = [:]
        for field in itemFields + virtualFields {
            var prefix = ""
            for (i, part) in field.path.split(separator: ".").enumerated() {
                prefix += i == 0 ? String(part) : ".\(part)"
                map[prefix, default: []].formUnion(field.itemTypes)
                if prefix.hasSuffix("[]") {
                    map[String(prefix.dropLast(2)), default: []].formUnion(field.itemTypes)
                }
            }
        }
        return map
    }()

    static let kindByPath: [String: Kind] = {
        var map: [String: Kind] = [:]
        for field in itemFields + virtualFields { map[field.path] = field.kind }
        return map
    }()

    /// What the checker needs of a path, found with one hash lookup: the item types it occurs
    /// on and whether it names a virtual field.
    struct PathEntry: Sendable {
        var types: ItemTypeSet
        var isVirtual: Bool
    }

    static let entriesByPath: [String: PathEntry] = {
        var map: [String: PathEntry] = [:]
        for (path, types) in typesByPath {
            map[path] = PathEntry(types: ItemTypeSet(types), isVirtual: virtualNames.contains(path))
        }
        return map
    }()

    /// The names a field path may be completed with, for completion and did-you-mean.
    public static let allPaths: [String] = typesByPath.keys.sorted()

    static let virtualNames: Set<String> = Set(virtualFields.map(\.path))
}
