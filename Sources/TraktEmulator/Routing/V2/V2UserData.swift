import Foundation

/// Ratings, watchlist, collection, watched, comments, lists, network, stats, watching and
/// last activities: views of a user's v1 activity (rules in docs/EMULATOR.md).
extension V2Service {
    /// `movies|shows|seasons|episodes|all` → v1 types (seasons: none in the dataset).
    static func types(_ segment: String?) -> Set<ActivityType>? {
        switch segment ?? "all" {
        case "all": [.movie, .show, .episode]
        case "movies": [.movie]
        case "shows": [.show]
        case "episodes": [.episode]
        case "seasons": []
        default: nil
        }
    }

    /// Identity of an activity's item: (type, movie/show index or episode index).
    @inline(__always)
    static func itemKey(_ a: Activity) -> Int {
        switch a.kind.type {
        case .episode: Int(a.item) << 2
        case .show: Int(a.subject) << 2 | 1
        case .movie: Int(a.subject) << 2 | 2
        case .list: Int(a.subject) << 2 | 3
        }
    }

    // MARK: ratings

    func ratings(_ u: Int, _ rest: [String], _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        guard rest.count <= 2, let types = Self.types(rest.first) else { throw V2Error.notFound("unknown ratings type") }
        var wanted = Set(1...10)
        if rest.count == 2 {
            let values = rest[1].split(separator: ",").compactMap { Int($0) }.filter { (1...10).contains($0) }
            guard !values.isEmpty else { throw V2Error.badRequest("invalid rating filter '\(rest[1])' (1–10, comma-separated)") }
            wanted = Set(values)
        }
        let kinds = [Kind(.episode, .rating)!, Kind(.show, .rating)!, Kind(.movie, .rating)!].filter { types.contains($0.type) }
        let w = writes(u)
        var keep = latestPerItem(u, kinds: kinds, w).filter { wanted.contains(Int($0.a.extra)) }.map { Rated.activity($0.a) }
        if let w, rest.first == nil || rest.first == "all" || rest.first == "seasons" {
            keep += w.seasonRatings.filter { wanted.contains($0.value.rating) }.map { Rated.season($0.key, $0.value) }
            keep.sort { $0.order > $1.order }
        }
        let paging = Paging(c.query, defaultLimit: 10, optional: true)
        let full = c.extendedFull
        var out = JSONBytes()
        out.byte(UInt8(ascii: "["))
        for (n, r) in keep[paging.window(total: keep.count)].enumerated() {
            if n > 0 { out.byte(UInt8(ascii: ",")) }
            switch r {
            case .activity(let a):
                out.raw("{\"rated_at\":")
                ISOTime.write(a.time, into: &out)
                out.raw(",\"rating\":")
                out.int(a.extra)
                out.byte(UInt8(ascii: ","))
                writeItem(a, episode: Int(a.item), full, &out)
            case .season(let g, let mark):
                out.raw("{\"rated_at\":")
                ISOTime.write(mark.at, into: &out)
                out.raw(",\"rating\":")
                out.int(mark.rating)
                out.byte(UInt8(ascii: ","))
                writeSeasonItem(g, full, &out)
            }
            out.byte(UInt8(ascii: "}"))
        }
        out.byte(UInt8(ascii: "]"))
        return Self.ok(out, headers: paging.headers(total: keep.count))
    }

    // MARK: watchlist

    struct WatchlistEntry: Sendable {
        let a: Activity
        var rank: Int
        /// A season on the watchlist (v2 only; `a` then stands for its show, listed at the mark's time).
        var season: Int? = nil
        var ordinal: UInt32 = 0
    }

    /// The user's watchlist: the latest listing of each item, unless the user watched it
    /// afterwards (an episode watch removes that episode and its show), ranked by listing time.
    /// (A user with writes has it kept per version of their writes.)
    func watchlistEntries(_ u: Int, _ w: UserWrites? = nil) -> [WatchlistEntry] {
        if let w { return writerWatchlists.value(for: u, version: w.version) { computeWatchlistEntries(u, w) } }
        return watchlists.value(for: u) { computeWatchlistEntries(u, nil) }
    }

    /// The latest visible play per item (see ``WatchIndex``), from the whole history.
    func watchIndex(_ u: Int, _ w: UserWrites?) -> WatchIndex {
        var index = WatchIndex()
        for e in entries(user: u, kinds: Self.historyKinds, writes: w) { index.record(e.a, mask: e.mask) }
        return index
    }

