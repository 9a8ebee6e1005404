/// The fields of a v1 activity item (trakt-api.md §2).
extension V1ItemSchema {
    public var fields: FieldCatalog { Self.catalog }

    static let catalog = FieldCatalog(itemFields: itemFields)

    private typealias Kind = FieldCatalog.Kind

    private static let all = FieldCatalog.everyType
    private static let media = FieldCatalog.mediaTypes

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

    static let itemFields: [FieldCatalog.Field] = {
        typealias Field = FieldCatalog.Field
        var fields: [Field] = [
            Field(path: "id", kind: .integer, itemTypes: all, summary: "unique per type"),
            Field(path: "timestamp", kind: .integer, itemTypes: all, summary: "API timestamp (PST convention)"),
            Field(path: "type", kind: .string, itemTypes: all, summary: "episode, show, movie or list"),
            Field(path: "action", kind: .string, itemTypes: all, summary: "seen, rating, …"),
            Field(path: "when.day", kind: .string, itemTypes: all),
            Field(path: "when.time", kind: .string, itemTypes: all),
            Field(path: "elapsed.full", kind: .string, itemTypes: all),
            Field(path: "elapsed.short", kind: .string, itemTypes: all),
            Field(path: "rating", kind: .any, itemTypes: media, summary: "love, hate (or false)"),
            Field(path: "rating_advanced", kind: .integer, itemTypes: media, summary: "1–10"),
            Field(path: "use_rating_advanced", kind: .bool, itemTypes: media),
        ]
        fields += FieldCatalog.group("user", userFields, all)
        fields += FieldCatalog.group("show", showFields, [.episode, .show])
        fields += FieldCatalog.group("episode", episodeFields, [.episode])
        fields += FieldCatalog.group("episodes[]", episodeFields, [.episode])
        fields += FieldCatalog.group("movie", movieFields, [.movie])
        fields += FieldCatalog.group("shout", commentFields, media)
        fields += FieldCatalog.group("review", commentFields, media)
        fields += FieldCatalog.group("list", listFields, [.list])
        fields += [Field(path: "list_item.type", kind: .string, itemTypes: [.list])]
        fields += FieldCatalog.group("list_item.show", showFields, [.list])
        fields += FieldCatalog.group("list_item.movie", movieFields, [.list])
        fields += FieldCatalog.group("list_item.episode", episodeFields, [.list])
        return fields
    }()
}
