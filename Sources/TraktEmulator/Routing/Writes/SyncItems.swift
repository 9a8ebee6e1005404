import Foundation

/// The items a sync body (`movies`, `shows`, `seasons`, `episodes`) names, resolved against the
/// dataset, with the objects they came from (innermost first) for their fields (`watched_at`,
/// `rating`, `collected_at`, …: an episode inherits its season's and its show's).
struct SyncItems {
    typealias Chain = [[String: Any]]

    var movies: [(index: Int, chain: Chain)] = []
    var shows: [(index: Int, chain: Chain)] = []
    var seasons: [(index: Int, chain: Chain)] = []
    var episodes: [(index: Int, chain: Chain)] = []
    var notFound = NotFound()

    /// How shows and seasons are read.
    enum Mode {
        /// Plays and copies (history, collection): a show or season means its aired episodes.
        case episodes
        /// Marks (ratings, watchlist): a show or season is itself the item, unless it lists
        /// seasons or episodes (then those are; a show or season that also carries a `rating`
        /// is rated too).
        case items
    }

    /// The entries Trakt lists under `not_found`, as the JSON they were sent as.
    struct NotFound {
        var movies: [[UInt8]] = []
        var shows: [[UInt8]] = []
        var seasons: [[UInt8]] = []
        var episodes: [[UInt8]] = []
        var ids: [Int64] = []
    }

    /// The first value of `key` along the chain (innermost first).
    static func field(_ chain: Chain, _ key: String) -> Any? {
        for o in chain { if let v = o[key], !(v is NSNull) { return v } }
        return nil
    }

    /// Only the `ids` (and for nested seasons and episodes, the `number`) of an object, as sent.
    static func echo(_ o: [String: Any]) -> [UInt8] {
        var e: [String: Any] = [:]
        if let ids = o["ids"] { e["ids"] = ids }
        if let n = o["number"] { e["number"] = n }
        if e.isEmpty { e = o }
        return WriteBody.json(e)
    }

    init() {}

    init(_ body: WriteBody, _ lookup: WriteLookup, mode: Mode, now: Int64) throws(V2Error) {
        for o in try body.items("movies") {
            if let m = lookup.movie(o) { movies.append((m, [o])) } else { notFound.movies.append(Self.echo(o)) }
        }
        for o in try body.items("episodes") {
            if let g = lookup.episode(o) { episodes.append((g, [o])) } else { notFound.episodes.append(Self.echo(o)) }
        }
        for o in try body.items("seasons") {
            guard let g = lookup.season(o) else {
                notFound.seasons.append(Self.echo(o))
                continue
            }
            try addSeason(g, o, [o], lookup, mode: mode, now: now)
        }
        for (i, o) in try body.items("shows").enumerated() {
            guard let s = lookup.show(o) else {
                notFound.shows.append(Self.echo(o))
                continue
            }
            let seasonObjects = try WriteBody(object: o).items("seasons")
            if seasonObjects.isEmpty {
                if mode == .episodes {
                    for g in lookup.airedEpisodes(show: s, now: now) { episodes.append((g, [o])) }
                } else {
                    shows.append((s, [o]))
                }
                continue
            }
            if mode == .items && o["rating"] != nil && !(o["rating"] is NSNull) { shows.append((s, [o])) }
            for (j, so) in seasonObjects.enumerated() {
                guard let number = WriteBody.int(so["number"]) else {
                    throw V2Error.unprocessable("shows[\(i)].seasons[\(j)].number must be a season number")
                }
                guard let g = lookup.season(show: s, number: number) else {
                    notFound.seasons.append(Self.echo(so))
                    continue
                }
                try addSeason(g, so, [so, o], lookup, mode: mode, now: now)
            }
        }
    }

    private mutating func addSeason(_ g: Int, _ o: [String: Any], _ chain: Chain, _ lookup: WriteLookup, mode: Mode, now: Int64) throws(V2Error) {
        let episodeObjects = try WriteBody(object: o).items("episodes")
        if episodeObjects.isEmpty {
            if mode == .episodes {
                for e in lookup.airedEpisodes(season: g, now: now) { episodes.append((e, chain)) }
            } else {
                seasons.append((g, chain))
            }
            return
        }
        if mode == .items && o["rating"] != nil && !(o["rating"] is NSNull) { seasons.append((g, chain)) }
        for eo in episodeObjects {
            guard let number = WriteBody.int(eo["number"]), let e = lookup.episode(season: g, number: number) else {
                notFound.episodes.append(Self.echo(eo))
                continue
            }
            episodes.append((e, [eo] + chain))
        }
    }

    var isEmpty: Bool { movies.isEmpty && shows.isEmpty && seasons.isEmpty && episodes.isEmpty }
}

/// Counts per type for `added`, `deleted`, `existing`, `updated`.
struct TypeCounts {
    var movies = 0
    var shows = 0
    var seasons = 0
    var episodes = 0

    /// `{"movies":N,"episodes":N}` or with `shows`/`seasons` too.
    func write(_ out: inout JSONBytes, all: Bool) {
        out.raw("{\"movies\":")
        out.int(movies)
        if all {
            out.raw(",\"shows\":")
            out.int(shows)
            out.raw(",\"seasons\":")
            out.int(seasons)
        }
        out.raw(",\"episodes\":")
        out.int(episodes)
        out.byte(UInt8(ascii: "}"))
    }
}

extension SyncItems.NotFound {
    func write(_ out: inout JSONBytes, ids withIDs: Bool, people: Bool = false) {
        func list(_ key: StaticString, _ items: [[UInt8]]) {
            out.key(key)
            out.byte(UInt8(ascii: "["))
            for (i, b) in items.enumerated() {
                if i > 0 { out.byte(UInt8(ascii: ",")) }
                out.raw(b)
            }
            out.byte(UInt8(ascii: "]"))
        }
        out.byte(UInt8(ascii: "{"))
        list("movies", movies)
        out.byte(UInt8(ascii: ","))
        list("shows", shows)
        out.byte(UInt8(ascii: ","))
        list("seasons", seasons)
        out.byte(UInt8(ascii: ","))
        list("episodes", episodes)
        if people { out.raw(",\"people\":[]") }
        if withIDs {
            out.raw(",\"ids\":[")
            for (i, id) in ids.enumerated() {
                if i > 0 { out.byte(UInt8(ascii: ",")) }
                out.int(id)
            }
            out.byte(UInt8(ascii: "]"))
        }
        out.byte(UInt8(ascii: "}"))
    }
}
