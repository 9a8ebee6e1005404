import Foundation

/// Renders activity pages by splicing pre-rendered fragments; only the per-item scalars
/// (`id`, `timestamp`, `when`, `elapsed`, ratings, shout text) are written per request.
///
/// The hot loop works on unsafe pointers into the dataset's arrays: two server threads
/// retaining and releasing the same shared arrays per item would bounce their reference
/// counts between cores.
struct PageRenderer: Sendable {
    let dataset: Dataset

    /// Pointers into the dataset for one page.
    private struct Context {
        let acts: UnsafeBufferPointer<Activity>
        let arena: UnsafePointer<UInt8>
        let starts: UnsafeBufferPointer<UInt32>
        let flags: UnsafeBufferPointer<UInt8>
        let episodes: UnsafeBufferPointer<EpisodeRecord>
        let f: Fragments
        let clock: APIClock
        let nowUnix: Int64
        let minimal: Bool

        @inline(__always)
        func frag(_ i: Int, _ out: inout RawWriter) {
            let s = Int(starts[i])
            out.write(arena + s, count: Int(starts[i + 1]) - s)
        }
    }

    /// The whole response body for `positions` (newest first), written straight into the
    /// body's array (its size is bounded first, so nothing is copied or grown afterwards).
    func page(positions: [Int], request: ActivityRequest, nowUnix: Int64) -> [UInt8] {
        let acts = dataset.activities
        return page(items: positions.map { PageItem(a: acts[$0]) }, request: request, nowUnix: nowUnix)
    }

    /// The page for `items` (newest first): generated activities or written ones, each with the
    /// episodes still visible after removals.
    func page(items: [PageItem], request: ActivityRequest, nowUnix: Int64) -> [UInt8] {
        let ds = dataset
        let clock = ds.clock
        let current = clock.apiTimestamp(nowUnix)
        let start: Int64 =
            request.start ?? items.last.map { clock.apiTimestamp($0.a.time) } ?? current
        return ds.activities.withUnsafeBufferPointer { acts in
            ds.fragments.bytes.withUnsafeBufferPointer { arena in
                ds.fragments.starts.withUnsafeBufferPointer { starts in
                    ds.userFlags.withUnsafeBufferPointer { flags in
                        ds.episodes.withUnsafeBufferPointer { episodes in
                            let ctx = Context(
                                acts: acts, arena: arena.baseAddress!, starts: starts, flags: flags, episodes: episodes,
                                f: ds.fragments, clock: clock, nowUnix: nowUnix, minimal: request.minimal)
                            var bound = 256
                            for p in items {
                                bound += itemBound(p.a, ctx) + (p.list?.full.count ?? 0) + 12 * (p.comment?.utf8.count ?? 0)
                            }
                            return [UInt8](unsafeUninitializedCapacity: bound) { memory, written in
                                var out = RawWriter(over: UnsafeMutableRawBufferPointer(memory))
                                out.raw("{\"timestamps\":{\"start\":")
                                out.int(start)
                                if let end = request.end {
                                    out.raw(",\"end\":")
                                    out.int(end)
                                }
                                out.raw(",\"current\":")
                                out.int(current)
                                out.raw("},\"activity\":[")
                                for (i, p) in items.enumerated() {
                                    if i > 0 { out.byte(UInt8(ascii: ",")) }
                                    item(p, ctx, into: &out)
                                }
                                out.raw("]}")
                                written = out.count
                            }
                        }
                    }
                }
            }
        }
    }

    /// An upper bound of the bytes ``item(_:_:into:)`` writes for `a`.
    @inline(__always)
    private func itemBound(_ a: Activity, _ c: Context) -> Int {
        @inline(__always) func len(_ i: Int) -> Int { Int(c.starts[i + 1]) - Int(c.starts[i]) }
        let f = c.f
        let m = c.minimal
        var n = 480 + len(f.kindHeader + Int(a.kind.raw)) + len((m ? f.userMin : f.userFull) + Int(a.user))
        let s = Int(a.subject)
        let show = m ? f.showMin : f.showFull
        let episode = m ? f.episodeMin : f.episodeFull
        let movie = m ? f.movieMin : f.movieFull
        switch a.kind.type {
        case .episode:
            n += len(show + s)
            for k in 0..<ActivityIndex.episodeSpan(a) { n += len(episode + Int(a.item) + k) + 1 }
        case .show:
            n += len(show + s)
        case .movie:
            n += len(movie + s)
        case .list:
            n += len((m ? f.listMin : f.listFull) + s)
            if a.kind.action == .itemAdded {
                let (type, index) = ListItemCode.decode(a.item)
                switch type {
                case 0: n += len(movie + index)
                case 1: n += len(show + index)
                default: n += len(show + Int(c.episodes[index].show)) + len(episode + index)
                }
            }
        }
        if !m && (a.kind.action == .shout || a.kind.action == .review) {
            // Text twice (JSON-escaped, then HTML- and JSON-escaped): at most 6 bytes per byte.
            n += 12 * (commentTitle(a).utf8.count + 700)
        }
        return n
    }

