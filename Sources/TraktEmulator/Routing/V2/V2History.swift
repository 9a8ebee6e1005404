import Foundation

/// `/users/{id}/history[/{type}[/{trakt_id}]]` and `/sync/history[...]`: a user's v1
/// seen/scrobble/checkin activity, one entry per episode (derivation in docs/EMULATOR.md).
extension V2Service {
    static let episodeHistoryKinds: [Kind] = [Kind(.episode, .scrobble)!, Kind(.episode, .checkin)!, Kind(.episode, .seen)!]
    static let movieHistoryKinds: [Kind] = [Kind(.movie, .scrobble)!, Kind(.movie, .checkin)!, Kind(.movie, .seen)!]
    static let historyKinds: [Kind] = episodeHistoryKinds + movieHistoryKinds

    /// v2 action of a v1 history activity.
    @inline(__always)
    static func actionName(_ k: Kind) -> StaticString {
        switch k.action {
        case .scrobble: "\"scrobble\""
        case .checkin: "\"checkin\""
        default: "\"watch\""
        }
    }

    /// Which entries of a history activity a filter keeps.
    struct HistoryFilter {
        var kinds: [Kind] = V2Service.historyKinds
        var show: Int?
        var seasonIndex: Int?
        var episode: Int?
        var movie: Int?
        var isItem: Bool { show != nil || seasonIndex != nil || episode != nil || movie != nil }

        /// Episode offsets `k` of `a` to keep.
        @inline(__always)
        func keeps(_ a: Activity, _ k: Int, _ ds: Dataset) -> Bool {
            if let movie { return Int(a.subject) == movie }
            if let show { return Int(a.subject) == show }
            if let seasonIndex { return Int(ds.episodes[Int(a.item) + k].seasonIndex) == seasonIndex }
            if let episode { return Int(a.item) + k == episode }
            return true
        }
    }

    /// Parses `start_at` / `end_at` into an inclusive range of Unix seconds.
    static func window(_ q: [String: String]) throws(V2Error) -> (start: Int64?, end: Int64?) {
        var start: Int64?
        var end: Int64?
        if let s = q["start_at"], !s.isEmpty {
            guard let t = ISOTime.parse(s) else { throw V2Error.badRequest("invalid start_at '\(s)' (expected ISO 8601, e.g. 2025-05-01T00:00:00.000Z or 2025-05-01)") }
            start = t.seconds + (t.millis > 0 ? 1 : 0)
        }
        if let e = q["end_at"], !e.isEmpty {
            guard let t = ISOTime.parse(e) else { throw V2Error.badRequest("invalid end_at '\(e)' (expected ISO 8601, e.g. 2025-06-01T00:00:00.000Z or 2025-06-01)") }
            end = t.seconds
        }
        return (start, end)
    }

    func historyFilter(_ rest: [String]) throws(V2Error) -> HistoryFilter {
        var f = HistoryFilter()
        guard let type = rest.first else { return f }
        guard rest.count <= 2 else { throw V2Error.notFound("unknown method") }
        let id: Int?
        if rest.count == 2 {
            guard let n = Int(rest[1]) else { throw V2Error.notFound("invalid id '\(rest[1])'") }
            id = n
        } else {
            id = nil
        }
        let ds = dataset
        switch type {
        case "movies":
            f.kinds = Self.movieHistoryKinds
            if let id {
                guard id >= 1, id <= ds.movies.count else { throw V2Error.notFound("movie \(id) not found") }
                f.movie = id - 1
            }
        case "shows", "seasons", "episodes":
            f.kinds = Self.episodeHistoryKinds
            if let id {
                switch type {
                case "shows":
                    guard id >= 1, id <= ds.shows.count else { throw V2Error.notFound("show \(id) not found") }
                    f.show = id - 1
                case "seasons":
                    let g = id - V2IDs.season(0)
                    guard g >= 0, g < ds.seasons.count else { throw V2Error.notFound("season \(id) not found") }
                    f.seasonIndex = g
                default:
                    let g = id - V2IDs.episode(0)
                    guard g >= 0, g < ds.episodes.count else { throw V2Error.notFound("episode \(id) not found") }
                    f.episode = g
                }
            }
        default:
            throw V2Error.notFound("unknown history type '\(type)' (movies, shows, seasons or episodes)")
        }
        return f
    }

    /// The runs (ranges of `index.user.items`) of `u`'s history activity inside the window.
    func historyRuns(_ u: Int, _ f: HistoryFilter, start: Int64?, end: Int64?) -> [Range<Int>] {
        let ds = dataset
        let p = ds.index.user
        let lo = end.map { ds.firstPosition(olderThan: $0 + 1) } ?? 0
        let hi = start.map { ds.firstPosition(olderThan: $0) } ?? ds.activities.count
        return p.items.withUnsafeBufferPointer { items in
            f.kinds.map { k in
                let r = p.range(key: u, kind: k)
                @inline(__always) func lowerBound(_ v: Int) -> Int {
                    var a = r.lowerBound
                    var b = r.upperBound
                    while a < b {
                        let m = (a + b) >> 1
                        if Int(items[m]) < v { a = m + 1 } else { b = m }
                    }
                    return a
                }
                let a = lowerBound(lo)
                return a..<max(a, lowerBound(hi))
            }
        }
    }

