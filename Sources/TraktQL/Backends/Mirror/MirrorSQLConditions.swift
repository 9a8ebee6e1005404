import Foundation

/// The SQL of each route's statement: what the qualifiers push into the WHERE clause, over the
/// columns ``MirrorSchema`` indexes, and the route's own order.
///
/// Every condition keeps at least what the residual filter keeps (the filter is checked after
/// on each item), so pushing one down narrows the rows read and never the answer:
/// - `since:`/`until:`: the route's time column, `since ≤ t < until` (`until:` exclusive, as
///   everywhere), in milliseconds;
/// - `type:`: the `type` column (an element's type is its item's);
/// - `action:`: which tables are read at all, and history's `action`, comments' `review`;
/// - `show:`/`movie:`: the show or movie column, through the `objects` whose ids (slug, trakt,
///   tvdb, imdb, tmdb: what `show:` matches) hold a value given;
/// - `season:`/`episode:`: the `season` and `number` columns;
/// - `rating:`: the `rating` column, as the ratings route's `{rating}` segment.
///
/// A query that reads one page (no `limit`, no `since:`) reads the newest 100 elements of each
/// route over v2, narrowed only by what the route itself carries, and filters those: over the
/// mirror, the statements then push down exactly what v2's routes carry (``carriedOnly``) and
/// nothing more, one statement per v2 call, so that the same 100 elements are read.
struct MirrorSQLConditions {
    let query: CheckedQuery
    let actions: [Action]
    /// Push down only what the v2 route carries (one page per route: see above).
    var carriedOnly = false

    /// Clauses and their parameters, in the order of the `?`s.
    private struct Builder {
        var clauses: [String] = []
        var parameters: [MirrorStatement.Parameter] = []

        mutating func add(_ clause: String, _ values: [MirrorValue] = [], from: String) {
            clauses.append(clause)
            parameters += values.map { .init(value: $0, from: from) }
        }

        var whereClause: String {
            clauses.isEmpty ? "" : "\nWHERE " + clauses.joined(separator: "\n  AND ")
        }
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// Milliseconds since 1970 of the first whole millisecond at or after `instant`: `t ≥ it`
    /// and `t < it` are exactly `instant ≤ t` and `t < instant` for whole milliseconds `t`.
    static func milliseconds(_ instant: Date) -> Int64 {
        let ms = (instant.timeIntervalSince1970 * 1000).rounded(.up)
        return Int64(max(-9e15, min(9e15, ms)))
    }

    /// The time bounds, type, show, movie, season and episode conditions on a table whose
    /// columns are `prefix` + name.
    private func common(_ builder: inout Builder, time: String, prefix: String = "", types: Bool = true, episodes: Bool = true) {
        if carriedOnly {
            // The route's own segments only: its type (and, for history, below, its window and subject).
            if types, let segment = segmentType {
                builder.add("\(prefix)type = ?", [.text(segment)], from: query.types?.origin.text ?? "the types the query can return (the route's type segment)")
            }
            if time == "watched_at" { timeBounds(&builder, time: time, prefix: prefix) }
            return
        }
        timeBounds(&builder, time: time, prefix: prefix)
        commonFilters(&builder, prefix: prefix, types: types, episodes: episodes)
    }

    /// The one type a v2 route's type segment names (`episodes`, `movies`, `shows`), when the
    /// query can return only that type; nil for `all`.
    private var segmentType: String? {
        let types = query.possibleTypeSet
        let episodes = types.contains(.episode), movies = types.contains(.movie), shows = types.contains(.show)
        if episodes && !movies && !shows { return "episode" }
        if movies && !episodes && !shows { return "movie" }
        if shows && !episodes && !movies { return "show" }
        return nil
    }

    private func timeBounds(_ builder: inout Builder, time: String, prefix: String) {
        if let since = query.since {
            builder.add("\(prefix)\(time) >= ?", [.integer(Self.milliseconds(since.instant))], from: since.origin.text + " (ms since 1970 UTC)")
        }
        if let until = query.until {
            builder.add("\(prefix)\(time) < ?", [.integer(Self.milliseconds(until.instant))], from: until.origin.text + " (ms since 1970 UTC, exclusive)")
        }
    }

    private func commonFilters(_ builder: inout Builder, prefix: String, types: Bool, episodes: Bool) {
        if types, let filter = query.types {
            builder.add("\(prefix)type \(filter.negated ? "NOT IN" : "IN") (\(Self.placeholders(filter.values.count)))",
                        filter.values.map { .text($0.rawValue) }, from: filter.origin.text)
        }
        for (filter, kind) in [(query.shows, "show"), (query.movies, "movie")] {
            guard let filter, !filter.negated else { continue }
            builder.add("\(prefix)\(kind) IN (SELECT trakt FROM objects WHERE kind = '\(kind)' AND EXISTS "
                        + "(SELECT 1 FROM json_each(objects.json, '$.ids') WHERE CAST(json_each.value AS TEXT) IN (\(Self.placeholders(filter.values.count)))))",
                        filter.values.map { .text($0) }, from: filter.origin.text)
        }
        guard episodes else { return }
        if let seasons = query.seasons { number(&builder, prefix + "season", seasons) }
        if let episodes = query.episodes { number(&builder, prefix + "number", episodes) }
    }

