import TraktQL

/// A part of an account the mirror keeps, read and swapped in as a whole: its own tables, the
/// v2 routes it is read from, and the `/sync/last_activities` members whose moving says it
/// changed.
public enum MirrorSection: String, Sendable, CaseIterable, Comparable {
    case history, ratings, watchlist, collection, lists, comments

    public static func < (lhs: MirrorSection, rhs: MirrorSection) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The tables whose rows are this section's (emptied when it is read again in full).
    var tables: [MirrorTable] {
        switch self {
        case .history: return [.history]
        case .ratings: return [.ratings]
        case .watchlist: return [.watchlist]
        case .collection: return [.collection]
        case .lists: return [.listItems, .lists]
        case .comments: return [.comments]
        }
    }

    /// The `/sync/last_activities` members (`group.member`) this section follows (§4.7).
    var activityMembers: [(group: String, member: String)] {
        switch self {
        case .history: return [("movies", "watched_at"), ("episodes", "watched_at")]
        case .ratings: return [("movies", "rated_at"), ("episodes", "rated_at"), ("shows", "rated_at"), ("seasons", "rated_at")]
        case .watchlist:
            return [("movies", "watchlisted_at"), ("episodes", "watchlisted_at"), ("shows", "watchlisted_at"),
                    ("seasons", "watchlisted_at"), ("watchlist", "updated_at")]
        case .collection: return [("movies", "collected_at"), ("episodes", "collected_at")]
        case .lists: return [("lists", "updated_at")]
        case .comments:
            return [("movies", "commented_at"), ("episodes", "commented_at"), ("shows", "commented_at"),
                    ("seasons", "commented_at"), ("lists", "commented_at")]
        }
    }

    /// This section's part of a `/sync/last_activities` answer, as saved in `sync_sections.remote`:
    /// a JSON object of `group.member` → time (members the server did not send are left out).
    func remote(of activities: Value) -> String {
        var members: [(key: String, value: Value)] = []
        for (group, member) in activityMembers {
            if let value = activities[group]?[member], !value.isNull { members.append(("\(group).\(member)", value)) }
        }
        return MirrorDecomposition.json(.object(members))
    }

    /// The routes a full read pages through, for the account (`nil`: the logged-in user, through
    /// `/sync`; else a user's public routes). Lists are read as an index, then each list's items.
    func routes(user: String?) -> [(route: V2Route, path: String)] {
        let owner = user.map { "/users/" + Self.pathSegment($0) } ?? "/sync"
        let userRoot = "/users/" + (user.map(Self.pathSegment) ?? "me")
        switch self {
        case .history: return [(.history, owner + "/history")]
        case .ratings: return [(.ratings, owner + "/ratings")]
        case .watchlist: return [(.watchlist, owner + "/watchlist")]
        case .collection: return [(.collectionMovies, owner + "/collection/movies"), (.collectionShows, owner + "/collection/shows")]
        case .lists: return [(.lists, userRoot + "/lists")]
        case .comments: return [(.userComments, userRoot + "/comments")]
        }
    }

    /// A username as one path segment (percent-encoded: a name is never a path).
    static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

import Foundation
