/// Finds the positions (newest first) of the activities a request returns, walking only the
/// index runs that can match: a k-way merge over (entity, kind) runs, bounded by the time
/// window found by binary search, stopping after `limit` hits.
struct QueryEngine: Sendable {
    let dataset: Dataset
    static let pageLimit = 100

    /// Who is asking: nil for anonymous.
    struct Viewer {
        let user: Int
        let friends: [UInt32]
    }

    private enum Residual {
        case none
        case user(UInt32)
        case shows(Set<UInt32>)
        case seasons(Set<Int32>)
        case episodes(Set<Int>)
        case movies(Set<UInt32>)
    }

    private struct Source {
        let dim: ActivityIndex.Dimension
        let key: Int
    }

    func viewer(_ user: Int?) -> Viewer? {
        user.map { Viewer(user: $0, friends: dataset.users[$0].friends) }
    }

    /// Whether `viewer` may see `user`'s activity (protected users: only themselves and friends).
    func canSee(_ user: Int, viewer: Viewer?) -> Bool {
        guard dataset.userFlags[user] & Dataset.flagProtected != 0 else { return true }
        guard let viewer else { return false }
        return visible(user, to: viewer)
    }

    func run(_ req: ActivityRequest, viewer: Viewer?, limit: Int = pageLimit) throws(APIFailure) -> [Int] {
        let ds = dataset
        let kinds = Kind.kinds(types: req.types.intersection(req.endpoint.impliedTypes), actions: req.actions)

        // The user segment, when there is one.
        var subjectUser: Int?
        if let name = req.username {
            guard let u = ds.userByName[name.lowercased()] else { throw .notFound("user '\(name)' not found") }
            guard canSee(u, viewer: viewer) else {
                throw APIFailure(status: 401, message: "user '\(ds.users[u].username)' is protected; authenticate as this user or a friend")
            }
            subjectUser = u
        }

        // Entity sources (for item-scoped endpoints) and the matching residual filter.
        var entitySources: [Source] = []
        var entityResidual = Residual.none
        switch req.endpoint {
        case .shows, .userShows:
            let s = resolveShows(req.titles)
            entitySources = s.map { Source(dim: .show, key: $0) }
            entityResidual = .shows(Set(s.map(UInt32.init)))
        case .seasons, .userSeasons:
            let s = resolveSeasons(shows: resolveShows(req.titles), numbers: req.seasons)
            entitySources = s.map { Source(dim: .season, key: $0) }
            entityResidual = .seasons(Set(s.map(Int32.init)))
        case .episodes, .userEpisodes:
            let seasons = resolveSeasons(shows: resolveShows(req.titles), numbers: req.seasons)
            var eps: [Int] = []
            for si in seasons {
                let season = ds.seasons[si]
                for e in req.episodes where e >= 1 && e <= season.episodeCount { eps.append(season.firstEpisode + e - 1) }
            }
            eps = Array(Set(eps)).sorted()
            entitySources = eps.map { Source(dim: .episode, key: $0) }
            entityResidual = .episodes(Set(eps))
        case .movies, .userMovies:
            let m = resolveMovies(req.titles)
            entitySources = m.map { Source(dim: .movie, key: $0) }
            entityResidual = .movies(Set(m.map(UInt32.init)))
        default:
            break
        }

        var sources: [Source]
        var residual = Residual.none
        var filterVisibility = true
        switch req.endpoint {
        case .community:
            sources = [Source(dim: .global, key: 0)]
        case .friends, .friendsme, .following, .followers:
            guard let viewer else { throw .failedAuth }
            let u = ds.users[viewer.user]
            var people: [UInt32]
            switch req.endpoint {
            case .friends: people = u.friends
            case .friendsme: people = u.friends + [UInt32(viewer.user)]
            case .following: people = u.following
            default: people = u.followers
            }
            sources = Array(Set(people)).sorted().map { Source(dim: .user, key: Int($0)) }
        case .shows, .seasons, .episodes, .movies:
            sources = entitySources
        case .user:
            sources = [Source(dim: .user, key: subjectUser!)]
            filterVisibility = false
        case .userShows, .userSeasons, .userEpisodes, .userMovies:
            let u = subjectUser!
            filterVisibility = false
            let userCount = ds.index.user.count(key: u, kinds: kinds)
            let entityCount = entitySources.reduce(0) { $0 + ds.index.postings($1.dim).count(key: $1.key, kinds: kinds) }
            if entitySources.isEmpty {
                sources = []
            } else if userCount <= entityCount {
                sources = [Source(dim: .user, key: u)]
                residual = entityResidual
            } else {
                sources = entitySources
                residual = .user(UInt32(u))
            }
        }

        // Time window as positions: [low, high).
        let low = req.end.map { ds.firstPosition(olderThan: apiToUnix($0)) } ?? 0
        let high = req.start.map { ds.firstPosition(olderThan: apiToUnix($0)) } ?? ds.activities.count
        guard low < high, !sources.isEmpty, !kinds.isEmpty else { return [] }

        // Every request reads a single dimension (community: global, friends/user: user, …).
        let dim = sources[0].dim
        precondition(sources.allSatisfy { $0.dim == dim })
        let postings = ds.index.postings(dim)
        return postings.items.withUnsafeBufferPointer { items in
            ds.activities.withUnsafeBufferPointer { acts in
                ds.userFlags.withUnsafeBufferPointer { flags in
                    merge(
                        sources: sources, kinds: kinds, postings: postings, items: items, acts: acts, flags: flags,
                        low: low, high: high, limit: limit, residual: residual,
                        visibility: filterVisibility ? viewer.map { .viewer($0) } ?? .anonymous : .everyone)
                }
            }
        }
    }