    /// `column IN (…)`, ranges with BETWEEN; negated, a row without the column passes (an item
    /// about no episode is outside every season, as the filter has it).
    private func number(_ builder: inout Builder, _ column: String, _ filter: NumberFilter) {
        var parts: [String] = []
        var values: [MirrorValue] = []
        if !filter.values.isEmpty {
            parts.append("\(column) IN (\(Self.placeholders(filter.values.count)))")
            values += filter.values.map { .integer(Int64($0)) }
        }
        for interval in filter.intervals {
            switch (interval.lower, interval.upper) {
            case let (lower?, upper?):
                parts.append("\(column) BETWEEN ? AND ?")
                values += [.integer(Int64(lower)), .integer(Int64(upper))]
            case let (lower?, nil):
                parts.append("\(column) >= ?")
                values.append(.integer(Int64(lower)))
            case let (nil, upper?):
                parts.append("\(column) <= ?")
                values.append(.integer(Int64(upper)))
            case (nil, nil):
                parts.append("\(column) IS NOT NULL")
            }
        }
        guard !parts.isEmpty else { return }
        let any = parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " OR ") + ")"
        builder.add(filter.negated ? "(\(column) IS NULL OR NOT \(any))" : any, values, from: filter.origin.text)
    }

    private func limitClause(_ limit: Int?) -> String {
        limit.map { "\nLIMIT \($0)" } ?? ""
    }

    private func statement(_ route: V2Route, table: String, _ select: String, _ builder: Builder, order: String, limit: Int?) -> MirrorStatement {
        var statement = MirrorStatement(route: route, table: table, sql: select + builder.whereClause + "\nORDER BY " + order + limitClause(limit),
                                        parameters: builder.parameters, elementLimit: limit)
        if carriedOnly, route != .history {
            statement.localSince = query.since?.instant
            statement.localUntil = query.until?.instant
        }
        return statement
    }

    // MARK: - Routes

    /// `/sync/history`: newest first; plays of the same second by id (the episodes of one
    /// multi-episode play ascending, as the route lists them). The route's order among plays of
    /// different activities in the same second is not kept by the schema (the emulator lists
    /// them in its dataset's order, which no id rule reproduces): such plays may come in another
    /// order than over v2 (docs/MIRROR.md). One page: one statement per show, season, episode or movie v2 narrows
    /// its history calls to (``V2Planner/showHistorySubjects(_:origin:query:)``).
    func history(limit: Int?) -> [MirrorStatement] {
        guard carriedOnly else { return [history(limit: limit, subject: nil)] }
        // Each subject: its conditions (clause, value) and the qualifiers they come from.
        typealias Subject = (parts: [(clause: String, value: MirrorValue)], from: String)
        var subjects: [Subject] = []
        func byIDs(_ kind: String) -> String {
            "\(kind) IN (SELECT trakt FROM objects WHERE kind = '\(kind)' AND EXISTS (SELECT 1 FROM json_each(objects.json, '$.ids') WHERE CAST(json_each.value AS TEXT) = ?))"
        }
        if let shows = query.shows, !shows.negated {
            for slug in shows.values {
                for (segment, piece) in V2Planner.showHistorySubjects(slug, origin: shows.origin.text, query: query) {
                    var parts: [(clause: String, value: MirrorValue)] = [(byIDs("show"), .text(slug))]
                    guard segment != "shows", case .seasonOrEpisodeID(_, let season, let episode, let from) = piece else {
                        subjects.append((parts, shows.origin.text))
                        continue
                    }
                    parts.append(("season = ?", .integer(Int64(season))))
                    if let episode { parts.append(("number = ?", .integer(Int64(episode)))) }
                    subjects.append((parts, from))
                }
            }
        }
        if let movies = query.movies, !movies.negated {
            for slug in movies.values { subjects.append(([(byIDs("movie"), .text(slug))], movies.origin.text)) }
        }
        guard !subjects.isEmpty else { return [history(limit: limit, subject: nil)] }
        return subjects.map { history(limit: limit, subject: $0) }
    }

    private func history(limit: Int?, subject: (parts: [(clause: String, value: MirrorValue)], from: String)?) -> MirrorStatement {
        var builder = Builder()
        common(&builder, time: "watched_at", types: subject == nil)
        for part in subject?.parts ?? [] { builder.add(part.clause, [part.value], from: subject!.from) }
        let plays: [Action] = [.seen, .scrobble, .checkin]
        let wanted = plays.filter(actions.contains)
        if !carriedOnly, wanted.count < plays.count, let origin = query.actions?.origin.text {
            builder.add("action IN (\(Self.placeholders(wanted.count)))", wanted.map { .text($0 == .seen ? "watch" : $0.rawValue) },
                        from: origin + (wanted.contains(.seen) ? " (v2 writes seen as watch)" : ""))
        }
        return statement(.history, table: "history", "SELECT id, watched_at, action, type, movie, show, episode, extra\nFROM history", builder,
                         order: "watched_at DESC, id", limit: limit)
    }

