/// An inverted index in compressed-sparse-row form: for each (key, kind) a run of activity
/// positions, ascending (activities are stored newest first, so each run is newest first too).
///
/// `offsets[(key * Kind.count + kind)]..<offsets[... + 1]` delimits the run in `items`.
struct Postings: Sendable {
    let keyCount: Int
    let offsets: [Int32]
    let items: [UInt32]

    @inline(__always)
    func range(key: Int, kind: Kind) -> Range<Int> {
        let slot = key * Kind.count + Int(kind.raw)
        return Int(offsets[slot])..<Int(offsets[slot + 1])
    }

    /// Number of entries for `key` over `kinds`.
    func count(key: Int, kinds: [Kind]) -> Int {
        kinds.reduce(0) { $0 + range(key: key, kind: $1).count }
    }
}

/// Two-pass builder: count every (key, kind) first, then place positions in order.
struct PostingsBuilder {
    let keyCount: Int
    private var counts: [Int32]
    private var cursors: [Int32] = []
    private var items: [UInt32] = []

    init(keyCount: Int) {
        self.keyCount = keyCount
        counts = Array(repeating: 0, count: keyCount * Kind.count + 1)
    }

    @inline(__always)
    mutating func count(key: Int, kind: Kind) {
        counts[key * Kind.count + Int(kind.raw) + 1] &+= 1
    }

    /// Call once after all `count` calls and before any `place` call.
    mutating func prepare() {
        for i in 1..<counts.count { counts[i] &+= counts[i - 1] }
        cursors = counts
        items = Array(repeating: 0, count: Int(counts.last!))
    }

    /// Positions must be placed in ascending order.
    @inline(__always)
    mutating func place(key: Int, kind: Kind, position: UInt32) {
        let slot = key * Kind.count + Int(kind.raw)
        items[Int(cursors[slot])] = position
        cursors[slot] &+= 1
    }

    func build() -> Postings {
        Postings(keyCount: keyCount, offsets: counts, items: items)
    }
}

/// Every index the query engine uses, one `Postings` per dimension.
struct ActivityIndex: Sendable {
    /// Key 0 only: every activity by kind (community and similar scans).
    let global: Postings
    let show: Postings
    let season: Postings
    /// An activity covering several episodes (seen/collection) is listed under each.
    let episode: Postings
    let movie: Postings
    let user: Postings

    enum Dimension: UInt8 { case global, show, season, episode, movie, user }

    @inline(__always)
    func postings(_ d: Dimension) -> Postings {
        switch d {
        case .global: global
        case .show: show
        case .season: season
        case .episode: episode
        case .movie: movie
        case .user: user
        }
    }

    static func build(activities: [Activity], shows: Int, seasons: Int, episodes: [EpisodeRecord], movies: Int, users: Int) -> ActivityIndex {
        var g = PostingsBuilder(keyCount: 1)
        var sh = PostingsBuilder(keyCount: max(shows, 1))
        var se = PostingsBuilder(keyCount: max(seasons, 1))
        var ep = PostingsBuilder(keyCount: max(episodes.count, 1))
        var mv = PostingsBuilder(keyCount: max(movies, 1))
        var us = PostingsBuilder(keyCount: max(users, 1))
        for a in activities {
            let k = a.kind
            g.count(key: 0, kind: k)
            us.count(key: Int(a.user), kind: k)
            switch k.type {
            case .episode:
                sh.count(key: Int(a.subject), kind: k)
                se.count(key: Int(episodes[Int(a.item)].seasonIndex), kind: k)
                let n = Self.episodeSpan(a)
                for e in 0..<n { ep.count(key: Int(a.item) + e, kind: k) }
            case .show:
                sh.count(key: Int(a.subject), kind: k)
            case .movie:
                mv.count(key: Int(a.subject), kind: k)
            case .list:
                break
            }
        }
        g.prepare(); sh.prepare(); se.prepare(); ep.prepare(); mv.prepare(); us.prepare()
        for (i, a) in activities.enumerated() {
            let k = a.kind
            let p = UInt32(i)
            g.place(key: 0, kind: k, position: p)
            us.place(key: Int(a.user), kind: k, position: p)
            switch k.type {
            case .episode:
                sh.place(key: Int(a.subject), kind: k, position: p)
                se.place(key: Int(episodes[Int(a.item)].seasonIndex), kind: k, position: p)
                let n = Self.episodeSpan(a)
                for e in 0..<n { ep.place(key: Int(a.item) + e, kind: k, position: p) }
            case .show:
                sh.place(key: Int(a.subject), kind: k, position: p)
            case .movie:
                mv.place(key: Int(a.subject), kind: k, position: p)
            case .list:
                break
            }
        }
        return ActivityIndex(global: g.build(), show: sh.build(), season: se.build(), episode: ep.build(), movie: mv.build(), user: us.build())
    }

    /// How many consecutive episodes an episode activity covers.
    @inline(__always)
    static func episodeSpan(_ a: Activity) -> Int {
        (a.kind.action == .seen || a.kind.action == .collection) ? max(1, Int(a.extra)) : 1
    }
}
