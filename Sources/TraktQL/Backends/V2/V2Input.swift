import Foundation

/// Saved v2 data for `--input`: a JSON array as a v2 route answers it (`/sync/history`,
/// `/users/{id}/ratings`, …) or an export (one object whose keys `history`, `ratings`,
/// `watchlist`, `collection`, `comments`, `lists`… hold those arrays). The shape of each
/// element says which route it came from.
enum V2Input {
    /// What was read, for the message that says so.
    struct Reading {
        var items: [Value]
        var description: String
        /// The account the file names (an export's `profile`, `username` or settings), whose
        /// rows its items are when they name no user themselves; nil for a bare array.
        var username: String? = nil
        /// Why the input is not read at all (v2 data of a shape that is not activity).
        var refusal: String? = nil
    }

    /// How many of an input's first bytes ``looksLikeV2(prefix:)`` reads.
    static let shapePrefix = 16_384

    /// Whether the start of an input looks like v2 data rather than a v1 envelope or items.
    static func looksLikeV2(prefix bytes: some Collection<UInt8>) -> Bool {
        let text = String(decoding: bytes.prefix(shapePrefix), as: UTF8.self)
        if text.contains("\"timestamp\"") || text.contains("\"activity\"") { return false }
        let markers = ["\"watched_at\"", "\"rated_at\"", "\"listed_at\"", "\"collected_at\"", "\"last_collected_at\"",
                       "\"last_watched_at\"", "\"paused_at\"", "\"history\"", "\"ratings\"", "\"watchlist\"", "\"collection\"",
                       "\"comments\"", "\"watched\""]
        return markers.contains { text.contains($0) }
    }

    /// The route an element of unknown origin came from, by its members.
    static func route(of element: Value) -> V2Route? {
        func has(_ key: String) -> Bool { element[key].map { !$0.isNull } ?? false }
        if has("watched_at") { return .history }
        if has("rated_at") { return .ratings }
        if has("plays") && has("last_watched_at") {
            if has("movie") { return .watchedMovies }
            if has("show") { return .watchedShows }
        }
        if has("last_collected_at") || (has("seasons") && has("show")) { return .collectionShows }
        if has("collected_at") { return .collectionMovies }
        if case .object? = element["comment"] { return .userComments }
        if has("started_at") && has("expires_at") { return .watching }
        if has("privacy") || has("item_count") { return .lists }
        if has("listed_at") { return .watchlist }
        return nil
    }

    /// What an element that is not activity is, by its members, for the message that says it
    /// was not read (nil: no shape this reader knows).
    static func notActivity(_ element: Value) -> String? {
        func has(_ key: String) -> Bool { element[key].map { !$0.isNull } ?? false }
        if has("paused_at") && has("progress") { return "playback progress from /sync/playback (paused, not played)" }
        if has("liked_at") { return "likes" }
        if has("followed_at") || has("friends_at") { return "followers, following or friends" }
        if has("hidden_at") { return "hidden items" }
        return nil
    }

    /// The items of a v2 input; nil when the value is not v2 data.
    static func read(_ value: Value, name: String) -> Reading? {
        switch value {
        case .array(let elements):
            var skipped = Skipped()
            let (items, routes) = items(of: elements, username: nil, skipped: &skipped, part: nil)
            guard !routes.isEmpty else {
                // Known v2 data that is not activity (playback progress, likes): say what it is.
                guard !skipped.named.isEmpty else { return nil }
                return Reading(items: [], description: "", refusal: "\(name) holds no activity to query: it is " + skipped.text.dropFirst("; skipped ".count))
            }
            return Reading(items: items, description: "read \(name) as a v2 array of \(summary(routes))" + skipped.text)
        case .object(let members):
            let username = Self.username(ofExport: value)
            var all: [Value] = []
            var parts: [String] = []
            var skipped = Skipped()
            // An export's parts: arrays (`history`) or objects of arrays (`collection: {movies, shows}`).
            var arrays: [(name: String, elements: [Value])] = []
            for (key, member) in members {
                switch member {
                case .array(let elements):
                    arrays.append((key, elements))
                case .object(let inner) where inner.contains(where: { if case .array = $0.value { return true } else { return false } }):
                    for (innerKey, innerMember) in inner {
                        if case .array(let elements) = innerMember { arrays.append((key + "." + innerKey, elements)) }
                    }
                default:
                    if !Self.accountKeys.contains(key) { skipped.parts.append(key) }
                }
            }
            for (part, elements) in arrays {
                let (items, routes) = items(of: elements, username: username, skipped: &skipped, part: part)
                if routes.isEmpty {
                    if !elements.isEmpty, !skipped.namedParts.contains(part) { skipped.parts.append("\(part) (\(elements.count))") }
                    continue
                }
                all += items
                parts.append("\(part) (\(items.count))")
            }
            guard !parts.isEmpty else { return nil }
            return Reading(items: all, description: "read \(name) as a v2 export"
                           + (username.map { " of \($0)" } ?? "") + ": \(parts.joined(separator: ", "))" + skipped.text,
                           username: username)
        default:
            return nil
        }
    }

    /// Export members that describe the account rather than hold activity: read for the
    /// username, never reported as skipped.
    static let accountKeys: Set<String> = ["type", "username", "user", "profile", "settings", "exported_at", "version"]

    /// What an input held that is not read as activity, said in the reading's message.
    struct Skipped {
        /// Export parts not read, with their sizes.
        var parts: [String] = []
        /// Parts whose elements were named below (not repeated as parts).
        var namedParts: Set<String> = []
        /// Elements by what they are ("playback progress …"), and elements of no known shape.
        var named: [String: Int] = [:]
        var unknown = 0

        var text: String {
            var pieces: [String] = []
            for (what, count) in named.sorted(by: { $0.key < $1.key }) { pieces.append("\(count) element\(count == 1 ? "" : "s") of \(what)") }
            if unknown > 0 { pieces.append("\(unknown) element\(unknown == 1 ? "" : "s") of no known v2 shape") }
            if !parts.isEmpty { pieces.append("not activity: " + parts.joined(separator: ", ")) }
            return pieces.isEmpty ? "" : "; skipped " + pieces.joined(separator: "; ")
        }
    }

    /// The account an export names: its `profile` (what export tools save from
    /// `/users/settings` or `/users/{id}`), a top-level `username` or `user`, or `settings.user`.
    static func username(ofExport value: Value) -> String? {
        let candidates: [Value?] = [value["profile"]?["username"], value["profile"]?["user"]?["username"], value["username"],
                                    value["user"]?["username"], value["settings"]?["user"]?["username"]]
        for candidate in candidates {
            if let name = candidate?.stringValue, !name.isEmpty { return name }
        }
        return nil
    }

    private static func items(of elements: [Value], username: String?, skipped: inout Skipped, part: String?) -> ([Value], [V2Route: Int]) {
        var out: [Value] = []
        var routes: [V2Route: Int] = [:]
        for element in elements {
            guard let route = route(of: element) else {
                if let what = notActivity(element) {
                    skipped.named[what, default: 0] += 1
                    if let part { skipped.namedParts.insert(part) }
                } else {
                    skipped.unknown += 1
                    if let part { skipped.namedParts.insert(part) }
                }
                continue
            }
            let items = V2Item.items(of: element, route: route, context: .init(username: username))
            routes[route, default: 0] += items.count
            out += items
        }
        return (out, routes)
    }

    private static func summary(_ routes: [V2Route: Int]) -> String {
        routes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) (\($0.value))" }.joined(separator: ", ")
    }

}