    /// `/sync/ratings`: newest first.
    func ratings(limit: Int?) -> MirrorStatement {
        var builder = Builder()
        common(&builder, time: "rated_at")
        if let scores = V2Planner.ratingSegment(query.rating), let origin = query.rating?.origin.text {
            builder.add("rating IN (\(Self.placeholders(scores.count)))", scores.map { .integer(Int64($0)) }, from: origin)
        }
        return statement(.ratings, table: "ratings", "SELECT type, item, rated_at, rating, show, extra\nFROM ratings", builder,
                         order: "rated_at DESC, type, item", limit: limit)
    }

    /// `/sync/watchlist/{type}/added/desc`: newest listed first.
    func watchlist(limit: Int?) -> MirrorStatement {
        var builder = Builder()
        common(&builder, time: "listed_at")
        return statement(.watchlist, table: "watchlist", "SELECT id, rank, listed_at, type, item, show, extra\nFROM watchlist", builder,
                         order: "listed_at DESC, rank DESC", limit: limit)
    }

    /// `/sync/collection/movies`: newest collected first.
    func collectedMovies(limit: Int?) -> MirrorStatement {
        var builder = Builder()
        builder.add("type = 'movie'", from: "collection/movies")
        common(&builder, time: "collected_at", types: false, episodes: true)
        return statement(.collectionMovies, table: "collection", "SELECT collected_at, updated_at, movie, extra\nFROM collection", builder,
                         order: "collected_at DESC, movie", limit: limit)
    }

    /// `/sync/collection/shows`: one element per show (its last collected episode first), its
    /// episodes by season and number; rebuilt from one row per collected episode.
    func collectedShows(limit: Int?) -> MirrorStatement {
        var builder = Builder()
        builder.add("c.type = 'episode'", from: "collection/shows")
        common(&builder, time: "collected_at", prefix: "c.", types: false)
        if let limit {
            builder.add("c.show IN (SELECT show FROM shows ORDER BY last_collected_at DESC, show LIMIT \(limit))",
                        from: "one page: the \(limit) shows collected last")
        }
        let select = """
            WITH shows AS (SELECT show, max(collected_at) AS last_collected_at FROM collection WHERE type = 'episode' GROUP BY show)
            SELECT c.show, s.last_collected_at, c.season, c.number, c.collected_at, c.extra
            FROM collection c JOIN shows s ON s.show = c.show
            """
        var statement = self.statement(.collectionShows, table: "collection", select, builder,
                                  order: "s.last_collected_at DESC, c.show, c.season, c.number", limit: nil)
        statement.elementLimit = limit
        return statement
    }

    /// `/users/{id}/comments/{kind}/{type}`: newest first.
    func comments(limit: Int?) -> MirrorStatement {
        var builder = Builder()
        common(&builder, time: "created_at")
        if let filter = query.actions {
            let shout = actions.contains(.shout), review = actions.contains(.review)
            if shout != review { builder.add("review = ?", [.integer(review ? 1 : 0)], from: filter.origin.text) }
        }
        return statement(.userComments, table: "comments", "SELECT id, created_at, type, review, item, show, json\nFROM comments", builder,
                         order: "created_at DESC, id DESC", limit: limit)
    }

    /// `/users/{id}/lists`: the user's lists, oldest first.
    func lists(limit: Int?) -> MirrorStatement {
        var builder = Builder()
        common(&builder, time: "created_at", types: false, episodes: false)
        return statement(.lists, table: "lists", "SELECT trakt\nFROM lists", builder, order: "created_at, trakt", limit: limit)
    }

    /// `/users/{id}/lists/{list}/items`, for each list in turn: by rank.
    func listItems(limit: Int?) -> MirrorStatement {
        var builder = Builder()
        common(&builder, time: "listed_at", prefix: "li.", types: false, episodes: false)
        var select = "SELECT li.list, li.id, li.rank, li.listed_at, li.type, li.item, li.show, li.extra\nFROM list_items li JOIN lists l ON l.trakt = li.list"
        if let limit {
            // One page of each list: its first `limit` items.
            select = "SELECT li.list, li.id, li.rank, li.listed_at, li.type, li.item, li.show, li.extra\n"
                + "FROM (SELECT *, row_number() OVER (PARTITION BY list ORDER BY rank, id) AS position FROM list_items) li JOIN lists l ON l.trakt = li.list"
            builder.add("li.position <= \(limit)", from: "one page of each list")
        }
        var statement = self.statement(.listItems, table: "list_items", select, builder, order: "l.created_at, l.trakt, li.rank, li.id", limit: nil)
        statement.elementLimit = limit
        return statement
    }
}