    @inline(__always)
    private func item(_ p: PageItem, _ c: Context, into out: inout RawWriter) {
        let a = p.a
        let mask = p.mask
        let f = c.f
        let minimal = c.minimal
        let kind = a.kind
        out.raw("{\"id\":")
        out.int(a.id)
        out.raw(",\"timestamp\":")
        out.int(c.clock.apiTimestamp(a.time))
        if !minimal {
            out.raw(",\"when\":")
            c.clock.writeWhen(a.time, into: &out)
            out.raw(",\"elapsed\":")
            APIClock.writeElapsed(from: a.time, to: c.nowUnix, into: &out)
        }
        c.frag(f.kindHeader + Int(kind.raw), &out)
        let u = Int(a.user)
        c.frag((minimal ? f.userMin : f.userFull) + u, &out)
        let s = Int(a.subject)
        let show = minimal ? f.showMin : f.showFull
        let episode = minimal ? f.episodeMin : f.episodeFull
        let movie = minimal ? f.movieMin : f.movieFull
        switch kind.type {
        case .episode:
            out.raw(",\"show\":")
            c.frag(show + s, &out)
            let e = Int(a.item)
            if kind.action == .seen || kind.action == .collection {
                out.raw(",\"episodes\":[")
                var first = true
                for k in 0..<ActivityIndex.episodeSpan(a) where k >= 64 || mask & (1 << UInt64(k)) != 0 {
                    if !first { out.byte(UInt8(ascii: ",")) }
                    first = false
                    c.frag(episode + e + k, &out)
                }
                out.byte(UInt8(ascii: "]"))
            } else {
                out.raw(",\"episode\":")
                c.frag(episode + e, &out)
            }
            if !minimal { extras(a, p.comment, c, into: &out) }
        case .show:
            out.raw(",\"show\":")
            c.frag(show + s, &out)
            if !minimal { extras(a, p.comment, c, into: &out) }
        case .movie:
            out.raw(",\"movie\":")
            c.frag(movie + s, &out)
            if !minimal { extras(a, p.comment, c, into: &out) }
        case .list:
            out.raw(",\"list\":")
            if let list = p.list {
                (minimal ? list.min : list.full).withUnsafeBytes { out.write($0) }
            } else {
                c.frag((minimal ? f.listMin : f.listFull) + s, &out)
            }
            if kind.action == .itemAdded {
                let (type, index) = ListItemCode.decode(a.item)
                switch type {
                case 0:
                    out.raw(",\"list_item\":{\"type\":\"movie\",\"movie\":")
                    c.frag(movie + index, &out)
                case 1:
                    out.raw(",\"list_item\":{\"type\":\"show\",\"show\":")
                    c.frag(show + index, &out)
                default:
                    out.raw(",\"list_item\":{\"type\":\"episode\",\"show\":")
                    c.frag(show + Int(c.episodes[index].show), &out)
                    out.raw(",\"episode\":")
                    c.frag(episode + index, &out)
                }
                out.byte(UInt8(ascii: "}"))
            }
        }
        out.byte(UInt8(ascii: "}"))
    }

    /// Rating, shout and review fields.
    @inline(__always)
    private func extras(_ a: Activity, _ written: String?, _ c: Context, into out: inout RawWriter) {
        switch a.kind.action {
        case .rating:
            let flags = c.flags[Int(a.user)]
            let r = Int(a.extra)
            out.raw(r >= 6 ? ",\"rating\":\"love\",\"rating_advanced\":" : ",\"rating\":\"hate\",\"rating_advanced\":")
            if flags & Dataset.flagRatingString != 0 {
                out.byte(UInt8(ascii: "\""))
                out.int(r)
                out.byte(UInt8(ascii: "\""))
            } else {
                out.int(r)
            }
            out.raw(flags & Dataset.flagUseAdvanced != 0 ? ",\"use_rating_advanced\":true" : ",\"use_rating_advanced\":false")
        case .shout, .review:
            comment(a, written, into: &out)
        default:
            break
        }
    }

    /// The `shout` / `review` object (rare; built with Strings).
    private func comment(_ a: Activity, _ written: String?, into out: inout RawWriter) {
        var text = written ?? Self.commentText(a, title: commentTitle(a))
        if dataset.hostileText && written == nil { text = HostileText.decorate(text, index: Int(a.id)) }
        out.raw(a.kind.action == .shout ? ",\"shout\":{\"id\":" : ",\"review\":{\"id\":")
        out.int(Self.commentID(a))
        out.raw(",\"text\":")
        out.string(text)
        out.raw(",\"text_html\":")
        out.string("<p>" + Self.htmlEscaped(text) + "</p>")
        out.raw(a.extra & 1 == 1 ? ",\"spoiler\":true}" : ",\"spoiler\":false}")
    }

    private func commentTitle(_ a: Activity) -> String {
        a.kind.type == .movie ? dataset.movies[Int(a.subject)].seed.title : dataset.shows[Int(a.subject)].seed.title
    }

    /// Shout/review ids: unique across types (derived from the activity's type and id).
    static func commentID(_ a: Activity) -> Int64 {
        Int64(a.id) * 4 + Int64(a.kind.type.rawValue) + 5_000_000
    }

    static func commentText(_ a: Activity, title: String) -> String {
        let h = SplitMix64.mix(UInt64(a.id) << 8 | UInt64(a.kind.raw))
        if a.kind.action == .shout {
            let t = PeopleSeeds.shoutTemplates[Int(h % UInt64(PeopleSeeds.shoutTemplates.count))]
            return t.replacingOccurrences(of: "%@", with: title)
        }
        let n = PeopleSeeds.reviewSentences.count
        var parts = ["My thoughts on \(title)."]
        for i in 0..<(3 + Int(h % 3)) {
            parts.append(PeopleSeeds.reviewSentences[Int((h >> (8 * UInt64(i + 1))) % UInt64(n))])
        }
        return parts.joined(separator: " ")
    }

    static func htmlEscaped(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// One activity of a v1 page, with the episodes of a multi-episode `seen`/`collection` still
/// visible (bit k = episode k; removals can hide single ones).
struct PageItem {
    var a: Activity
    var mask: UInt64 = .max
    /// A list a write made or changed: its v1 object (full, minimal), else the fragment.
    var list: (full: [UInt8], min: [UInt8])? = nil
    /// A comment a write made or changed: its text, else the generated one.
    var comment: String? = nil
}
