/// The fields of a v2 item as ``V2Item`` reads it (reference §4.6–4.10, and the emulator's
/// `extended=full` objects): ISO times under each route's own name, `ids` objects, `rating`
/// as a number 1–10, and v1's names that ``V2ItemSchema/lookup(_:in:)`` answers too
/// (`rating_advanced`, `tvdb_id`, `episode.episode`, …), so a query reads the same on both.
extension V2ItemSchema {
    public var fields: FieldCatalog { Self.catalog }

    static let catalog = FieldCatalog(itemFields: itemFields)

    private typealias Kind = FieldCatalog.Kind

    private static let all = FieldCatalog.everyType
    private static let media = FieldCatalog.mediaTypes

    private static func ids(_ names: [(String, Kind)]) -> [(String, Kind)] { names.map { ("ids.\($0.0)", $0.1) } }

    /// Counts and scores every full object has.
    private static let community: [(String, Kind)] = [
        ("rating", .number), ("votes", .integer), ("comment_count", .integer), ("updated_at", .string),
        ("available_translations", .array), ("available_translations[]", .string),
    ]

    private static let showFields: [(String, Kind)] = [
        ("title", .string), ("year", .integer), ("tagline", .string), ("overview", .string),
        // V2Item converts first_aired to Unix seconds, as v1 has it.
        ("first_aired", .integer), ("airs.day", .string), ("airs.time", .string), ("airs.timezone", .string),
        ("runtime", .integer), ("certification", .string), ("network", .string), ("country", .string),
        ("trailer", .string), ("homepage", .string), ("status", .string), ("language", .string),
        ("languages", .array), ("languages[]", .string), ("genres", .array), ("genres[]", .string), ("aired_episodes", .integer),
        // v1's names, answered from `ids`.
        ("slug", .string), ("tvdb_id", .integer), ("imdb_id", .string), ("tmdb_id", .integer),
    ] + ids([("trakt", .integer), ("slug", .string), ("tvdb", .integer), ("imdb", .string), ("tmdb", .integer)]) + community

    private static let episodeFields: [(String, Kind)] = [
        ("season", .integer), ("number", .integer), ("title", .string), ("number_abs", .integer), ("overview", .string),
        ("first_aired", .integer), ("runtime", .integer), ("episode_type", .string),
        // v1's names: the episode's number, and ids.
        ("episode", .integer), ("tvdb_id", .integer), ("imdb_id", .string), ("tmdb_id", .integer),
    ] + ids([("trakt", .integer), ("tvdb", .integer), ("imdb", .string), ("tmdb", .integer)]) + community

    private static let movieFields: [(String, Kind)] = [
        ("title", .string), ("year", .integer), ("tagline", .string), ("overview", .string),
        ("released", .integer), ("runtime", .integer), ("country", .string), ("trailer", .string), ("homepage", .string),
        ("status", .string), ("language", .string), ("languages", .array), ("languages[]", .string),
        ("genres", .array), ("genres[]", .string), ("certification", .string),
        ("slug", .string), ("imdb_id", .string), ("tmdb_id", .integer),
    ] + ids([("trakt", .integer), ("slug", .string), ("imdb", .string), ("tmdb", .integer)]) + community

    private static let seasonFields: [(String, Kind)] = [
        ("number", .integer), ("title", .string), ("overview", .string), ("episode_count", .integer),
        ("aired_episodes", .integer), ("first_aired", .string), ("network", .string), ("rating", .number), ("votes", .integer),
    ] + ids([("trakt", .integer), ("tvdb", .integer), ("tmdb", .integer)])

    private static let userFields: [(String, Kind)] = [
        ("username", .string), ("private", .bool), ("deleted", .bool), ("name", .string), ("vip", .bool), ("vip_ep", .bool),
        ("ids.slug", .string), ("joined_at", .string), ("location", .string), ("about", .string), ("gender", .string),
        ("age", .integer), ("images.avatar.full", .string), ("vip_og", .bool), ("vip_years", .integer),
    ]

    private static let commentFields: [(String, Kind)] = [
        ("id", .integer), ("parent_id", .integer), ("created_at", .string), ("updated_at", .string), ("comment", .string),
        ("spoiler", .bool), ("review", .bool), ("replies", .integer), ("likes", .integer), ("user_rating", .integer),
        ("user_stats.rating", .integer), ("user_stats.play_count", .integer), ("user_stats.completed_count", .integer),
    ]

