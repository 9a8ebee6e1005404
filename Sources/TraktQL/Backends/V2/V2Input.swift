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
    }

    /// Whether the start of an input looks like v2 data rather than a v1 envelope or items.
    static func looksLikeV2(prefix bytes: some Collection<UInt8>) -> Bool {
        let text = String(decoding: bytes.prefix(16_384), as: UTF8.self)
        if text.contains("\"timestamp\"") || text.contains("\"activity\"") { return false }
        let markers = ["\"watched_at\"", "\"rated_at\"", "\"listed_at\"", "\"collected_at\"", "\"last_collected_at\"",
                       "\"history\"", "\"ratings\"", "\"watchlist\"", "\"collection\"", "\"comments\""]
        return markers.contains { text.contains($0) }
    }

    /// The route an element of unknown origin came from, by its members.
    static func route(of element: Value) -> V2Route? {
        func has(_ key: String) -> Bool { element[key].map { !$0.isNull } ?? false }
        if has("watched_at") { return .history }
        if has("rated_at") { return .ratings }
        if has("last_collected_at") || (has("seasons") && has("show")) { return .collectionShows }
        if has("collected_at") { return .collectionMovies }
        if case .object? = element["comment"] { return .userComments }
        if has("started_at") && has("expires_at") { return .watching }
        if has("privacy") || has("item_count") { return .lists }
        if has("listed_at") { return .watchlist }
        return nil
    }

    /// The items of a v2 input; nil when the value is not v2 data.
    static func read(_ value: Value, name: String) -> Reading? {
        switch value {
        case .array(let elements):
            let (items, routes, skipped) = items(of: elements, username: nil)
            guard !routes.isEmpty else { return nil }
            return Reading(items: items, description: "read \(name) as a v2 array of \(summary(routes))" + skippedText(skipped))
        case .object(let members):
            var username = value["user"]?["username"]?.stringValue ?? value["username"]?.stringValue
            if username == nil { username = value["settings"]?["user"]?["username"]?.stringValue }
            var all: [Value] = []
            var parts: [String] = []
            var skippedTotal = 0
            for (key, member) in members {
                guard case .array(let elements) = member else { continue }
                let (items, routes, skipped) = items(of: elements, username: username)
                skippedTotal += skipped
                guard !routes.isEmpty else { continue }
                all += items
                parts.append("\(key) (\(items.count))")
            }
            guard !parts.isEmpty else { return nil }
            return Reading(items: all, description: "read \(name) as a v2 export: \(parts.joined(separator: ", "))" + skippedText(skippedTotal))
        default:
            return nil
        }
    }

    private static func items(of elements: [Value], username: String?) -> ([Value], [V2Route: Int], Int) {
        var out: [Value] = []
        var routes: [V2Route: Int] = [:]
        var skipped = 0
        for element in elements {
            guard let route = route(of: element) else { skipped += 1; continue }
            let items = V2Item.items(of: element, route: route, context: .init(username: username))
            routes[route, default: 0] += items.count
            out += items
        }
        return (out, routes, skipped)
    }

    private static func summary(_ routes: [V2Route: Int]) -> String {
        routes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) (\($0.value))" }.joined(separator: ", ")
    }

    private static func skippedText(_ skipped: Int) -> String {
        skipped == 0 ? "" : "; \(skipped) element\(skipped == 1 ? "" : "s") of no known v2 shape skipped"
    }
}