    static let watchlistKinds = [Kind(.episode, .watchlist)!, Kind(.show, .watchlist)!, Kind(.movie, .watchlist)!]

    func computeWatchlistEntries(_ u: Int, _ w: UserWrites?) -> [WatchlistEntry] {
        let watches = w?.watchIndex ?? watchIndex(u, w)
        let lastMovieWatch = watches.movie
        let lastShowWatch = watches.show
        let lastEpisodeWatch = watches.episode
        var seen = Set<Int>()
        var entries: [WatchlistEntry] = []
        for e in self.entries(user: u, kinds: Self.watchlistKinds, writes: w) {
            let a = e.a
            guard seen.insert(Self.itemKey(a)).inserted else { continue }
            let watched: Int64?
            switch a.kind.type {
            case .movie: watched = lastMovieWatch[Int(a.subject)]
            case .show: watched = lastShowWatch[Int(a.subject)]
            default: watched = lastEpisodeWatch[Int(a.item)]
            }
            if let w = watched, w >= a.time { continue }
            entries.append(WatchlistEntry(a: a, rank: 0, ordinal: e.ordinal))
        }
        if let w, !w.seasonWatchlist.isEmpty {
            for (g, mark) in w.seasonWatchlist {
                let show = dataset.seasons[g].show
                let stand = Activity(time: mark.at, id: WriteOverlay.writtenIDBase &+ mark.ordinal, user: UInt32(u), subject: UInt32(show),
                                     item: 0, extra: 0, kind: Kind(.show, .watchlist)!)
                entries.append(WatchlistEntry(a: stand, rank: 0, season: g, ordinal: mark.ordinal))
            }
            entries.sort { ($0.a.time, $0.ordinal) > ($1.a.time, $1.ordinal) }
        }
        // Rank 1 = listed first.
        for i in entries.indices { entries[i].rank = entries.count - i }
        return entries
    }

    static let sortBy = "X-Sort-By"
    static let sortHow = "X-Sort-How"
    static let appliedSortBy = "X-Applied-Sort-By"
    static let appliedSortHow = "X-Applied-Sort-How"

    func watchlist(_ u: Int, _ rest: [String], _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        guard rest.count <= 3, rest.count != 2, let types = Self.types(rest.first) else { throw V2Error.notFound("unknown watchlist route") }
        var sortBy = rest.count == 3 ? rest[1] : "rank"
        let sortHow = rest.count == 3 ? rest[2] : "asc"
        guard sortHow == "asc" || sortHow == "desc" else { throw V2Error.badRequest("sort_how must be asc or desc") }
        let seasons = rest.first == nil || rest.first == "all" || rest.first == "seasons"
        var entries = watchlistEntries(u, writes(u)).filter { $0.season == nil ? types.contains($0.a.kind.type) : seasons }
        let ds = dataset
        func title(_ e: WatchlistEntry) -> String {
            e.a.kind.type == .movie ? ds.movies[Int(e.a.subject)].seed.title : ds.shows[Int(e.a.subject)].seed.title
        }
        func released(_ e: WatchlistEntry) -> Int64 {
            switch e.a.kind.type {
            case .movie: ds.movies[Int(e.a.subject)].released
            case .show: ds.shows[Int(e.a.subject)].premiere
            default: ds.episodes[Int(e.a.item)].firstAired
            }
        }
        func runtime(_ e: WatchlistEntry) -> Int {
            e.a.kind.type == .movie ? ds.movies[Int(e.a.subject)].seed.runtime : ds.shows[Int(e.a.subject)].seed.runtime
        }
        switch sortBy {
        case "added": entries.sort { $0.a.time != $1.a.time ? $0.a.time < $1.a.time : $0.rank < $1.rank }
        case "title": entries.sort { (title($0), $0.rank) < (title($1), $1.rank) }
        case "released": entries.sort { (released($0), $0.rank) < (released($1), $1.rank) }
        case "runtime": entries.sort { (runtime($0), $0.rank) < (runtime($1), $1.rank) }
        default:
            sortBy = "rank"
            entries.sort { $0.rank < $1.rank }
        }
        if sortHow == "desc" { entries.reverse() }
        let paging = Paging(c.query, defaultLimit: 100)
        let full = c.extendedFull
        var out = JSONBytes()
        out.byte(UInt8(ascii: "["))
        for (n, e) in entries[paging.window(total: entries.count)].enumerated() {
            if n > 0 { out.byte(UInt8(ascii: ",")) }
            let id = V2IDs.entry(e.a)
            out.raw("{\"rank\":")
            out.int(e.rank)
            out.raw(",\"id\":")
            out.int(id)
            out.raw(",\"listed_at\":")
            ISOTime.write(e.a.time, into: &out)
            out.raw(id % 5 == 0 ? ",\"notes\":\"Recommended by a friend.\"," : ",\"notes\":null,")
            if let g = e.season {
                writeSeasonItem(g, full, &out)
            } else {
                writeItem(e.a, episode: Int(e.a.item), full, &out)
            }
            out.byte(UInt8(ascii: "}"))
        }
        out.byte(UInt8(ascii: "]"))
        var headers = paging.headers(total: entries.count)
        headers[Self.sortBy] = "rank"
        headers[Self.sortHow] = "asc"
        headers[Self.appliedSortBy] = sortBy
        headers[Self.appliedSortHow] = sortHow
        return Self.ok(out, headers: headers)
    }

