import Foundation

/// What kind of v2 answer an array element is: each route's elements have their own shape, and
/// the reader turns every one into a v2 item the ``V2ItemSchema`` reads (a `type`, an `action`
/// in the language's words, the `user`, the time under the route's own name).
public enum V2Route: String, Sendable, Hashable, CaseIterable {
    /// `/users/{id}/history`, `/sync/history`: `{id, watched_at, action, type, episode+show | movie}`.
    case history
    /// `/users/{id}/ratings`: `{rated_at, rating, type, movie | show | season | episode+show}`.
    case ratings
    /// `/users/{id}/watchlist`: `{rank, id, listed_at, notes, type, …}`.
    case watchlist
    /// `/users/{id}/collection/movies`: `{collected_at, updated_at, movie}`.
    case collectionMovies = "collection/movies"
    /// `/users/{id}/collection/shows`: `{last_collected_at, show, seasons[{number, episodes[{number, collected_at}]}]}`.
    case collectionShows = "collection/shows"
    /// `/users/{id}/comments`: `{type, comment, movie | show | episode+show}`.
    case userComments = "comments"
    /// `/users/{id}/lists`: list objects.
    case lists
    /// `/users/{id}/lists/{list}/items`: `{rank, id, listed_at, type, movie | show | episode+show}`.
    case listItems = "lists/items"
    /// `/users/{id}/watching`: one object `{expires_at, started_at, action, type, …}` (or 204).
    case watching
    /// `/shows/{id}/watching`, `/movies/{id}/watching`: users.
    case watchers
    /// `/shows/{id}/comments/newest` and the movie, season and episode forms: bare comments.
    case itemComments = "item comments"
    /// `/users/{id}/watched/movies`, `/sync/watched/movies`: `{plays, last_watched_at, last_updated_at, movie}`.
    case watchedMovies = "watched/movies"
    /// `/users/{id}/watched/shows`: `{plays, last_watched_at, show, seasons[{number, episodes[{number, plays, last_watched_at}]}]}`.
    case watchedShows = "watched/shows"
}

/// Reads v2 answers into items.
enum V2Item {
    /// What the reader knows of the call beyond the element: whose data it is, and for
    /// show/movie routes which item they are about.
    struct Context: Sendable, Hashable {
        var username: String?
        /// `show`, `movie`, `episode` (the type of a watchers/comments route's subject).
        var subjectType: String?
        /// The subject's object as far as the query names it (`{ids: {slug}}`), or the list.
        var subject: Value?
        /// The season (and episode) a show route was narrowed to.
        var episode: [Int] = []
    }

    /// The items of one answer body: an array, one object (`watching`), or nothing (204).
    static func items(ofBody body: Value?, route: V2Route, context: Context) -> [Value] {
        let elements: [Value]
        switch body {
        case .array(let list)?: elements = list
        case .object?: elements = [body!]
        default: elements = []
        }
        var out: [Value] = []
        out.reserveCapacity(elements.count)
        for element in elements {
            guard case .object = element else { continue }
            out += items(of: element, route: route, context: context)
        }
        return out
    }

    /// One element as items (a collected show is one item per collected episode).
    static func items(of element: Value, route: V2Route, context: Context) -> [Value] {
        guard case .object(var members) = element else { return [] }
        func set(_ key: String, _ value: Value) {
            if let i = members.firstIndex(where: { $0.key == key }) { members[i].value = value } else { members.append((key, value)) }
        }
        func has(_ key: String) -> Bool { members.contains { $0.key == key && !$0.value.isNull } }
        switch route {
        case .history:
            set("action", .string(historyAction(element["action"]?.stringValue)))
        case .ratings:
            set("action", .string("rating"))
        case .watchlist:
            set("action", .string("watchlist"))
        case .collectionMovies:
            set("action", .string("collection"))
            set("type", .string("movie"))
        case .collectionShows:
            return collectedEpisodes(element, context: context)
        case .watchedMovies:
            // A summary, not one play: the last time it was watched, and how many plays.
            set("action", .string("seen"))
            set("type", .string("movie"))
        case .watchedShows:
            return watchedEpisodes(element, context: context)
        case .userComments:
            let comment = element["comment"] ?? .null
            let review = comment["review"] == .bool(true)
            set("action", .string(review ? "review" : "shout"))
            hoistComment(comment, review: review, set: set)
        case .lists:
            let list = element
            members = [("id", list["ids"]?["trakt"] ?? .null), ("type", .string("list")), ("action", .string("created")),
                       ("created_at", list["created_at"] ?? .null), ("list", list)]
            if let user = list["user"], case .object = user { members.append(("user", user)) }
        case .listItems:
            var item: [(key: String, value: Value)] = [("type", element["type"] ?? .null)]
            for key in ["show", "movie", "episode", "season", "person"] { if let v = element[key] { item.append((key, v)) } }
            members = [("id", element["id"] ?? .null), ("type", .string("list")), ("action", .string("item_added")),
                       ("listed_at", element["listed_at"] ?? .null), ("list", context.subject ?? .null), ("list_item", .object(item))]
        case .watching:
            set("action", .string("watching"))
        case .watchers:
            members = [("type", .string(context.subjectType ?? "show")), ("action", .string("watching")), ("user", element)]
            if let subject = context.subject { members.append((context.subjectType == "movie" ? "movie" : "show", subject)) }
        case .itemComments:
            let review = element["review"] == .bool(true)
            members = [("id", element["id"] ?? .null), ("type", .string(context.subjectType ?? "show")),
                       ("action", .string(review ? "review" : "shout")), ("comment", element)]
            if let user = element["user"] { members.append(("user", user)) }
            if let subject = context.subject { members.append((context.subjectType == "movie" ? "movie" : "show", subject)) }
            hoistComment(element, review: review, set: set)
        }
        if context.episode.count == 2, route == .watchers || route == .itemComments {
            members.append(("episode", .object([("season", .int(Int64(context.episode[0]))), ("number", .int(Int64(context.episode[1])))])))
        } else if context.episode.count == 1, route == .watchers || route == .itemComments {
            members.append(("season", .object([("number", .int(Int64(context.episode[0])))])))
        }
        if !has("user"), let username = context.username {
            set("user", .object([("username", .string(username))]))
        }
        // Older ratings, watchlist and history entries have no `type`: the object they carry says it.
        if !has("type"), let type = Self.type(carried: .object(members)) {
            set("type", .string(type))
        }
        return [convertV1Kinds(.object(members))]
    }