    private enum Visibility {
        case everyone
        case anonymous
        case viewer(Viewer)
    }

    /// K-way merge of the runs of `sources` × `kinds` within positions [low, high).
    private func merge(
        sources: [Source], kinds: [Kind], postings: Postings, items: UnsafeBufferPointer<UInt32>,
        acts: UnsafeBufferPointer<Activity>, flags: UnsafeBufferPointer<UInt8>, low: Int, high: Int, limit: Int,
        residual: Residual, visibility: Visibility
    ) -> [Int] {
        var cur: [Int] = []
        var end: [Int] = []
        for s in sources {
            for k in kinds {
                let r = postings.range(key: s.key, kind: k)
                if r.isEmpty { continue }
                let start = lowerBound(items, r, UInt32(low))
                if start < r.upperBound {
                    cur.append(start)
                    end.append(r.upperBound)
                }
            }
        }
        if cur.isEmpty { return [] }

        // Min-heap of (position, cursor).
        var heap: [(pos: UInt32, c: Int)] = (0..<cur.count).map { (items[cur[$0]], $0) }
        func siftDown(_ i0: Int) {
            var i = i0
            let n = heap.count
            while true {
                let l = 2 * i + 1
                if l >= n { return }
                var m = l
                if l + 1 < n && heap[l + 1].pos < heap[l].pos { m = l + 1 }
                if heap[m].pos >= heap[i].pos { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }

        var out: [Int] = []
        out.reserveCapacity(limit)
        var last = -1
        while !heap.isEmpty && out.count < limit {
            let (pos, c) = heap[0]
            let p = Int(pos)
            if p >= high { break }
            cur[c] += 1
            if cur[c] < end[c] {
                heap[0].pos = items[cur[c]]
            } else {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(0) }
            if p == last { continue }
            let a = acts[p]
            switch visibility {
            case .everyone:
                break
            case .anonymous:
                if flags[Int(a.user)] & Dataset.flagProtected != 0 { continue }
            case .viewer(let v):
                if flags[Int(a.user)] & Dataset.flagProtected != 0 && !visible(Int(a.user), to: v) { continue }
            }
            if !passes(residual, a) { continue }
            out.append(p)
            last = p
        }
        return out
    }

    @inline(__always)
    private func visible(_ user: Int, to v: Viewer) -> Bool {
        v.user == user || binarySearch(v.friends, UInt32(user))
    }

    /// API timestamp → real Unix seconds, under the dataset's convention.
    func apiToUnix(_ ts: Int64) -> Int64 {
        Int64(dataset.convention.instant(forAPITimestamp: ts).timeIntervalSince1970.rounded(.down))
    }

    private func passes(_ r: Residual, _ a: Activity) -> Bool {
        switch r {
        case .none: return true
        case .user(let u): return a.user == u
        case .shows(let s): return (a.kind.type == .episode || a.kind.type == .show) && s.contains(a.subject)
        case .seasons(let s):
            return a.kind.type == .episode && s.contains(dataset.episodes[Int(a.item)].seasonIndex)
        case .episodes(let s):
            guard a.kind.type == .episode else { return false }
            let n = ActivityIndex.episodeSpan(a)
            for e in 0..<n where s.contains(Int(a.item) + e) { return true }
            return false
        case .movies(let s): return a.kind.type == .movie && s.contains(a.subject)
        }
    }

    func resolveShows(_ titles: [String]) -> [Int] {
        var out = Set<Int>()
        for t in titles {
            if let i = dataset.showBySlug[t] {
                out.insert(i)
            } else if let n = Int(t), let i = dataset.showByTVDB[n] {
                out.insert(i)
            }
        }
        return out.sorted()
    }

    func resolveMovies(_ titles: [String]) -> [Int] {
        var out = Set<Int>()
        for t in titles {
            if let i = dataset.movieBySlug[t] {
                out.insert(i)
            } else if t.hasPrefix("tt"), let i = dataset.movieByIMDB[t] {
                out.insert(i)
            } else if let n = Int(t), let i = dataset.movieByTMDB[n] {
                out.insert(i)
            }
        }
        return out.sorted()
    }

    func resolveSeasons(shows: [Int], numbers: [Int]) -> [Int] {
        var out = Set<Int>()
        for s in shows {
            for n in numbers {
                if let i = dataset.shows[s].seasonIndex(number: n) { out.insert(i) }
            }
        }
        return out.sorted()
    }

    private func lowerBound(_ items: UnsafeBufferPointer<UInt32>, _ r: Range<Int>, _ value: UInt32) -> Int {
        var lo = r.lowerBound
        var hi = r.upperBound
        while lo < hi {
            let mid = (lo + hi) >> 1
            if items[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private func binarySearch(_ a: [UInt32], _ v: UInt32) -> Bool {
        var lo = 0
        var hi = a.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if a[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        return lo < a.count && a[lo] == v
    }
}