    // MARK: collection and watched

    /// Per show: season number → episode number → (count, latest time), from entries of `kinds`.
    private func perEpisode(_ u: Int, kinds: [Kind]) -> [Int: [Int: [Int: (n: Int, last: Int64)]]] {
        var out: [Int: [Int: [Int: (n: Int, last: Int64)]]] = [:]
        for entry in entries(user: u, kinds: kinds, writes: writes(u)) {
            let a = entry.a
            for k in 0..<entry.span where entry.shows(k) {
                let e = dataset.episodes[Int(a.item) + k]
                let old = out[Int(a.subject), default: [:]][Int(e.season), default: [:]][Int(e.number)]
                out[Int(a.subject), default: [:]][Int(e.season), default: [:]][Int(e.number)] = ((old?.n ?? 0) + 1, max(old?.last ?? .min, a.time))
            }
        }
        return out
    }

    private func perMovie(_ u: Int, kinds: [Kind]) -> [(movie: Int, n: Int, last: Int64)] {
        var m: [Int: (n: Int, last: Int64)] = [:]
        for e in entries(user: u, kinds: kinds, writes: writes(u)) {
            let a = e.a
            let old = m[Int(a.subject)]
            m[Int(a.subject)] = ((old?.n ?? 0) + 1, max(old?.last ?? .min, a.time))
        }
        return m.map { (movie: $0.key, n: $0.value.n, last: $0.value.last) }.sorted { ($0.last, -$0.movie) > ($1.last, -$1.movie) }
    }

    func collection(_ u: Int, _ rest: [String], _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        guard rest.count == 1, rest[0] == "movies" || rest[0] == "shows" else { throw V2Error.notFound("collection type must be movies or shows") }
        return showsOrMovies(u, rest[0] == "movies", collection: true, c)
    }

    func watched(_ u: Int, _ rest: [String], _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        guard rest.count == 1, rest[0] == "movies" || rest[0] == "shows" else { throw V2Error.notFound("watched type must be movies or shows") }
        return showsOrMovies(u, rest[0] == "movies", collection: false, c)
    }

