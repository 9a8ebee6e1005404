import Foundation

/// The v2 part of a ``Plan``: per user and action group one call (`history`, `ratings`, …),
/// merged newest first; the slugs to look up first; how many items a page asks for.
public struct V2Plan: BackendPlan, Hashable {
    public var calls: [V2PlannedCall]
    /// `limit` of each page: 250 (the API's most), or 100 when one page is all the query needs.
    public var pageLimit: Int
    /// Why `extended=full` is asked for, when it is.
    public var extendedReason: String?
    /// What explain adds: time bounds checked locally and the like.
    public var notes: [String]
    /// The shows, movies and users the query names, where: a 404 for one points there.
    public var names: [NamedValue] = []

    /// A call made before the plan's own, to learn an id or a title.
    public struct Lookup: Sendable, Hashable {
        /// `/shows/the-walking-dead`, `/shows/the-walking-dead/seasons/2`.
        public var path: String
        /// The qualifier that asks for it.
        public var from: String
        /// What the answer gives.
        public var gives: String
    }

    /// The lookups the calls need, in order, without repeats.
    public var lookups: [Lookup] {
        var seen: Set<String> = []
        var out: [Lookup] = []
        for call in calls {
            for piece in call.pieces {
                switch piece {
                case .traktID(let kind, let slug, let from):
                    let path = "/\(kind)/\(V2PlannedCall.escape(slug))"
                    if seen.insert(path).inserted { out.append(Lookup(path: path, from: from, gives: "its trakt id and title")) }
                case .seasonOrEpisodeID(let show, let season, let episode, let from):
                    // The seasons (is there a season N, and its id), then that season's episodes.
                    let seasons = "/shows/\(V2PlannedCall.escape(show))/seasons"
                    if seen.insert(seasons).inserted { out.append(Lookup(path: seasons, from: from, gives: "the seasons' trakt ids")) }
                    if episode != nil, seen.insert(seasons + "/\(season)").inserted {
                        out.append(Lookup(path: seasons + "/\(season)", from: from, gives: "the episodes' trakt ids"))
                    }
                default: break
                }
            }
            // A route without user: is about a show or movie: its title comes from a lookup.
            if let slug = call.subjectSlug {
                let path = "/\(call.subjectType == "movie" ? "movies" : "shows")/\(V2PlannedCall.escape(slug))"
                if seen.insert(path).inserted,
                   case .value(_, let from)? = call.pieces.first(where: { if case .value = $0 { return true } else { return false } }) {
                    out.append(Lookup(path: path, from: from, gives: "its trakt id and title"))
                }
            }
        }
        return out
    }

    public static func == (lhs: V2Plan, rhs: V2Plan) -> Bool {
        lhs.calls == rhs.calls && lhs.pageLimit == rhs.pageLimit && lhs.extendedReason == rhs.extendedReason && lhs.notes == rhs.notes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(calls)
        hasher.combine(pageLimit)
    }
}

extension V2Plan {
    /// The headers every call sends, as explain shows them (the key and token redacted).
    static func shownHeaders(token: Bool) -> String {
        "trakt-api-version: 2, trakt-api-key: <client id>" + (token ? ", Authorization: Bearer <token>" : "")
    }

