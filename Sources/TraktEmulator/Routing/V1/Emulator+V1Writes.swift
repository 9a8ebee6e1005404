import Foundation

/// v1 streams once something was written: the generated matches (the index walk), less what
/// removals hid, merged with the written activities that match the same request.
extension Emulator {
    /// The page's items (newest first, at most `limit`): generated and written activity merged.
    func itemsWithWrites(_ req: ActivityRequest, viewer: Int?, limit: Int = QueryEngine.pageLimit) throws(APIFailure) -> [PageItem] {
        let v = engine.viewer(viewer)
        let filter = V1WriteFilter(req, viewer: v, engine: engine)
        let acts = dataset.activities
        var budget = limit
        while true {
            let positions = try engine.run(req, viewer: v, limit: budget)
            let result: [PageItem]? = v2.overlay.withState { state in
                var base: [PageItem] = []
                base.reserveCapacity(positions.count)
                for p in positions {
                    let a = acts[p]
                    guard state.isTouched(Int(a.user)), let w = state.users[Int(a.user)] else {
                        base.append(PageItem(a: a))
                        continue
                    }
                    let m = w.mask(a, ordinal: 0)
                    if m != 0 && filter.episodesMatch(a, m) { base.append(PageItem(a: a, mask: m)) }
                }
                // The index walk stopped at `budget`: with fewer visible than a page there may
                // be more behind it; ask again for more.
                if positions.count == budget && base.count < limit { return nil }
                var written: [PageItem] = []
                for x in state.timelineNewestFirst(maxTime: filter.maxTime) {
                    let a = x.activity
                    if let min = filter.minTime, a.time < min { break }
                    guard filter.matches(a), let w = state.users[Int(a.user)] else { continue }
                    let m = w.mask(a, ordinal: x.ordinal)
                    guard m != 0, filter.episodesMatch(a, m) else { continue }
                    written.append(PageItem(a: a, mask: m))
                    if written.count >= limit { break }
                }
                // Merge, newest first; at one second written before generated (higher ids).
                var out: [PageItem] = []
                out.reserveCapacity(limit)
                var i = 0
                var j = 0
                while out.count < limit && (i < base.count || j < written.count) {
                    if j < written.count && (i >= base.count || written[j].a.time >= base[i].a.time) {
                        out.append(written[j])
                        j += 1
                    } else {
                        out.append(base[i])
                        i += 1
                    }
                }
                // Lists and comments a write made or changed carry their own text.
                if !state.lists.isEmpty || !state.comments.isEmpty {
                    for i in out.indices { decorate(&out[i], state) }
                }
                return out
            }
            if let result { return result }
            budget *= 4
        }
    }
}

extension Emulator {
    func decorate(_ item: inout PageItem, _ state: OverlayState) {
        let a = item.a
        switch a.kind.action {
        case .created, .itemAdded:
            if state.lists[Int(a.subject)] != nil, let info = v2.listInfo(Int(a.subject), state.lists) {
                item.list = v2.v1ListJSON(info)
            }
        case .shout, .review:
            if let c = state.comments[PageRenderer.commentID(a)] {
                item.comment = c.text
                item.a.extra = c.spoiler ? 1 : 0
            }
        default:
            break
        }
    }
}

/// What a v1 request asks for, as a test on one activity (for written activities, which are
/// not in the dataset's index): the same kinds, window, people, items and visibility rules as
/// ``QueryEngine``.
struct V1WriteFilter {
    let kinds: UInt32
    let users: Set<UInt32>?
    let shows: Set<UInt32>?
    let seasons: Set<Int32>?
    let episodes: Set<Int>?
    let movies: Set<UInt32>?
    /// Anonymous or a viewer: protected users' activity only for themselves and their friends.
    let checkVisibility: Bool
    let viewer: QueryEngine.Viewer?
    let engine: QueryEngine
    /// Inclusive bounds on the activity time (real Unix seconds).
    let minTime: Int64?
    let maxTime: Int64?

    init(_ req: ActivityRequest, viewer: QueryEngine.Viewer?, engine: QueryEngine) {
        let ds = engine.dataset
        var k: UInt32 = 0
        for kind in Kind.kinds(types: req.types.intersection(req.endpoint.impliedTypes), actions: req.actions) { k |= 1 << UInt32(kind.raw) }
        kinds = k
        self.viewer = viewer
        self.engine = engine
        minTime = req.start.map { engine.apiToUnix($0) }
        maxTime = req.end.map { engine.apiToUnix($0) - 1 }
        var users: Set<UInt32>?
        var check = true
        let subject = req.username.flatMap { ds.userByName[$0.lowercased()] }.map(UInt32.init)
        switch req.endpoint {
        case .friends, .friendsme, .following, .followers:
            if let viewer {
                let u = ds.users[viewer.user]
                switch req.endpoint {
                case .friends: users = Set(u.friends)
                case .friendsme: users = Set(u.friends + [UInt32(viewer.user)])
                case .following: users = Set(u.following)
                default: users = Set(u.followers)
                }
            } else {
                users = []
            }
        case .user, .userShows, .userSeasons, .userEpisodes, .userMovies:
            users = subject.map { [$0] } ?? []
            check = false
        default:
            break
        }
        self.users = users
        checkVisibility = check
        var shows: Set<UInt32>?
        var seasons: Set<Int32>?
        var episodes: Set<Int>?
        var movies: Set<UInt32>?
        switch req.endpoint {
        case .shows, .userShows:
            shows = Set(engine.resolveShows(req.titles).map(UInt32.init))
        case .seasons, .userSeasons:
            seasons = Set(engine.resolveSeasons(shows: engine.resolveShows(req.titles), numbers: req.seasons).map(Int32.init))
        case .episodes, .userEpisodes:
            var eps = Set<Int>()
            for si in engine.resolveSeasons(shows: engine.resolveShows(req.titles), numbers: req.seasons) {
                let season = ds.seasons[si]
                for e in req.episodes where e >= 1 && e <= season.episodeCount { eps.insert(season.firstEpisode + e - 1) }
            }
            episodes = eps
        case .movies, .userMovies:
            movies = Set(engine.resolveMovies(req.titles).map(UInt32.init))
        default:
            break
        }
        self.shows = shows
        self.seasons = seasons
        self.episodes = episodes
        self.movies = movies
    }

    /// Whether written activity `a` belongs on the page (before removals).
    func matches(_ a: Activity) -> Bool {
        guard kinds & (1 << UInt32(a.kind.raw)) != 0 else { return false }
        if let users, !users.contains(a.user) { return false }
        if checkVisibility, !engine.canSee(Int(a.user), viewer: viewer) { return false }
        if let shows { return (a.kind.type == .episode || a.kind.type == .show) && shows.contains(a.subject) }
        if let seasons { return a.kind.type == .episode && seasons.contains(engine.dataset.episodes[Int(a.item)].seasonIndex) }
        if let movies { return a.kind.type == .movie && movies.contains(a.subject) }
        if episodes != nil { return a.kind.type == .episode }
        return true
    }

    /// For the episodes streams: whether a still-visible episode of `a` is one asked for.
    func episodesMatch(_ a: Activity, _ mask: UInt64) -> Bool {
        guard let episodes, a.kind.type == .episode else { return true }
        for k in 0..<min(64, ActivityIndex.episodeSpan(a)) where mask & (1 << UInt64(k)) != 0 && episodes.contains(Int(a.item) + k) {
            return true
        }
        return false
    }
}