    private func showsOrMovies(_ u: Int, _ movies: Bool, collection: Bool, _ c: V2Call) -> EmulatorResponse {
        let full = c.extendedFull
        let paging = Paging(c.query, defaultLimit: 10, optional: true)
        var out = JSONBytes()
        out.byte(UInt8(ascii: "["))
        var total = 0
        if movies {
            let kinds = collection ? [Kind(.movie, .collection)!] : Self.movieHistoryKinds
            let rows = perMovie(u, kinds: kinds)
            total = rows.count
            for (n, r) in rows[paging.window(total: rows.count)].enumerated() {
                if n > 0 { out.byte(UInt8(ascii: ",")) }
                if collection {
                    out.raw("{\"collected_at\":")
                    ISOTime.write(r.last, into: &out)
                    out.raw(",\"updated_at\":")
                    ISOTime.write(r.last, into: &out)
                } else {
                    out.raw("{\"plays\":")
                    out.int(r.n)
                    out.raw(",\"last_watched_at\":")
                    ISOTime.write(r.last, into: &out)
                    out.raw(",\"last_updated_at\":")
                    ISOTime.write(r.last, into: &out)
                }
                out.raw(",\"movie\":")
                writeMovie(r.movie, full, &out)
                out.byte(UInt8(ascii: "}"))
            }
        } else {
            let kinds = collection ? [Kind(.episode, .collection)!] : Self.episodeHistoryKinds
            let tree = perEpisode(u, kinds: kinds)
            let rows = tree.map { entry -> (Int, Int, Int64) in
                let (show, seasons) = (entry.key, entry.value)
                var n = 0
                var last = Int64.min
                for (_, eps) in seasons {
                    for (_, v) in eps {
                        n += v.n
                        last = max(last, v.last)
                    }
                }
                return (show, n, last)
            }.sorted { ($0.2, -$0.0) > ($1.2, -$1.0) }
            total = rows.count
            let noSeasons = c.extendedValues.contains("noseasons")
            for (n, r) in rows[paging.window(total: rows.count)].enumerated() {
                if n > 0 { out.byte(UInt8(ascii: ",")) }
                if collection {
                    out.raw("{\"last_collected_at\":")
                    ISOTime.write(r.2, into: &out)
                    out.raw(",\"last_updated_at\":")
                    ISOTime.write(r.2, into: &out)
                } else {
                    out.raw("{\"plays\":")
                    out.int(r.1)
                    out.raw(",\"last_watched_at\":")
                    ISOTime.write(r.2, into: &out)
                    out.raw(",\"last_updated_at\":")
                    ISOTime.write(r.2, into: &out)
                    out.raw(",\"reset_at\":null")
                }
                out.raw(",\"show\":")
                writeShow(r.0, full, &out)
                if !noSeasons {
                    out.raw(",\"seasons\":[")
                    for (i, season) in tree[r.0]!.keys.sorted().enumerated() {
                        if i > 0 { out.byte(UInt8(ascii: ",")) }
                        out.raw("{\"number\":")
                        out.int(season)
                        out.raw(",\"episodes\":[")
                        let eps = tree[r.0]![season]!
                        for (j, e) in eps.keys.sorted().enumerated() {
                            if j > 0 { out.byte(UInt8(ascii: ",")) }
                            out.raw("{\"number\":")
                            out.int(e)
                            if collection {
                                out.raw(",\"collected_at\":")
                                ISOTime.write(eps[e]!.last, into: &out)
                                out.raw(",\"metadata\":{}")
                            } else {
                                out.raw(",\"plays\":")
                                out.int(eps[e]!.n)
                                out.raw(",\"last_watched_at\":")
                                ISOTime.write(eps[e]!.last, into: &out)
                            }
                            out.byte(UInt8(ascii: "}"))
                        }
                        out.raw("]}")
                    }
                    out.byte(UInt8(ascii: "]"))
                }
                out.byte(UInt8(ascii: "}"))
            }
        }
        out.byte(UInt8(ascii: "]"))
        return Self.ok(out, headers: paging.headers(total: total))
    }

    // MARK: comments

    /// `{type, comment{…}, show|episode+show|movie}` or, `bare`, only the comment object.
    func writeComment(_ a: Activity, bare: Bool, _ full: Bool, _ out: inout JSONBytes, written: WrittenComment? = nil) {
        let ds = dataset
        let title = a.kind.type == .movie ? ds.movies[Int(a.subject)].seed.title : ds.shows[Int(a.subject)].seed.title
        var text = written?.text ?? PageRenderer.commentText(a, title: title)
        if ds.hostileText && written == nil { text = HostileText.decorate(text, index: Int(a.id)) }
        let spoiler = written.map(\.spoiler) ?? (a.extra & 1 == 1)
        if !bare {
            out.raw("{\"type\":")
            out.string(a.kind.type.name)
            out.raw(",\"comment\":")
        }
        writeCommentObject(id: PageRenderer.commentID(a), created: a.time, updated: written?.updated ?? a.time, text: text, spoiler: spoiler,
                           review: a.kind.action == .review, user: Int(a.user), &out)
        if !bare {
            out.byte(UInt8(ascii: ","))
            // `"type":…` again would duplicate the key: write only the objects.
            switch a.kind.type {
            case .episode:
                out.raw("\"episode\":")
                writeEpisode(Int(a.item), full, &out)
                out.raw(",\"show\":")
                writeShow(Int(a.subject), full, &out)
            case .show:
                out.raw("\"show\":")
                writeShow(Int(a.subject), full, &out)
            default:
                out.raw("\"movie\":")
                writeMovie(Int(a.subject), full, &out)
            }
            out.byte(UInt8(ascii: "}"))
        }
    }