    /// A history entry's action in the language's words: v1's `seen` is v2's `watch`.
    static func historyAction(_ v2: String?) -> String {
        v2 == "watch" ? "seen" : v2 ?? "seen"
    }

    /// An entry's type from the object it carries, for entries recorded without one: the most
    /// specific object wins (an episode comes with its show).
    static func type(carried item: Value) -> String? {
        for key in ["episode", "season", "show", "movie", "list", "person"] {
            if let object = item[key], case .object = object { return key }
        }
        return nil
    }

    /// A watched show: one item per watched episode, with its play count and the last time it
    /// was watched (`/watched/shows` sums up plays; it lists no single play).
    private static func watchedEpisodes(_ element: Value, context: Context) -> [Value] {
        episodesOfShow(element, context: context, action: "seen") { episode in
            [("last_watched_at", episode["last_watched_at"] ?? element["last_watched_at"] ?? .null), ("plays", episode["plays"] ?? .null)]
        }
    }

    /// A comment's time becomes the item's `created_at`; its text is also readable as v1's
    /// `shout.text`/`review.text`.
    private static func hoistComment(_ comment: Value, review: Bool, set: (String, Value) -> Void) {
        set("created_at", comment["created_at"] ?? .null)
        if comment["id"] != nil { set("id", comment["id"]!) }
        set(review ? "review" : "shout", .object([("id", comment["id"] ?? .null), ("text", comment["comment"] ?? .null),
                                                  ("spoiler", comment["spoiler"] ?? .null)]))
    }

    /// A collected show: one item per collected episode, each with its own `collected_at`.
    private static func collectedEpisodes(_ element: Value, context: Context) -> [Value] {
        episodesOfShow(element, context: context, action: "collection") { episode in
            [("collected_at", episode["collected_at"] ?? element["last_collected_at"] ?? .null)]
        }
    }

    /// One item per episode of a show element's `seasons` (a watched or collected show): the
    /// episode's own `times` members, then its type, action, show and `episode` (season and
    /// number), newest first as the executor merges.
    private static func episodesOfShow(_ element: Value, context: Context, action: String,
                                       times: (_ episode: Value) -> [(key: String, value: Value)]) -> [Value] {
        guard case .array(let seasons)? = element["seasons"] else { return [] }
        let show = element["show"] ?? .null
        var out: [Value] = []
        for season in seasons {
            guard let number = season["number"], case .array(let episodes)? = season["episodes"] else { continue }
            for episode in episodes {
                var members = times(episode)
                members += [("type", .string("episode")), ("action", .string(action)), ("show", show),
                            ("episode", .object([("season", number), ("number", episode["number"] ?? .null)]))]
                if let username = context.username { members.append(("user", .object([("username", .string(username))]))) }
                out.append(convertV1Kinds(.object(members)))
            }
        }
        return out.sorted { (V2ItemSchema.timeMilliseconds(of: $0) ?? .min) > (V2ItemSchema.timeMilliseconds(of: $1) ?? .min) }
    }

    /// v2 writes `first_aired` and `released` as ISO text where v1 (and the field catalog the
    /// checker and normaliser share) has Unix seconds: converted, so they compare as numbers.
    /// A list item's objects (`list_item.show`, …) are catalogued as the same kinds, so they
    /// are converted too (else every list read warned that their times were unreadable).
    static func convertV1Kinds(_ item: Value) -> Value {
        guard case .object(var members) = item else { return item }
        for index in members.indices where members[index].key == "list_item" {
            members[index].value = convertV1Kinds(members[index].value)
        }
        for index in members.indices where ["show", "episode", "movie"].contains(members[index].key) {
            guard case .object(var inner) = members[index].value else { continue }
            var changed = false
            for j in inner.indices where inner[j].key == "first_aired" || inner[j].key == "released" {
                if let text = inner[j].value.stringValue {
                    inner[j].value = V2Time.seconds(text).map { .int(Int64($0.rounded(.down))) } ?? .null
                    changed = true
                }
            }
            if changed { members[index].value = .object(inner) }
        }
        return .object(members)
    }
}
