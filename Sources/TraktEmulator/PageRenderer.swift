import Foundation

/// Renders activity pages by splicing pre-rendered fragments; only the per-item scalars
/// (`id`, `timestamp`, `when`, `elapsed`, ratings, shout text) are written per request.
struct PageRenderer: Sendable {
    let dataset: Dataset

    /// The whole response body for `positions` (newest first).
    func page(positions: [Int], request: ActivityRequest, nowUnix: Int64) -> [UInt8] {
        let ds = dataset
        let clock = ds.clock
        var out = JSONBytes(capacity: request.minimal ? 256 + positions.count * 260 : 256 + positions.count * 2600)
        let current = clock.apiTimestamp(nowUnix)
        let start: Int64 =
            request.start ?? positions.last.map { clock.apiTimestamp(ds.activities[$0].time) } ?? current
        out.raw("{\"timestamps\":{\"start\":")
        out.int(start)
        if let end = request.end {
            out.raw(",\"end\":")
            out.int(end)
        }
        out.raw(",\"current\":")
        out.int(current)
        out.raw("},\"activity\":[")
        for (i, p) in positions.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            item(ds.activities[p], minimal: request.minimal, nowUnix: nowUnix, into: &out)
        }
        out.raw("]}")
        return out.bytes
    }

    @inline(__always)
    func item(_ a: Activity, minimal: Bool, nowUnix: Int64, into out: inout JSONBytes) {
        let ds = dataset
        let f = ds.fragments
        let kind = a.kind
        out.raw("{\"id\":")
        out.int(a.id)
        out.raw(",\"timestamp\":")
        out.int(ds.clock.apiTimestamp(a.time))
        if !minimal {
            out.raw(",\"when\":")
            ds.clock.writeWhen(a.time, into: &out)
            out.raw(",\"elapsed\":")
            APIClock.writeElapsed(from: a.time, to: nowUnix, into: &out)
        }
        out.raw(f.kindHeader[Int(kind.raw)])
        let u = Int(a.user)
        out.raw(minimal ? f.userMin[u] : f.userFull[u])
        let s = Int(a.subject)
        switch kind.type {
        case .episode:
            out.raw(",\"show\":")
            out.raw(minimal ? f.showMin[s] : f.showFull[s])
            let e = Int(a.item)
            if kind.action == .seen || kind.action == .collection {
                out.raw(",\"episodes\":[")
                for k in 0..<ActivityIndex.episodeSpan(a) {
                    if k > 0 { out.byte(UInt8(ascii: ",")) }
                    out.raw(minimal ? f.episodeMin[e + k] : f.episodeFull[e + k])
                }
                out.byte(UInt8(ascii: "]"))
            } else {
                out.raw(",\"episode\":")
                out.raw(minimal ? f.episodeMin[e] : f.episodeFull[e])
            }
            if !minimal { extras(a, title: ds.shows[s].seed.title, into: &out) }
        case .show:
            out.raw(",\"show\":")
            out.raw(minimal ? f.showMin[s] : f.showFull[s])
            if !minimal { extras(a, title: ds.shows[s].seed.title, into: &out) }
        case .movie:
            out.raw(",\"movie\":")
            out.raw(minimal ? f.movieMin[s] : f.movieFull[s])
            if !minimal { extras(a, title: ds.movies[s].seed.title, into: &out) }
        case .list:
            out.raw(",\"list\":")
            out.raw(minimal ? f.listMin[s] : f.listFull[s])
            if kind.action == .itemAdded {
                let (type, index) = ListItemCode.decode(a.item)
                switch type {
                case 0:
                    out.raw(",\"list_item\":{\"type\":\"movie\",\"movie\":")
                    out.raw(minimal ? f.movieMin[index] : f.movieFull[index])
                case 1:
                    out.raw(",\"list_item\":{\"type\":\"show\",\"show\":")
                    out.raw(minimal ? f.showMin[index] : f.showFull[index])
                default:
                    let show = Int(ds.episodes[index].show)
                    out.raw(",\"list_item\":{\"type\":\"episode\",\"show\":")
                    out.raw(minimal ? f.showMin[show] : f.showFull[show])
                    out.raw(",\"episode\":")
                    out.raw(minimal ? f.episodeMin[index] : f.episodeFull[index])
                }
                out.byte(UInt8(ascii: "}"))
            }
        }
        out.byte(UInt8(ascii: "}"))
    }

    /// Rating, shout and review fields.
    private func extras(_ a: Activity, title: String, into out: inout JSONBytes) {
        switch a.kind.action {
        case .rating:
            let user = dataset.users[Int(a.user)]
            let r = Int(a.extra)
            out.raw(r >= 6 ? ",\"rating\":\"love\",\"rating_advanced\":" : ",\"rating\":\"hate\",\"rating_advanced\":")
            if user.ratingAsString {
                out.byte(UInt8(ascii: "\""))
                out.int(r)
                out.byte(UInt8(ascii: "\""))
            } else {
                out.int(r)
            }
            out.raw(",\"use_rating_advanced\":")
            out.bool(user.useRatingAdvanced)
        case .shout, .review:
            let text = Self.commentText(a, title: title)
            out.raw(a.kind.action == .shout ? ",\"shout\":{\"id\":" : ",\"review\":{\"id\":")
            out.int(Self.commentID(a))
            out.raw(",\"text\":")
            out.string(text)
            out.raw(",\"text_html\":")
            out.string("<p>" + Self.htmlEscaped(text) + "</p>")
            out.raw(",\"spoiler\":")
            out.bool(a.extra & 1 == 1)
            out.byte(UInt8(ascii: "}"))
        default:
            break
        }
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