    /// The comment object itself (`{id, parent_id, created_at, …, user}`).
    func writeCommentObject(id: Int64, created: Int64, updated: Int64, text: String, spoiler: Bool, review: Bool, user: Int,
                            _ out: inout JSONBytes) {
        out.raw("{\"id\":")
        out.int(id)
        out.raw(",\"parent_id\":0,\"created_at\":")
        ISOTime.write(created, into: &out)
        out.raw(",\"updated_at\":")
        ISOTime.write(updated, into: &out)
        out.raw(",\"comment\":")
        out.string(text)
        out.raw(spoiler ? ",\"spoiler\":true" : ",\"spoiler\":false")
        out.raw(review ? ",\"review\":true" : ",\"review\":false")
        out.raw(",\"replies\":0,\"likes\":0,\"user_rating\":null,\"user_stats\":{\"rating\":null,\"play_count\":0,\"completed_count\":0},\"user\":")
        writeUser(user, false, &out)
        out.byte(UInt8(ascii: "}"))
    }

    static let commentKinds: [Kind] = [
        Kind(.episode, .shout)!, Kind(.episode, .review)!, Kind(.show, .shout)!, Kind(.show, .review)!,
        Kind(.movie, .shout)!, Kind(.movie, .review)!,
    ]

    func userComments(_ u: Int, _ rest: [String], _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        guard rest.count <= 2 else { throw V2Error.notFound("unknown comments route") }
        let commentType = rest.first ?? "all"
        guard ["all", "reviews", "shouts"].contains(commentType) else { throw V2Error.notFound("comment_type must be all, reviews or shouts") }
        let typeSegment = rest.count == 2 ? rest[1] : "all"
        var types: Set<ActivityType>
        if typeSegment == "lists" {
            types = []
        } else {
            guard let t = Self.types(typeSegment) else { throw V2Error.notFound("unknown comment media type '\(typeSegment)'") }
            types = t
        }
        let kinds = Self.commentKinds.filter {
            types.contains($0.type) && (commentType == "all" || (commentType == "reviews") == ($0.action == .review))
        }
        let all = entries(user: u, kinds: kinds, writes: writes(u)).map(\.a)
        // Comments on seasons and lists (v2 only), merged in by time.
        let attached = overlay.withState { state in
            state.attachedComments.values.filter { x in
                x.user == u && (commentType == "all" || (commentType == "reviews") == x.isReview)
                    && (typeSegment == "all" || typeSegment == (x.target.isSeason ? "seasons" : "lists"))
            }.sorted { ($0.created, $0.ordinal) > ($1.created, $1.ordinal) }
        }
        return commentPage(Self.mergedNewestFirst(all.map(CommentRow.activity), attached.map(CommentRow.attached), time: \.time), bare: false, c)
    }

    func commentPage(_ all: [CommentRow], bare: Bool, _ c: V2Call) -> EmulatorResponse {
        let paging = Paging(c.query, defaultLimit: 10)
        let full = c.extendedFull
        var out = JSONBytes()
        overlay.withState { state in
            out.byte(UInt8(ascii: "["))
            for (n, row) in all[paging.window(total: all.count)].enumerated() {
                if n > 0 { out.byte(UInt8(ascii: ",")) }
                switch row {
                case .activity(let a): writeComment(a, bare: bare, full, &out, written: state.comments[PageRenderer.commentID(a)])
                case .attached(let x): writeAttachedComment(x, bare: bare, full, state, &out)
                }
            }
            out.byte(UInt8(ascii: "]"))
        }
        return Self.ok(out, headers: paging.headers(total: all.count))
    }

    // MARK: network

    /// When `a` started following `b` (or became friends): derived, after both joined.
    func followedAt(_ a: Int, _ b: Int) -> Int64 {
        let lo = max(dataset.users[a].joined, dataset.users[b].joined)
        let span = max(1, dataset.nowUnix - lo)
        let (x, y) = (min(a, b), max(a, b))
        return lo + Int64(SplitMix64.mix(UInt64(x) << 32 | UInt64(y)) % UInt64(span))
    }

