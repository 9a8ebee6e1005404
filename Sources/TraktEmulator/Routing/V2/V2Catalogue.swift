import Foundation

/// `/shows/…`, `/movies/…` and `/search/…`.
extension V2Service {
    /// A show by trakt id, slug or IMDB id.
    func showIndex(_ id: String) -> Int? {
        if let n = Int(id) { return n >= 1 && n <= dataset.shows.count ? n - 1 : nil }
        if let s = dataset.showBySlug[id.lowercased()] { return s }
        return dataset.shows.firstIndex { $0.seed.imdb == id }
    }

    /// A movie by trakt id, slug (`title-year`) or IMDB id.
    func movieIndex(_ id: String) -> Int? {
        if let n = Int(id) { return n >= 1 && n <= dataset.movies.count ? n - 1 : nil }
        return dataset.movieBySlug[id.lowercased()] ?? dataset.movieByIMDB[id]
    }

    /// Visible to the caller: public users' activity, or the caller's own.
    @inline(__always)
    func visible(_ a: Activity, _ c: V2Call) -> Bool {
        dataset.userFlags[Int(a.user)] & Dataset.flagProtected == 0 || Int(a.user) == c.viewer
    }

    /// Positions of `kinds` in an entity's postings (newest first).
    func entityPositions(_ p: Postings, key: Int, kinds: [Kind]) -> [Int] {
        var out: [Int] = []
        for k in kinds { for i in p.range(key: key, kind: k) { out.append(Int(p.items[i])) } }
        out.sort()
        return out
    }

    /// An item's comments sorted per `/comments/{sort}`: its generated ones (`positions`), less
    /// what writes deleted, with the written ones of `kinds` that `match` it (writes and the
    /// community after the dataset's end) and the comments `on` a season or list merged in.
    func sortedComments(_ positions: [Int], _ sort: String?, _ c: V2Call, kinds: [Kind] = [], match: (Activity) -> Bool = { _ in false },
                        on target: AttachedComment.Target? = nil) throws(V2Error) -> EmulatorResponse {
        let rows = overlay.withState { state -> [CommentRow] in
            let generated = positions.map { dataset.activities[$0] }.filter { a in
                guard visible(a, c) else { return false }
                guard state.isTouched(Int(a.user)), let w = state.users[Int(a.user)] else { return true }
                return w.mask(a, ordinal: 0) != 0
            }
            let written = writtenActivities(kinds, match, c, state)
            let activities = Self.mergedNewestFirst(generated, written, time: \.time).map(CommentRow.activity)
            return Self.mergedNewestFirst(activities, (target.map { state.attachedComments(on: $0) } ?? []).map(CommentRow.attached), time: \.time)
        }
        return try sortedRows(rows, sort, c)
    }

    /// `rows` (newest first) as a comment page in the `/comments/{sort}` order: newest, oldest;
    /// likes, replies, highest, lowest and plays read as newest (every comment has 0 of them).
    func sortedRows(_ rows: [CommentRow], _ sort: String?, _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        switch sort {
        case nil, "newest", "likes", "replies", "highest", "lowest", "plays", "watched":
            return commentPage(rows, bare: true, c)
        case "oldest":
            return commentPage(rows.reversed(), bare: true, c)
        default:
            throw V2Error.notFound("unknown comment sort '\(sort!)'")
        }
    }

    /// The overlay's activities of `kinds` that `match` an item and the caller may see, still
    /// visible after removals, newest first (at one second, the later write first).
    func writtenActivities(_ kinds: [Kind], _ match: (Activity) -> Bool, _ c: V2Call, _ state: OverlayState) -> [Activity] {
        guard !kinds.isEmpty, state.timelineCount > 0 else { return [] }
        var wanted: UInt32 = 0
        for k in kinds { wanted |= 1 << UInt32(k.raw) }
        var out: [Activity] = []
        for x in state.timelineNewestFirst(maxTime: nil) {
            let a = x.activity
            guard wanted & (1 << UInt32(a.kind.raw)) != 0, match(a), visible(a, c),
                  state.users[Int(a.user)]?.mask(a, ordinal: x.ordinal) ?? 1 != 0 else { continue }
            out.append(a)
        }
        return out
    }

    /// Two newest-first lists as one; at one second `later` (what was written) first.
    static func mergedNewestFirst<T>(_ earlier: [T], _ later: [T], time: (T) -> Int64) -> [T] {
        guard !later.isEmpty else { return earlier }
        var out: [T] = []
        out.reserveCapacity(earlier.count + later.count)
        var j = 0
        for x in earlier {
            while j < later.count && time(later[j]) >= time(x) {
                out.append(later[j])
                j += 1
            }
            out.append(x)
        }
        out += later[j...]
        return out
    }