    public func explanation(of plan: Plan, base: String) -> String {
        var lines: [String] = []
        let users = Set(calls.compactMap(\.username))
        let fanOut = calls.count > 1 ? ", merged newest first" : ""
        lines.append("plan: \(calls.count) call\(calls.count == 1 ? "" : "s") to Trakt API v2\(users.count > 1 ? " for \(users.count) users" : "")\(fanOut)")
        for lookup in lookups {
            lines.append("lookup: GET \(base)\(lookup.path)  ← \(lookup.from) (\(lookup.gives); once per session)")
        }
        if calls.contains(where: { $0.pieces.contains(.eachList) }) {
            for user in calls.filter({ $0.pieces.contains(.eachList) }).compactMap(\.username) {
                lines.append("lookup: GET \(base)/users/\(V2PlannedCall.escape(user))/lists  ← item_added (each list's items are one more call)")
            }
        }
        for (n, call) in calls.enumerated() {
            lines.append("")
            lines.append("call \(n + 1): GET \(base)\(call.shownPath)\(call.queryString(page: 1, limit: pageLimit))")
            lines.append("  " + Self.pad("headers", 10) + Self.shownHeaders(token: call.needsToken))
            lines.append("  " + Self.pad("route", 10) + Self.pad(call.route.rawValue, 24) + " ← " + routeOrigin(call))
            for piece in call.pieces {
                switch piece {
                case .value(let text, let from): lines.append("  " + Self.pad("path", 10) + Self.pad(text, 24) + " ← " + from)
                case .traktID(let kind, let slug, let from):
                    lines.append("  " + Self.pad("path", 10) + Self.pad("{trakt id of \(slug)}", 24) + " ← " + from + " (GET /\(kind)/\(slug))")
                case .seasonOrEpisodeID(let show, let season, let episode, let from):
                    let source = "/shows/\(show)/seasons" + (episode == nil ? "" : "/\(season)")
                    lines.append("  " + Self.pad("path", 10) + Self.pad("{trakt id of \(V2PlannedCall.describe(show, season, episode))}", 24)
                                 + " ← " + from + " (GET \(source))")
                case .eachList: lines.append("  " + Self.pad("path", 10) + Self.pad("{each list}", 24) + " ← item_added")
                case .literal: break
                }
            }
            for parameter in call.parameters {
                lines.append("  " + Self.pad(parameter.name, 10) + Self.pad(parameter.value, 24) + " ← " + parameter.from)
            }
            if call.paged {
                lines.append("  " + Self.pad("page", 10) + Self.pad("1, 2, …", 24) + " ← paging (X-Pagination-Page-Count, until a short page)")
                lines.append("  " + Self.pad("limit", 10) + Self.pad(String(pageLimit), 24) + " ← " + (pageLimit == 250 ? "the API's largest page" : "one page: the newest \(pageLimit)"))
            }
            if call.localSince != nil || call.localUntil != nil {
                lines.append("  time      checked on each item (this route has no start_at/end_at)")
            }
        }
        lines.append("")
        lines += plan.negationLines
        lines += plan.residualSection(heading: "checked on each item after the fetch", ratingField: "rating", notes: notes)
        lines.append(plan.stagesLine)
        lines.append("fetch: " + fetchDescription(of: plan))
        return lines.joined(separator: "\n")
    }

    public func explanationValue(of plan: Plan, base: String) -> Value {
        let callValues: [Value] = calls.map { call in
            var members: [(key: String, value: Value)] = [
                ("route", .string(call.route.rawValue)),
                ("method", .string("GET")),
                ("url", .string(base + call.shownPath + call.queryString(page: 1, limit: pageLimit))),
                ("headers", .string(Self.shownHeaders(token: call.needsToken))),
                ("from", .string(routeOrigin(call))),
                ("parameters", .array(call.parameters.map { .object([("name", .string($0.name)), ("value", .string($0.value)), ("from", .string($0.from))]) })),
                ("paged", .bool(call.paged)),
            ]
            if call.localSince != nil || call.localUntil != nil { members.append(("time_checked_locally", .bool(true))) }
            return .object(members)
        }
        var members: [(key: String, value: Value)] = [
            ("api", .string("v2")),
            ("lookups", .array(lookups.map { .object([("url", .string(base + $0.path)), ("from", .string($0.from)), ("gives", .string($0.gives))]) })),
            ("calls", .array(callValues)),
            ("residual", .array(plan.residualValues(ratingField: "rating") + notes.map { .object([("from", .string("v2")), ("check", .string($0))]) })),
            ("stages", .array(plan.stages.map { .string(Plan.describe($0, zone: plan.timeZone)) })),
            ("fetch", .string(fetchDescription(of: plan))),
            ("time_zone", .string(plan.timeZone.identifier)),
        ]
        if !plan.negationNotes.isEmpty {
            members.insert(("negations", .array(plan.negationNotes.map { .string($0) })), at: 3)
        }
        return .object(members)
    }

    func routeOrigin(_ call: V2PlannedCall) -> String {
        switch call.route {
        case .history: return "seen (v2 watch), scrobble, checkin" + (call.needsToken ? "; user:me → /sync" : "")
        case .ratings: return "rating" + (call.needsToken ? "; user:me → /sync" : "")
        case .watchlist: return "watchlist, newest added first" + (call.needsToken ? "; user:me → /sync" : "")
        case .collectionMovies, .collectionShows: return "collection (one item per collected episode)" + (call.needsToken ? "; user:me → /sync" : "")
        case .userComments: return "shout, review (the user's comments)"
        case .lists: return "created (the user's lists)"
        case .listItems: return "item_added (the items of each list)"
        case .watching: return "watching (200 with the item, or 204)"
        case .watchers: return "watching, without user: (who is watching it now)"
        case .itemComments: return "shout, review, without user: (its comments, newest first)"
        case .watchedMovies, .watchedShows: return "seen (a summary: plays and the last time watched, one item per movie or episode)"
        }
    }

    func fetchDescription(of plan: Plan) -> String {
        switch plan.fetch {
        case .onePage: return "one page per call (the newest \(pageLimit))"
        case .rows(let n): return "until \(n) rows (pages of \(pageLimit), by page number)"
        case .all: return plan.since != nil ? "page by page number to since: (up to max_pages)" : "every page (up to max_pages)"
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