    func network(_ u: Int, _ which: String, _ c: V2Call) -> EmulatorResponse {
        let rec = dataset.users[u]
        let others: [UInt32] = which == "followers" ? rec.followers : which == "following" ? rec.following : rec.friends
        let rows = others.map { other -> (Int, Int64) in
            let o = Int(other)
            return (o, which == "followers" ? followedAt(o, u) : followedAt(u, o))
        }.sorted { ($0.1, $0.0) > ($1.1, $1.0) }
        let full = c.extendedFull
        var out = JSONBytes()
        out.byte(UInt8(ascii: "["))
        for (n, r) in rows.enumerated() {
            if n > 0 { out.byte(UInt8(ascii: ",")) }
            out.raw(which == "friends" ? "{\"friends_at\":" : "{\"followed_at\":")
            ISOTime.write(r.1, into: &out)
            out.raw(",\"user\":")
            writeUser(r.0, full, &out)
            out.byte(UInt8(ascii: "}"))
        }
        out.byte(UInt8(ascii: "]"))
        return Self.ok(out)
    }

    // MARK: stats

    func stats(_ u: Int, _ c: V2Call) -> EmulatorResponse {
        let ds = dataset
        let p = ds.index.user
        func count(_ t: ActivityType, _ a: ActivityAction) -> Int { p.range(key: u, kind: Kind(t, a)!).count }
        var moviePlays = 0
        var movieMinutes = 0
        var moviesWatched = Set<Int>()
        var episodePlays = 0
        var episodeMinutes = 0
        var episodesWatched = Set<Int>()
        var showsWatched = Set<Int>()
        let w = writes(u)
        for e in entries(user: u, kinds: Self.historyKinds, writes: w) {
            let a = e.a
            if a.kind.type == .movie {
                moviePlays += 1
                movieMinutes += ds.movies[Int(a.subject)].seed.runtime
                moviesWatched.insert(Int(a.subject))
            } else {
                let n = e.mask.nonzeroBitCount
                episodePlays += n
                episodeMinutes += n * ds.shows[Int(a.subject)].seed.runtime
                for k in 0..<e.span where e.shows(k) { episodesWatched.insert(Int(a.item) + k) }
                showsWatched.insert(Int(a.subject))
            }
        }
        var collectedEpisodes = Set<Int>()
        var collectedShows = Set<Int>()
        for e in entries(user: u, kinds: [Kind(.episode, .collection)!], writes: w) {
            collectedShows.insert(Int(e.a.subject))
            for k in 0..<e.span where e.shows(k) { collectedEpisodes.insert(Int(e.a.item) + k) }
        }
        let collectedMovies = Set(entries(user: u, kinds: [Kind(.movie, .collection)!], writes: w).map { Int($0.a.subject) })
        // Ratings: the latest rating per item (as /ratings serves them).
        var distribution = [Int](repeating: 0, count: 11)
        var rated = 0
        var ratingsByType: [ActivityType: Int] = [:]
        for e in latestPerItem(u, kinds: [Kind(.episode, .rating)!, Kind(.show, .rating)!, Kind(.movie, .rating)!], w) {
            rated += 1
            distribution[Int(e.a.extra)] += 1
            ratingsByType[e.a.kind.type, default: 0] += 1
        }
        var seasonRatings = 0
        for mark in w?.seasonRatings.values ?? [:].values {
            rated += 1
            seasonRatings += 1
            distribution[mark.rating] += 1
        }
        func comments(_ t: ActivityType) -> Int {
            guard w != nil else { return count(t, .shout) + count(t, .review) }
            return entries(user: u, kinds: [Kind(t, .shout)!, Kind(t, .review)!], writes: w).count
        }
        let rec = ds.users[u]
        var out = JSONBytes()
        out.text("{\"movies\":{\"plays\":\(moviePlays),\"watched\":\(moviesWatched.count),\"minutes\":\(movieMinutes),\"collected\":\(collectedMovies.count),\"ratings\":\(ratingsByType[.movie] ?? 0),\"comments\":\(comments(.movie))}")
        out.text(",\"shows\":{\"watched\":\(showsWatched.count),\"collected\":\(collectedShows.count),\"ratings\":\(ratingsByType[.show] ?? 0),\"comments\":\(comments(.show))}")
        let seasonComments = overlay.withState { $0.attachedComments.values.filter { $0.user == u && $0.target.isSeason }.count }
        out.text(",\"seasons\":{\"ratings\":\(seasonRatings),\"comments\":\(seasonComments)}")
        out.text(",\"episodes\":{\"plays\":\(episodePlays),\"watched\":\(episodesWatched.count),\"minutes\":\(episodeMinutes),\"collected\":\(collectedEpisodes.count),\"ratings\":\(ratingsByType[.episode] ?? 0),\"comments\":\(comments(.episode))}")
        out.text(",\"network\":{\"friends\":\(rec.friends.count),\"followers\":\(rec.followers.count),\"following\":\(rec.following.count)}")
        out.text(",\"ratings\":{\"total\":\(rated),\"distribution\":{")
        out.text((1...10).map { "\"\($0)\":\(distribution[$0])" }.joined(separator: ","))
        out.raw("}}}")
        return Self.ok(out)
    }

