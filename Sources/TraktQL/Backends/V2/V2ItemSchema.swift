import Foundation

/// The shape of a v2 item (``V2Item``): the time as ISO 8601 under the route's own name
/// (`watched_at`, `rated_at`, `listed_at`, `collected_at`, `created_at`, `started_at`), `ids`
/// objects, `user.username`, and at most one `episode`: a v2 history entry is one episode, so
/// `flatten episodes` leaves items as they are.
public struct V2ItemSchema: ItemSchema {
    public init() {}

    /// The members that can hold an item's time, in the order they are read.
    static let timeKeys = ["watched_at", "rated_at", "listed_at", "collected_at", "created_at", "started_at", "last_watched_at"]

    static func timeMilliseconds(of item: Value) -> Int64? {
        for key in timeKeys {
            if let text = item[key]?.stringValue, let seconds = V2Time.seconds(text) { return Int64((seconds * 1000).rounded()) }
        }
        return nil
    }

    public func time(of item: Value) -> Date? {
        Self.timeMilliseconds(of: item).map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    public func order(of item: Value) -> Int64? { Self.timeMilliseconds(of: item) }

    /// History, watchlist, comment and list entries have ids of their own; ratings and
    /// collected items do not, and are known by their whole content (user included).
    public func identity(of item: Value) -> ItemKey {
        ItemKey(type: (item["action"]?.stringValue ?? "") + "/" + (item["type"]?.stringValue ?? ""), id: item["id"]?.intValue, item: item)
    }

    public func type(of item: Value) -> String? { item["type"]?.stringValue }

    public func action(of item: Value) -> String? { item["action"]?.stringValue }

    public func who(_ item: Value) -> Value { item["user"]?["username"] ?? .null }

    public func title(_ item: Value) -> Value {
        for path in ["show", "movie", "list"] {
            if let object = item[path], let title = object["title"] ?? object["name"], !title.isNull { return title }
        }
        if let inner = item["list_item"] {
            for path in ["show", "movie"] { if let title = inner[path]?["title"], !title.isNull { return title } }
        }
        return .null
    }

    public func episodes(of item: Value) -> [Value] {
        if let episode = item["episode"], case .object = episode { return [episode] }
        return []
    }

    public func seasonAndNumber(of episode: Value) -> (season: Int64, number: Int64)? {
        guard let season = episode["season"]?.intValue, let number = (episode["number"] ?? episode["episode"])?.intValue else { return nil }
        return (season, number)
    }

    public func showIdentifiers(of item: Value) -> [String] { Self.identifiers(of: item["show"]) }

    public func movieIdentifiers(of item: Value) -> [String] { Self.identifiers(of: item["movie"]) }

    /// v2 has no love/hate: they are read from the 10-point rating as v1 derives them
    /// (love 6–10, hate 1–5; ``V2Planner/loveScores``), so `rating:love` means the same on
    /// a saved v2 file as on v1.
    public func simpleRating(of item: Value) -> String? {
        guard let score = advancedRating(of: item) else { return nil }
        if V2Planner.loveScores.contains(Int(score)) { return "love" }
        if V2Planner.hateScores.contains(Int(score)) { return "hate" }
        return nil
    }

    public func advancedRating(of item: Value) -> Int64? {
        guard item["action"]?.stringValue == "rating" else { return nil }
        return item["rating"]?.intValue
    }

    /// The episode's runtime (v2 gives episodes their own with `extended=full`), else the
    /// show's; the movie's for a movie. Null where the answer has none.
    public func runtime(of item: Value) -> Value {
        let candidates: [Value?]
        switch item["type"]?.stringValue {
        case "episode": candidates = [item["episode"]?["runtime"], item["show"]?["runtime"]]
        case "movie": candidates = [item["movie"]?["runtime"]]
        default: return .null
        }
        for candidate in candidates {
            if let minutes = candidate?.intValue, minutes > 0 { return .int(minutes) }
        }
        return .null
    }

    /// Paths as they are, with v1's names answered too: `rating_advanced` is v2's `rating`,
    /// an episode's `episode` is its `number`, and `tvdb_id`/`imdb_id`/`tmdb_id` read `ids`.
    public func lookup(_ components: [FieldPath.Component], in item: Value) -> Value {
        var current = item
        for (position, component) in components.enumerated() {
            switch component {
            case .key(let key):
                if let next = current[key] {
                    current = next
                } else if position == 0, key == "rating_advanced", let rating = item["rating"] {
                    current = rating
                } else if key == "episode", current["season"] != nil, let number = current["number"] {
                    current = number
                } else if key.hasSuffix("_id"), let id = current["ids"]?[String(key.dropLast(3))] {
                    current = id
                } else if key == "slug", let slug = current["ids"]?["slug"] {
                    current = slug
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

    /// A v2 entry is one episode already: nothing to flatten.
    public func flattened(_ item: Value, keeping keep: (Value) -> Bool) -> [Value]? { nil }

    // MARK: - Members read

    public func members(readBy reference: FieldReference) -> [[String]] {
        switch reference.target {
        case .item(let components):
            var path: [String] = []
            for component in components {
                guard case .key(let key) = component else { break }
                path.append(key)
            }
            guard !path.isEmpty else { return [] }
            var out = [path]
            // The synonyms ``lookup(_:in:)`` answers.
            if path == ["rating_advanced"] { out.append(["rating"]) }
            if path.count >= 2 {
                let parent = Array(path.dropLast()), last = path[path.count - 1]
                if last == "episode" { out.append(parent + ["number"]) }
                if last.hasSuffix("_id") { out.append(parent + ["ids", String(last.dropLast(3))]) }
                if last == "slug" { out.append(parent + ["ids", "slug"]) }
            }
            return out
        case .virtual(let name):
            switch name {
            case "time", "ago": return Self.timeKeys.map { [$0] }
            case "title": return ["show", "movie", "list"].flatMap { [[$0, "title"], [$0, "name"]] } + [["list_item", "show", "title"], ["list_item", "movie", "title"]]
            case "sxe": return Self.episodeMembers
            case "who": return [["user", "username"]]
            case "runtime": return [["type"], ["show", "runtime"], ["movie", "runtime"], ["episode", "runtime"]]
            default: return []
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
        case .shows: return [["show", "ids"]]
        case .movies: return [["movie", "ids"]]
        case .seasons, .episodes: return Self.episodeMembers
        case .rating: return [["rating"], ["action"]]
        }
    }

    public var identityMembers: [[String]] { Self.timeKeys.map { [$0] } + [["id"], ["type"], ["action"]] }

    /// None: a v2 item is one episode, and `flatten episodes` leaves it as it is
    /// (``flattened(_:keeping:)``), so it reads nothing of it (what later stages read of the
    /// episode is kept for them).
    public var flattenMembers: [[String]] { [] }

    private static let episodeMembers: [[String]] = [["episode", "season"], ["episode", "number"]]

    /// The slug, trakt, tvdb, imdb and tmdb ids of a show or movie object, as text.
    static func identifiers(of object: Value?) -> [String] {
        guard let ids = object?["ids"], case .object(let members) = ids else { return [] }
        var out: [String] = []
        for (_, value) in members {
            if let s = value.stringValue { out.append(s) } else if let i = value.intValue { out.append(String(i)) }
        }
        return out
    }
}