    /// Calls `body(position, k)` for each history entry in order (newest first; the episodes of
    /// one multi-episode activity in ascending episode order) until it returns false.
    func walkHistory(_ runs: [Range<Int>], _ f: HistoryFilter, _ body: (Int, Int) -> Bool) {
        let ds = dataset
        var cursors = runs.map(\.lowerBound)
        ds.index.user.items.withUnsafeBufferPointer { items in
            ds.activities.withUnsafeBufferPointer { acts in
                while true {
                    var best = -1
                    var bestPos = Int.max
                    for r in 0..<runs.count where cursors[r] < runs[r].upperBound {
                        let pos = Int(items[cursors[r]])
                        if pos < bestPos {
                            bestPos = pos
                            best = r
                        }
                    }
                    if best < 0 { return }
                    cursors[best] += 1
                    let a = acts[bestPos]
                    let n = a.kind.type == .episode ? ActivityIndex.episodeSpan(a) : 1
                    for k in 0..<n where f.keeps(a, k, ds) {
                        if !body(bestPos, k) { return }
                    }
                }
            }
        }
    }

    func history(_ u: Int, _ rest: [String], _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        let f = try historyFilter(rest)
        let (start, end) = try Self.window(c.query)
        let paging = Paging(c.query, defaultLimit: 100)
        if let w = writes(u) { return writtenHistory(u, f, start: start, end: end, paging, c, w) }
        let runs = historyRuns(u, f, start: start, end: end)
        var total = 0
        if f.isItem {
            walkHistory(runs, f) { _, _ in
                total += 1
                return true
            }
        } else {
            for r in runs { total += Int(spanPrefix[r.upperBound] &- spanPrefix[r.lowerBound]) }
        }
        let window = paging.window(total: total)
        let full = c.extendedFull
        var out = JSONBytes(capacity: 64 + window.count * (full ? 1400 : 380))
        out.byte(UInt8(ascii: "["))
        if !window.isEmpty {
            var i = 0
            let acts = dataset.activities
            fragments.withPointers { frags in
                walkHistory(runs, f) { pos, k in
                    defer { i += 1 }
                    if i < window.lowerBound { return true }
                    if i >= window.upperBound { return false }
                    if i > window.lowerBound { out.byte(UInt8(ascii: ",")) }
                    writeHistoryEntry(acts[pos], k, full, frags, &out)
                    return i + 1 < window.upperBound
                }
            }
        }
        out.byte(UInt8(ascii: "]"))
        return Self.ok(out, headers: paging.headers(total: total))
    }

    /// One history entry, spliced from fragments through raw pointers (the hot path: no
    /// reference counting per item).
    @inline(__always)
    func writeHistoryEntry(_ a: Activity, _ k: Int, _ full: Bool, _ frags: V2Fragments.Pointers, _ out: inout JSONBytes) {
        let f = frags
        out.raw("{\"id\":")
        out.int(V2IDs.history(a, k))
        out.raw(",\"watched_at\":")
        ISOTime.write(a.time, into: &out)
        out.raw(",\"action\":")
        out.raw(Self.actionName(a.kind))
        if a.kind.type == .movie {
            out.raw(",\"type\":\"movie\",\"movie\":")
            frags.write((full ? f.movieFull : f.movieMin) + Int(a.subject), &out)
        } else {
            out.raw(",\"type\":\"episode\",\"episode\":")
            frags.write((full ? f.episodeFull : f.episodeMin) + Int(a.item) + k, &out)
            out.raw(",\"show\":")
            frags.write((full ? f.showFull : f.showMin) + Int(a.subject), &out)
        }
        out.byte(UInt8(ascii: "}"))
    }

    /// History of a user with writes: the merged entries (``entries(user:kinds:writes:)``),
    /// flattened per visible episode. Slower than the index walk, and only for users who wrote.
    func writtenHistory(_ u: Int, _ f: HistoryFilter, start: Int64?, end: Int64?, _ paging: Paging, _ c: V2Call,
                        _ w: UserWrites) -> EmulatorResponse {
        let ds = dataset
        var flat: [(a: Activity, k: Int)] = []
        if start == nil && end == nil && !f.isItem && f.kinds == Self.historyKinds {
            // The whole history, as the writer's sync reads it page after page: kept per
            // history version, so each page costs its own length, not the history's.
            flat = historyMemo.value(for: u, version: w.historyVersion) {
                var all: [(a: Activity, k: Int)] = []
                for e in entries(user: u, kinds: f.kinds, writes: w) {
                    for k in 0..<e.span where e.shows(k) { all.append((e.a, k)) }
                }
                return all
            }
        } else {
            for e in entries(user: u, kinds: f.kinds, writes: w) {
                if let start, e.a.time < start { continue }
                if let end, e.a.time > end { continue }
                for k in 0..<e.span where e.shows(k) && f.keeps(e.a, k, ds) { flat.append((e.a, k)) }
            }
        }
        let window = paging.window(total: flat.count)
        let full = c.extendedFull
        var out = JSONBytes(capacity: 64 + window.count * (full ? 1400 : 380))
        out.byte(UInt8(ascii: "["))
        fragments.withPointers { frags in
            for (n, x) in flat[window].enumerated() {
                if n > 0 { out.byte(UInt8(ascii: ",")) }
                writeHistoryEntry(x.a, x.k, full, frags, &out)
            }
        }
        out.byte(UInt8(ascii: "]"))
        return Self.ok(out, headers: paging.headers(total: flat.count))
    }
}
