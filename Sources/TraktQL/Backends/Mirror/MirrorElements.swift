import Foundation

/// Rebuilds a v2 route's element from a mirror row: the row's columns under the names v2
/// gives them (times as ISO 8601, as v2 writes them), the members kept in `extra`, and the
/// objects the row refers to. The columns each statement selects are ``MirrorSQLConditions``'.
struct MirrorElements {
    var objects: MirrorObjects

    typealias Members = [(key: String, value: Value)]

    /// `2026-03-14T20:15:00.000Z` for milliseconds since 1970.
    static func time(_ value: MirrorValue) -> Value {
        guard let ms = value.integer else { return .null }
        return .string(V2Time.string(milliseconds: ms))
    }

    static func text(_ value: MirrorValue) -> Value {
        value.text.map(Value.string) ?? .null
    }

    /// `members` with the members of `extra` (a JSON object) added, each before `before` when
    /// that member is there (v2's order), else at the end.
    static func adding(_ extra: MirrorValue, to members: inout Members, before: String? = nil, what: String) throws(TraktQLError) {
        guard let text = extra.text, text != "{}", !text.isEmpty else { return }
        guard case .object(let more) = try MirrorObjects.parse(text, what: what) else { return }
        var at = before.flatMap { key in members.firstIndex { $0.key == key } } ?? members.count
        for member in more where !members.contains(where: { $0.key == member.key }) {
            members.insert(member, at: at)
            at += 1
        }
    }

    /// The item's object and, for a season or episode, its show: `"type":"episode","episode":{…},"show":{…}`.
    mutating func carried(type: String, item: Int64?, show: Int64?, converted: Bool = true) throws(TraktQLError) -> Members {
        var members: Members = [(type, try objects.object(type, item, converted: converted))]
        if type == "season" || type == "episode" { members.append(("show", try objects.object("show", show, converted: converted))) }
        return members
    }

    /// history: `id, watched_at, action, type, movie, show, episode, extra`.
    mutating func history(_ row: [MirrorValue]) throws(TraktQLError) -> Value {
        let type = row[3].text ?? "episode"
        var members: Members = [("id", row[0].integer.map(Value.int) ?? .null), ("watched_at", Self.time(row[1])),
                                ("action", Self.text(row[2])), ("type", .string(type))]
        members += type == "movie" ? try carried(type: "movie", item: row[4].integer, show: nil)
            : try carried(type: "episode", item: row[6].integer, show: row[5].integer)
        try Self.adding(row[7], to: &members, what: "history entry \(row[0])")
        return .object(members)
    }

    /// history, the common case without `extra`: the item itself, as ``V2Item`` would read the
    /// element ``history(_:)`` rebuilds (`watch` read as `seen`, the user last), from objects
    /// already normalised (``MirrorObjects/normalized(_:_:)``), with the values their
    /// normalisation could not read. Nil when the row has `extra`: the element path reads it.
    /// Plays are most of a mirror, and this skips building, reading and normalising each one's
    /// element (measured in BENCHMARKS.md, "Mirror queries").
    mutating func historyItem(_ row: [MirrorValue], user: Value?) throws(TraktQLError) -> (item: Value, failures: [ItemNormalizer.Failure])? {
        if let extra = row[7].text, !extra.isEmpty, extra != "{}" { return nil }
        let type = row[3].text ?? "episode"
        var members: Members = [("id", row[0].integer.map(Value.int) ?? .null), ("watched_at", Self.time(row[1])),
                                ("action", .string(V2Item.historyAction(row[2].text))), ("type", .string(type))]
        members.reserveCapacity(7)
        var failures: [ItemNormalizer.Failure] = []
        if type == "movie" {
            try carry("movie", row[4].integer, into: &members, failures: &failures)
        } else {
            try carry("episode", row[6].integer, into: &members, failures: &failures)
            try carry("show", row[5].integer, into: &members, failures: &failures)
        }
        if let user { members.append(("user", user)) }
        return (.object(members), failures)
    }

    /// An item's own object, normalised once per query, added to `members`.
    private mutating func carry(_ kind: String, _ trakt: Int64?, into members: inout Members,
                                failures: inout [ItemNormalizer.Failure]) throws(TraktQLError) {
        let carried = try objects.normalized(kind, trakt)
        members.append((kind, carried.object))
        if !carried.failures.isEmpty { failures += carried.failures }
    }