    /// Users currently watching (their latest `watching` activity still within its runtime):
    /// from the generated activity of the item's postings and the overlay's that `match` it
    /// (check-ins, scrobbles, the community after the dataset's end).
    func watchers(_ p: Postings, key: Int, kinds: [Kind], _ c: V2Call, match: (Activity) -> Bool) -> EmulatorResponse {
        var users: [Int] = []
        var seen = Set<Int>()
        let generated = entityPositions(p, key: key, kinds: kinds).map { dataset.activities[$0] }
        let written = overlay.withState { writtenActivities(kinds, match, c, $0) }
        for a in Self.mergedNewestFirst(generated, written, time: \.time) {
            guard a.time <= c.nowUnix, visible(a, c), seen.insert(Int(a.user)).inserted else { continue }
            if let current = currentlyWatching(Int(a.user), now: c.nowUnix, writes(Int(a.user))), current.time == a.time, current.id == a.id {
                users.append(Int(a.user))
            }
        }
        var out = JSONBytes()
        out.byte(UInt8(ascii: "["))
        for (n, u) in users.enumerated() {
            if n > 0 { out.byte(UInt8(ascii: ",")) }
            writeUser(u, c.extendedFull, &out)
        }
        out.byte(UInt8(ascii: "]"))
        return Self.ok(out)
    }

    func showRoute(_ r: [String], _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        guard let id = r.first, let s = showIndex(id) else { throw V2Error.notFound("show '\(r.first ?? "")' not found") }
        let ds = dataset
        let full = c.extendedFull
        let rest = Array(r.dropFirst())
        let episodeComments = [Kind(.episode, .shout)!, Kind(.episode, .review)!]
        if rest.isEmpty {
            var out = JSONBytes()
            writeShow(s, full, &out)
            return Self.ok(out)
        }
        switch rest[0] {
        case "comments" where rest.count <= 2:
            let kinds = [Kind(.show, .shout)!, Kind(.show, .review)!]
            return try sortedComments(entityPositions(ds.index.show, key: s, kinds: kinds), rest.count == 2 ? rest[1] : nil, c,
                                      kinds: kinds, match: { Int($0.subject) == s })
        case "watching" where rest.count == 1:
            return watchers(ds.index.show, key: s, kinds: [Kind(.episode, .watching)!], c, match: { Int($0.subject) == s })
        case "seasons":
            break
        default:
            throw V2Error.notFound("unknown method /shows/\(id)/\(rest.joined(separator: "/"))")
        }
        let show = ds.shows[s]
        if rest.count == 1 {
            // All seasons; ?extended=episodes adds their episodes (full: with details).
            let withEpisodes = c.extendedValues.contains("episodes")
            var out = JSONBytes()
            out.byte(UInt8(ascii: "["))
            for (n, g) in show.seasonIndices.enumerated() {
                if n > 0 { out.byte(UInt8(ascii: ",")) }
                let frag = (full ? fragments.seasonFull : fragments.seasonMin) + g
                if withEpisodes {
                    // The fragment without its closing brace, then the episodes.
                    let range = fragments.range(frag)
                    fragments.bytes.withUnsafeBytes { out.write(UnsafeRawBufferPointer(rebasing: $0[range.lowerBound..<(range.upperBound - 1)])) }
                    out.raw(",\"episodes\":[")
                    let season = ds.seasons[g]
                    for e in 0..<season.episodeCount {
                        if e > 0 { out.byte(UInt8(ascii: ",")) }
                        writeEpisode(season.firstEpisode + e, full, &out)
                    }
                    out.raw("]}")
                } else {
                    fragments.write(frag, into: &out)
                }
            }
            out.byte(UInt8(ascii: "]"))
            return Self.ok(out)
        }
        guard let number = Int(rest[1]), let g = show.seasonIndex(number: number) else { throw V2Error.notFound("season '\(rest[1])' not found") }
        let season = ds.seasons[g]
        if rest.count == 2 {
            var out = JSONBytes()
            out.byte(UInt8(ascii: "["))
            for e in 0..<season.episodeCount {
                if e > 0 { out.byte(UInt8(ascii: ",")) }
                writeEpisode(season.firstEpisode + e, full, &out)
            }
            out.byte(UInt8(ascii: "]"))
            return Self.ok(out)
        }
        switch rest[2] {
        case "comments" where rest.count <= 4:
            // Seasons have no comments of their own in the dataset: only written ones.
            return try sortedComments([], rest.count == 4 ? rest[3] : nil, c, on: .season(g))
        case "watching" where rest.count == 3:
            return watchers(ds.index.season, key: g, kinds: [Kind(.episode, .watching)!], c,
                            match: { Int(ds.episodes[Int($0.item)].seasonIndex) == g })
        case "episodes" where rest.count >= 4:
            break
        default:
            throw V2Error.notFound("unknown method /shows/\(id)/\(rest.joined(separator: "/"))")
        }
        guard let en = Int(rest[3]), en >= 1, en <= season.episodeCount else { throw V2Error.notFound("episode '\(rest[3])' not found") }
        let ep = season.firstEpisode + en - 1
        if rest.count == 4 {
            var out = JSONBytes()
            writeEpisode(ep, full, &out)
            return Self.ok(out)
        }
        switch rest[4] {
        case "comments" where rest.count <= 6:
            return try sortedComments(entityPositions(ds.index.episode, key: ep, kinds: episodeComments), rest.count == 6 ? rest[5] : nil, c,
                                      kinds: episodeComments, match: { Int($0.item) == ep })
        case "watching" where rest.count == 5:
            return watchers(ds.index.episode, key: ep, kinds: [Kind(.episode, .watching)!], c, match: { Int($0.item) == ep })
        default:
            throw V2Error.notFound("unknown method /shows/\(id)/\(rest.joined(separator: "/"))")
        }
    }

