import Foundation

/// The shape of a v1 activity item (trakt-api.md §2): `timestamp` in the API's "PST"
/// convention, `user.username`, `show`/`movie`/`list` objects, and the episode as `episode`
/// or, for seen and collection, `episodes[]`, whose number is named `episode` or `number`.
public struct V1ItemSchema: ItemSchema {
    public var convention: TimestampConvention

    public init(convention: TimestampConvention) {
        self.convention = convention
    }

    public func time(of item: Value) -> Date? {
        item["timestamp"]?.intValue.map(convention.instant(forAPITimestamp:))
    }

    public func order(of item: Value) -> Int64? { item["timestamp"]?.intValue }

    public func identity(of item: Value) -> ItemKey {
        ItemKey(type: item["type"]?.stringValue ?? "", id: item["id"]?.intValue, item: item)
    }

    public func type(of item: Value) -> String? { item["type"]?.stringValue }

    public func action(of item: Value) -> String? { item["action"]?.stringValue }

    public func who(_ item: Value) -> Value { item["user"]?["username"] ?? .null }

    public func title(_ item: Value) -> Value {
        for path in ["show", "movie", "list"] {
            if let object = item[path], let title = object["title"] ?? object["name"], !title.isNull { return title }
        }
        return .null
    }

    /// `episode` when the item has one (after `flatten`, the row's own episode), else `episodes[]`.
    public func episodes(of item: Value) -> [Value] {
        if let episode = item["episode"], case .object = episode { return [episode] }
        if case .array(let list)? = item["episodes"] { return list }
        return []
    }

    public func seasonAndNumber(of episode: Value) -> (season: Int64, number: Int64)? {
        guard let season = episode["season"]?.intValue, let number = episode.episodeNumber else { return nil }
        return (season, number)
    }

    public func showIdentifiers(of item: Value) -> [String] {
        Self.identifiers(of: item["show"], keys: ["tvdb_id"])
    }

    public func movieIdentifiers(of item: Value) -> [String] {
        Self.identifiers(of: item["movie"], keys: ["imdb_id", "tmdb_id"])
    }

    public func simpleRating(of item: Value) -> String? { item.simpleRating }

    public func advancedRating(of item: Value) -> Int64? { item.advancedRating }

    /// The show's runtime for an episode item (after `flatten episodes`, each episode row), the
    /// movie's for a movie. Null for shows, seasons and lists, and where the API has none
    /// (absent, null or 0).
    public func runtime(of item: Value) -> Value {
        let object: Value?
        switch item["type"]?.stringValue {
        case "episode": object = item["show"]
        case "movie": object = item["movie"]
        default: return .null
        }
        guard let minutes = object?["runtime"]?.intValue, minutes > 0 else { return .null }
        return .int(minutes)
    }

    public func lookup(_ components: [FieldPath.Component], in item: Value) -> Value {
        var current = item
        var components = components[...]
        // `episode` on a seen or collection item (which lists `episodes[]`) is its first
        // episode, so `episode.title` reads the same on every episode item.
        if case .key("episode")? = components.first, item["episode"] == nil || item["episode"]!.isNull,
           case .array(let episodes)? = item["episodes"], let first = episodes.first {
            current = first
            components = components.dropFirst()
        }
        for component in components {
            switch component {
            case .key(let key):
                // The API names an episode's number `episode` or `number`: either answers both.
                if let next = current[key] {
                    current = next
                } else if key == "episode", let alt = current["number"], current["season"] != nil {
                    current = alt
                } else if key == "number", let alt = current["episode"], current["season"] != nil {
                    current = alt
                } else {
                    return .null
                }
            case .index(let i):
                guard let next = current[i] else { return .null }
                current = next
            }
        }
        return current
    }

    /// Each kept element of `episodes[]` becomes the item's `episode`.
    public func flattened(_ item: Value, keeping keep: (Value) -> Bool) -> [Value]? {
        guard case .array(let episodes)? = item["episodes"], case .object(var members) = item else { return nil }
        members.removeAll { $0.key == "episode" }
        return episodes.filter(keep).map { episode in
            var row = members
            row.append((key: "episode", value: episode))
            return .object(row)
        }
    }

    // MARK: - Members read

    public func members(readBy reference: FieldReference) -> [[String]] {
        switch reference.target {
        case .item(let components):
            return Self.members(readBy: components)
        case .virtual(let name):
            switch name {
            case "time", "ago":
                return [["timestamp"]]
            case "title":
                return ["show", "movie", "list"].flatMap { [[$0, "title"], [$0, "name"]] }
            case "sxe":
                return Self.episodeMembers
            case "who":
                return [["user", "username"]]
            case "runtime":
                return [["type"], ["show", "runtime"], ["movie", "runtime"]]
            default:
                return []
            }
        case .column:
            return []
        }
    }

    public func members(readBy filter: ResidualFilter) -> [[String]] {
        switch filter {
        case .types: return [["type"]]
        case .actions: return [["action"]]
        case .users: return [["user", "username"]]
        case .shows: return ["slug", "url", "tvdb_id"].map { ["show", $0] } + [["show", "ids", "slug"]]
        case .movies: return ["slug", "url", "imdb_id", "tmdb_id"].map { ["movie", $0] } + [["movie", "ids", "slug"]]
        case .seasons, .episodes: return Self.episodeMembers
        case .rating: return [["rating"], ["rating_advanced"]]
        }
    }

    public var identityMembers: [[String]] { [["timestamp"], ["id"], ["type"]] }

    /// `flatten` moves each element of `episodes` to `episode`: both whole.
    public var flattenMembers: [[String]] { [["episodes"], ["episode"]] }

    private static let episodeMembers: [[String]] = ["episode", "episodes"].flatMap { [[$0, "season"], [$0, "episode"], [$0, "number"]] }

    /// A field path's members, with the quirks ``lookup(_:in:)`` applies.
    static func members(readBy components: [FieldPath.Component]) -> [[String]] {
        var prefixes: [[String]] = [[]]
        var rest = components[...]
        if case .key("episode")? = rest.first {
            // `episode.*` reads `episodes[0].*` on items without `episode`.
            prefixes = [["episode"], ["episodes"]]
            rest = rest.dropFirst()
        }
        var out: [[String]] = []
        for component in rest {
            guard case .key(let key) = component else { continue }
            // `episode` and `number` answer each other where the object has a `season`.
            if key == "episode" || key == "number" {
                out += prefixes.map { $0 + ["season"] }
                prefixes = prefixes.flatMap { [$0 + ["episode"], $0 + ["number"]] }
            } else {
                prefixes = prefixes.map { $0 + [key] }
            }
        }
        return out + prefixes
    }

    /// The slug (from `url` or `ids.slug`) and the named id fields of a show or movie object.
    static func identifiers(of object: Value?, keys: [String]) -> [String] {
        guard let object, !object.isNull else { return [] }
        var out: [String] = []
        if let slug = object["slug"]?.stringValue ?? object["ids"]?["slug"]?.stringValue { out.append(slug) }
        if let url = object["url"]?.stringValue, let last = url.split(separator: "/").last { out.append(String(last)) }
        for key in keys {
            if let v = object[key], !v.isNull {
                if let s = v.stringValue { out.append(s) } else if let i = v.intValue { out.append(String(i)) }
            }
        }
        return out
    }
}