    // MARK: watching

    /// Runtime in seconds of an activity's item.
    func runtimeSeconds(_ a: Activity) -> Int64 {
        Int64(a.kind.type == .movie ? dataset.movies[Int(a.subject)].seed.runtime : dataset.shows[Int(a.subject)].seed.runtime) * 60
    }

    static let watchingKinds: [Kind] = [Kind(.episode, .watching)!, Kind(.movie, .watching)!]

    /// The user's current `watching` activity: the latest one still within its runtime at `now`.
    func currentlyWatching(_ u: Int, now: Int64, _ w: UserWrites?) -> Activity? {
        if let w {
            guard let a = entries(user: u, kinds: Self.watchingKinds, writes: w).first(where: { $0.a.time <= now })?.a else { return nil }
            return a.time + runtimeSeconds(a) > now ? a : nil
        }
        guard let p = positions(user: u, kinds: Self.watchingKinds).first(where: { dataset.activities[$0].time <= now }) else { return nil }
        let a = dataset.activities[p]
        return a.time + runtimeSeconds(a) > now ? a : nil
    }

    func watching(_ u: Int, _ c: V2Call) -> EmulatorResponse {
        guard let a = currentlyWatching(u, now: c.nowUnix, writes(u)) else {
            return EmulatorResponse(status: 204)
        }
        var out = JSONBytes()
        out.raw("{\"expires_at\":")
        ISOTime.write(a.time + runtimeSeconds(a), into: &out)
        out.raw(",\"started_at\":")
        ISOTime.write(a.time, into: &out)
        out.raw(",\"action\":\"scrobble\",")
        writeItem(a, episode: Int(a.item), c.extendedFull, &out)
        out.byte(UInt8(ascii: "}"))
        return Self.ok(out)
    }

    // MARK: favorites (recommendations)

    /// The user's favourites: items they rated 10 (latest rating per item), newest first.
    func favorites(_ u: Int, _ rest: [String], _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        guard rest.count <= 2, let types = Self.types(rest.first) else { throw V2Error.notFound("unknown favorites route") }
        let kinds = [Kind(.show, .rating)!, Kind(.movie, .rating)!].filter { types.contains($0.type) }
        let keep = latestPerItem(u, kinds: kinds, writes(u)).map(\.a).filter { $0.extra == 10 }
        let paging = Paging(c.query, defaultLimit: 10)
        var out = JSONBytes()
        out.byte(UInt8(ascii: "["))
        for (n, a) in keep[paging.window(total: keep.count)].enumerated() {
            if n > 0 { out.byte(UInt8(ascii: ",")) }
            out.raw("{\"rank\":")
            out.int(paging.window(total: keep.count).lowerBound + n + 1)
            out.raw(",\"id\":")
            out.int(V2IDs.entry(a))
            out.raw(",\"listed_at\":")
            ISOTime.write(a.time, into: &out)
            out.raw(",\"notes\":null,")
            writeItem(a, episode: 0, c.extendedFull, &out)
            out.byte(UInt8(ascii: "}"))
        }
        out.byte(UInt8(ascii: "]"))
        return Self.ok(out, headers: paging.headers(total: keep.count))
    }

    // MARK: last activities