    /// v1's `shout`/`review` objects, which ``V2Item`` fills from the comment.
    private static let v1CommentFields: [(String, Kind)] = [("id", .integer), ("text", .string), ("spoiler", .bool)]

    private static let listFields: [(String, Kind)] = [
        ("name", .string), ("description", .string), ("privacy", .string), ("share_link", .string), ("type", .string),
        ("display_numbers", .bool), ("allow_comments", .bool), ("sort_by", .string), ("sort_how", .string),
        ("created_at", .string), ("updated_at", .string), ("item_count", .integer), ("comment_count", .integer),
        ("likes", .integer), ("ids.trakt", .integer), ("ids.slug", .string), ("slug", .string),
    ]

    static let itemFields: [FieldCatalog.Field] = {
        typealias Field = FieldCatalog.Field
        var fields: [Field] = [
            Field(path: "id", kind: .integer, itemTypes: all, summary: "the history, watchlist, comment or list entry's id"),
            Field(path: "type", kind: .string, itemTypes: all, summary: "episode, show, movie or list"),
            Field(path: "action", kind: .string, itemTypes: all, summary: "seen (v2's watch), scrobble, checkin, rating, …"),
            Field(path: "watched_at", kind: .string, itemTypes: [.episode, .movie], summary: "when it was watched (ISO 8601 text; `time` is the same instant)"),
            Field(path: "rated_at", kind: .string, itemTypes: media, summary: "when it was rated (ISO 8601 text)"),
            Field(path: "listed_at", kind: .string, itemTypes: all, summary: "when it was added to the watchlist or list (ISO 8601 text)"),
            Field(path: "collected_at", kind: .string, itemTypes: [.episode, .movie], summary: "when it was collected (ISO 8601 text)"),
            Field(path: "updated_at", kind: .string, itemTypes: [.movie], summary: "when the collected movie was updated (ISO 8601 text)"),
            Field(path: "created_at", kind: .string, itemTypes: all, summary: "when the comment or list was made (ISO 8601 text)"),
            Field(path: "started_at", kind: .string, itemTypes: [.episode, .movie], summary: "when watching started (ISO 8601 text)"),
            Field(path: "expires_at", kind: .string, itemTypes: [.episode, .movie], summary: "when watching ends (ISO 8601 text)"),
            Field(path: "last_watched_at", kind: .string, itemTypes: [.episode, .movie], summary: "watched/*: when it was last watched (ISO 8601 text)"),
            Field(path: "plays", kind: .integer, itemTypes: [.episode, .movie], summary: "watched/*: how many times it was watched"),
            Field(path: "rank", kind: .integer, itemTypes: all, summary: "watchlist or list position"),
            Field(path: "notes", kind: .string, itemTypes: all, summary: "watchlist or list notes"),
            Field(path: "rating", kind: .integer, itemTypes: media, summary: "the user's rating, 1–10"),
            Field(path: "rating_advanced", kind: .integer, itemTypes: media, summary: "v1's name for rating (1–10)"),
        ]
        fields += FieldCatalog.group("user", userFields, all)
        fields += FieldCatalog.group("show", showFields, [.episode, .show])
        fields += FieldCatalog.group("episode", episodeFields, [.episode])
        fields += FieldCatalog.group("movie", movieFields, [.movie])
        fields += FieldCatalog.group("season", seasonFields, media)
        fields += FieldCatalog.group("comment", commentFields, media)
        fields += FieldCatalog.group("comment.user", userFields, media)
        fields += FieldCatalog.group("shout", v1CommentFields, media)
        fields += FieldCatalog.group("review", v1CommentFields, media)
        fields += FieldCatalog.group("list", listFields, [.list])
        fields += FieldCatalog.group("list.user", userFields, [.list])
        fields += [Field(path: "list_item.type", kind: .string, itemTypes: [.list])]
        fields += FieldCatalog.group("list_item.show", showFields, [.list])
        fields += FieldCatalog.group("list_item.movie", movieFields, [.list])
        fields += FieldCatalog.group("list_item.episode", episodeFields, [.list])
        return fields
    }()
}