    /// ratings: `type, item, rated_at, rating, show, extra`.
    mutating func rating(_ row: [MirrorValue]) throws(TraktQLError) -> Value {
        let type = row[0].text ?? "movie"
        var members: Members = [("rated_at", Self.time(row[2])), ("rating", row[3].integer.map(Value.int) ?? .null), ("type", .string(type))]
        members += try carried(type: type, item: row[1].integer, show: row[4].integer)
        try Self.adding(row[5], to: &members, what: "rating of \(type) \(row[1])")
        return .object(members)
    }

    /// watchlist: `id, rank, listed_at, type, item, show, extra`.
    mutating func watchlistEntry(_ row: [MirrorValue]) throws(TraktQLError) -> Value {
        let type = row[3].text ?? "movie"
        var members: Members = [("rank", row[1].integer.map(Value.int) ?? .null), ("id", row[0].integer.map(Value.int) ?? .null),
                                ("listed_at", Self.time(row[2])), ("type", .string(type))]
        members += try carried(type: type, item: row[4].integer, show: row[5].integer)
        try Self.adding(row[6], to: &members, before: "type", what: "watchlist entry \(row[0])")
        return .object(members)
    }

    /// collection (movies): `collected_at, updated_at, movie, extra`.
    mutating func collectedMovie(_ row: [MirrorValue]) throws(TraktQLError) -> Value {
        var members: Members = [("collected_at", Self.time(row[0])), ("updated_at", Self.time(row[1])),
                                ("movie", try objects.object("movie", row[2].integer))]
        try Self.adding(row[3], to: &members, before: "movie", what: "collected movie \(row[2])")
        return .object(members)
    }

    /// collection (shows): the rows of one show (`show, last_collected_at, season, number,
    /// collected_at, extra`, by season and number) as its element, seasons and episodes nested.
    mutating func collectedShow(_ rows: [[MirrorValue]]) throws(TraktQLError) -> Value {
        guard let first = rows.first else { return .null }
        var seasons: [Value] = []
        var season: Int64?
        var episodes: [Value] = []
        func close() {
            if let season { seasons.append(.object([("number", .int(season)), ("episodes", .array(episodes))])) }
        }
        for row in rows {
            let number = row[2].integer
            if number != season {
                close()
                season = number
                episodes = []
            }
            var members: Members = [("number", row[3].integer.map(Value.int) ?? .null), ("collected_at", Self.time(row[4]))]
            try Self.adding(row[5], to: &members, what: "collected episode \(first[0])/\(row[2])x\(row[3])")
            episodes.append(.object(members))
        }
        close()
        return .object([("last_collected_at", Self.time(first[1])), ("show", try objects.object("show", first[0].integer)),
                        ("seasons", .array(seasons))])
    }

    /// comments: `id, created_at, type, review, item, show, json`.
    mutating func comment(_ row: [MirrorValue]) throws(TraktQLError) -> Value {
        let type = row[2].text ?? "show"
        let comment = try row[6].text.map { text throws(TraktQLError) in try MirrorObjects.parse(text, what: "comment \(row[0])") } ?? .null
        var members: Members = [("type", .string(type)), ("comment", comment)]
        members += try carried(type: type, item: row[4].integer, show: row[5].integer)
        return .object(members)
    }

    /// lists: `trakt`: the list object itself.
    mutating func list(_ row: [MirrorValue]) throws(TraktQLError) -> Value {
        try objects.object("list", row[0].integer)
    }

    /// list items: `list, id, rank, listed_at, type, item, show, extra`; the objects as v2
    /// nests them in a list item (as v2 sends them: ``V2Item`` converts them in `list_item`).
    mutating func listItem(_ row: [MirrorValue]) throws(TraktQLError) -> Value {
        let type = row[4].text ?? "movie"
        var members: Members = [("rank", row[2].integer.map(Value.int) ?? .null), ("id", row[1].integer.map(Value.int) ?? .null),
                                ("listed_at", Self.time(row[3])), ("type", .string(type))]
        members += try carried(type: type, item: row[5].integer, show: row[6].integer, converted: false)
        try Self.adding(row[7], to: &members, before: "type", what: "list item \(row[1])")
        return .object(members)
    }
}