    func lastActivities(_ u: Int, _ c: V2Call) -> EmulatorResponse {
        let ds = dataset
        let p = ds.index.user
        let floor = ds.users[u].joined
        let w = writes(u)
        func latest(_ kinds: [Kind]) -> Int64 {
            var best = floor
            if let w {
                if let t = latestTime(user: u, kinds: kinds, w) { best = max(best, t) }
                return best
            }
            for k in kinds {
                let r = p.range(key: u, kind: k)
                if let first = r.first { best = max(best, ds.activities[Int(p.items[first])].time) }
            }
            return best
        }
        var values: [Int64] = []
        var section = "movies"
        // Times in milliseconds: a write moves its sections to its stamp, which is strictly
        // later than every earlier write's (so a pinned clock still shows every write).
        func stamp(_ out: inout JSONBytes, _ key: StaticString, _ t: Int64) {
            var ms = t * 1000
            if let w, let moved = LastActivitySection(rawValue: section + "." + key.description), let at = w.stamps[moved] {
                ms = max(ms, at)
            }
            out.key(key)
            ISOTime.writeMillis(ms, into: &out)
            values.append(ms)
        }
        var out = JSONBytes()
        var body = JSONBytes()
        let sections: [(String, ActivityType)] = [("movies", .movie), ("episodes", .episode)]
        for (name, t) in sections {
            section = name
            body.raw(",\"")
            body.raw(Array(name.utf8))
            body.raw("\":{")
            stamp(&body, "watched_at", latest(t == .movie ? Self.movieHistoryKinds : Self.episodeHistoryKinds))
            body.byte(UInt8(ascii: ","))
            stamp(&body, "collected_at", latest([Kind(t, .collection)!]))
            body.byte(UInt8(ascii: ","))
            stamp(&body, "rated_at", latest([Kind(t, .rating)!]))
            body.byte(UInt8(ascii: ","))
            stamp(&body, "watchlisted_at", latest([Kind(t, .watchlist)!]))
            body.byte(UInt8(ascii: ","))
            stamp(&body, "commented_at", latest([Kind(t, .shout)!, Kind(t, .review)!]))
            body.byte(UInt8(ascii: ","))
            stamp(&body, "paused_at", floor)
            body.byte(UInt8(ascii: ","))
            stamp(&body, "hidden_at", floor)
            body.byte(UInt8(ascii: "}"))
        }
        body.raw(",\"shows\":{")
        section = "shows"
        stamp(&body, "rated_at", latest([Kind(.show, .rating)!]))
        body.byte(UInt8(ascii: ","))
        stamp(&body, "watchlisted_at", latest([Kind(.show, .watchlist)!]))
        body.byte(UInt8(ascii: ","))
        stamp(&body, "commented_at", latest([Kind(.show, .shout)!, Kind(.show, .review)!]))
        body.byte(UInt8(ascii: ","))
        stamp(&body, "hidden_at", floor)
        body.raw("},\"seasons\":{")
        section = "seasons"
        stamp(&body, "rated_at", floor)
        body.byte(UInt8(ascii: ","))
        stamp(&body, "watchlisted_at", floor)
        body.byte(UInt8(ascii: ","))
        stamp(&body, "commented_at", floor)
        body.byte(UInt8(ascii: ","))
        stamp(&body, "hidden_at", floor)
        body.raw("},\"comments\":{")
        section = "comments"
        stamp(&body, "liked_at", floor)
        body.byte(UInt8(ascii: ","))
        stamp(&body, "blocked_at", floor)
        body.raw("},\"lists\":{")
        section = "lists"
        stamp(&body, "liked_at", floor)
        body.byte(UInt8(ascii: ","))
        stamp(&body, "updated_at", latest([Kind(.list, .created)!, Kind(.list, .itemAdded)!]))
        body.byte(UInt8(ascii: ","))
        stamp(&body, "commented_at", floor)
        body.raw("},\"watchlist\":{")
        section = "watchlist"
        stamp(&body, "updated_at", latest([Kind(.episode, .watchlist)!, Kind(.show, .watchlist)!, Kind(.movie, .watchlist)!]))
        body.raw("},\"favorites\":{")
        section = "favorites"
        stamp(&body, "updated_at", floor)
        body.raw("},\"recommendations\":{")
        section = "recommendations"
        stamp(&body, "updated_at", floor)
        body.raw("},\"collaborations\":{")
        section = "collaborations"
        stamp(&body, "updated_at", floor)
        body.raw("},\"account\":{")
        section = "account"
        stamp(&body, "settings_at", floor)
        body.byte(UInt8(ascii: ","))
        stamp(&body, "followed_at", floor)
        body.byte(UInt8(ascii: ","))
        stamp(&body, "following_at", floor)
        body.byte(UInt8(ascii: ","))
        stamp(&body, "pending_at", floor)
        body.byte(UInt8(ascii: ","))
        stamp(&body, "requested_at", floor)
        body.raw("},\"saved_filters\":{")
        section = "saved_filters"
        stamp(&body, "updated_at", floor)
        body.raw("},\"notes\":{")
        section = "notes"
        stamp(&body, "updated_at", floor)
        body.byte(UInt8(ascii: "}"))
        out.raw("{\"all\":")
        ISOTime.writeMillis(values.max() ?? floor * 1000, into: &out)
        out.raw(body.bytes)
        out.byte(UInt8(ascii: "}"))
        return Self.ok(out)
    }
}