    func movieRoute(_ r: [String], _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        guard let id = r.first, let m = movieIndex(id) else { throw V2Error.notFound("movie '\(r.first ?? "")' not found") }
        let rest = Array(r.dropFirst())
        if rest.isEmpty {
            var out = JSONBytes()
            writeMovie(m, c.extendedFull, &out)
            return Self.ok(out)
        }
        switch rest[0] {
        case "comments" where rest.count <= 2:
            let kinds = [Kind(.movie, .shout)!, Kind(.movie, .review)!]
            return try sortedComments(entityPositions(dataset.index.movie, key: m, kinds: kinds), rest.count == 2 ? rest[1] : nil, c,
                                      kinds: kinds, match: { Int($0.subject) == m })
        case "watching" where rest.count == 1:
            return watchers(dataset.index.movie, key: m, kinds: [Kind(.movie, .watching)!], c, match: { Int($0.subject) == m })
        default:
            throw V2Error.notFound("unknown method /movies/\(id)/\(rest.joined(separator: "/"))")
        }
    }

    /// `/search/{id_type}/{id}[?type=movie,show,episode]`, or the text search
    /// `/search/{type}?query=` (``textSearch(_:_:)``).
    func search(_ r: [String], _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        if r.count == 1 { return try textSearch(r[0], c) }
        guard r.count == 2 else { throw V2Error.notFound("search needs /search/{type}?query= or /search/{id_type}/{id}") }
        let (idType, id) = (r[0], r[1])
        guard ["trakt", "imdb", "tmdb", "tvdb"].contains(idType) else {
            throw V2Error.badRequest("id_type must be trakt, imdb, tmdb or tvdb")
        }
        let types = Set((c.query["type"] ?? "movie,show,episode").split(separator: ",").map(String.init))
        let ds = dataset
        var hits: [(String, Int)] = []
        let n = Int(id)
        if types.contains("movie") {
            for (i, m) in ds.movies.enumerated() {
                let match: Bool
                switch idType {
                case "trakt": match = n == V2IDs.movie(i)
                case "imdb": match = m.seed.imdb == id
                case "tmdb": match = n == m.seed.tmdb
                default: match = false
                }
                if match { hits.append(("movie", i)) }
            }
        }
        if types.contains("show") {
            for (i, s) in ds.shows.enumerated() {
                let match: Bool
                switch idType {
                case "trakt": match = n == V2IDs.show(i)
                case "imdb": match = s.seed.imdb == id
                case "tmdb": match = n == V2IDs.showTMDB(s.seed.tvdb)
                default: match = n == s.seed.tvdb
                }
                if match { hits.append(("show", i)) }
            }
        }
        if types.contains("episode"), let n {
            switch idType {
            case "trakt":
                let g = n - V2IDs.episode(0)
                if g >= 0 && g < ds.episodes.count { hits.append(("episode", g)) }
            case "tmdb":
                let g = n - V2IDs.episodeTMDB(0)
                if g >= 0 && g < ds.episodes.count { hits.append(("episode", g)) }
            case "tvdb":
                if let g = ds.episodes.firstIndex(where: { Int($0.tvdb) == n }) { hits.append(("episode", g)) }
            default:
                break
            }
        }
        return searchAnswer(hits.map { (type: $0.0, index: $0.1, score: 1000) }, c)
    }

    /// `[{type, score, movie | show | episode (with its show)}]`, one page of `hits` (10 a page
    /// by default), for the id and the text search alike.
    func searchAnswer(_ hits: [(type: String, index: Int, score: Double)], _ c: V2Call) -> EmulatorResponse {
        let paging = Paging(c.query, defaultLimit: 10)
        let full = c.extendedFull
        var out = JSONBytes()
        out.byte(UInt8(ascii: "["))
        for (k, hit) in hits[paging.window(total: hits.count)].enumerated() {
            if k > 0 { out.byte(UInt8(ascii: ",")) }
            out.raw("{\"type\":")
            out.string(hit.type)
            out.raw(",\"score\":")
            out.raw(Array((hit.score.rounded() == hit.score ? String(Int(hit.score)) : String(format: "%.4f", hit.score)).utf8))
            out.raw(",\"")
            out.text(hit.type)
            out.raw("\":")
            switch hit.type {
            case "movie": writeMovie(hit.index, full, &out)
            case "show": writeShow(hit.index, full, &out)
            default:
                writeEpisode(hit.index, full, &out)
                out.raw(",\"show\":")
                writeShow(Int(dataset.episodes[hit.index].show), full, &out)
            }
            out.byte(UInt8(ascii: "}"))
        }
        out.byte(UInt8(ascii: "]"))
        return Self.ok(out, headers: paging.headers(total: hits.count))
    }
}
