import Foundation

/// The v2 write routes the emulator serves.
enum WriteRoute: String, Sendable, CaseIterable {
    case historyAdd = "POST /sync/history"
    case historyRemove = "POST /sync/history/remove"
    case ratingsAdd = "POST /sync/ratings"
    case ratingsRemove = "POST /sync/ratings/remove"
    case watchlistAdd = "POST /sync/watchlist"
    case watchlistRemove = "POST /sync/watchlist/remove"
    case collectionAdd = "POST /sync/collection"
    case collectionRemove = "POST /sync/collection/remove"
    case checkin = "POST /checkin"
    case checkinDelete = "DELETE /checkin"
    case scrobbleStart = "POST /scrobble/start"
    case scrobblePause = "POST /scrobble/pause"
    case scrobbleStop = "POST /scrobble/stop"
    /// `DELETE /sync/playback/{id}` (the id travels in the body `{"id":N}`, also in the journal).
    case playbackRemove = "DELETE /sync/playback"
    /// `POST /users/{id}/lists`, and the routes of one list (`{id}` is the writer; the list
    /// travels in the body as `"list"`, also in the journal).
    case listCreate = "POST /users/lists"
    case listUpdate = "PUT /users/lists"
    case listDelete = "DELETE /users/lists"
    case listItemsAdd = "POST /users/lists/items"
    case listItemsRemove = "POST /users/lists/items/remove"
    /// `POST /comments`; `PUT`/`DELETE /comments/{id}` (the id travels in the body as `"id"`).
    case commentAdd = "POST /comments"
    case commentUpdate = "PUT /comments"
    case commentDelete = "DELETE /comments"
    /// `POST /emulator/advance?by=…` (the operator's; `{"by":seconds}` in the journal, so that a
    /// restart finds the clock where it was).
    case clockAdvance = "POST /emulator/advance"

    /// The sync routes (history, ratings, watchlist, collection).
    static let syncRoutes: [WriteRoute] = allCases.filter { $0.rawValue.hasPrefix("POST /sync/") }

    init?(method: String, segments: [String]) {
        if method == "DELETE", segments.count == 3, segments[0] == "sync", segments[1] == "playback" {
            self = .playbackRemove
            return
        }
        if segments.count == 2, segments[0] == "comments", method == "PUT" || method == "DELETE" {
            self = method == "PUT" ? .commentUpdate : .commentDelete
            return
        }
        if segments.count >= 3, segments[0] == "users", segments[2] == "lists" {
            let shape = [method, "/users/lists"] + (segments.count > 4 ? segments[4...].map { "/" + $0 } : [])
            guard segments.count != 3 || method == "POST" else { return nil }
            guard segments.count != 4 || method == "PUT" || method == "DELETE" else { return nil }
            self.init(rawValue: shape[0] + " " + shape[1...].joined())
            return
        }
        self.init(rawValue: method + " /" + segments.joined(separator: "/"))
    }

    /// The body a route without one is read with: `DELETE /checkin` → `{}`,
    /// `DELETE /sync/playback/{id}` → `{"id":id}` (nil: the request's body).
    func impliedBody(segments: [String], body: [UInt8]) -> [UInt8]? {
        switch self {
        case .checkinDelete: body.isEmpty ? Array("{}".utf8) : nil
        case .playbackRemove: Array(("{\"id\":" + String(decoding: WriteBody.json(segments[2]), as: UTF8.self) + "}").utf8)
        case .commentUpdate, .commentDelete:
            Self.merging(["id": segments[1]], into: body)
        case .listUpdate, .listDelete, .listItemsAdd, .listItemsRemove:
            // The list from the path joins the body (a DELETE has none).
            Self.merging(["list": segments[3]], into: body)
        default: nil
        }
    }

    /// `body`'s JSON object with `extra` keys added (an empty body is `{}`); nil when the body
    /// is not a JSON object (it then fails as sent).
    static func merging(_ extra: [String: Any], into body: [UInt8]) -> [UInt8]? {
        var object: [String: Any] = [:]
        if !body.isEmpty {
            guard let o = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return nil }
            object = o
        }
        for (k, v) in extra { object[k] = v }
        return WriteBody.json(object)
    }

    /// Whether the path names the writing user (`/users/{id}/lists…`).
    var namesUser: Bool { [.listCreate, .listUpdate, .listDelete, .listItemsAdd, .listItemsRemove].contains(self) }
}

/// Who writes, and when.
struct WriteContext {
    let user: Int
    /// The server clock (real Unix seconds): the time of what the write records, unless the
    /// body gives one (`watched_at`, `rated_at`, `collected_at`).
    let second: Int64
    /// The write's stamp (milliseconds, strictly after every earlier write's): the time
    /// `/sync/last_activities` moves to.
    let stampMillis: Int64
}

extension V2Service {
    /// Answers a write: the Bearer user, the body, the overlay changed under its lock (so one
    /// request's changes appear together), then the answer Trakt gives. With `--state` the
    /// write waits for its journal line to be on disk first, with the writes that arrived
    /// meanwhile (a group commit, ``CommitQueue``).
    func performWrite(_ route: WriteRoute, user u: Int, body: [UInt8], nowUnix: Int64) async throws(V2Error) -> EmulatorResponse {
        let parsed = try WriteBody(body)
        guard overlay.withState({ $0.journal != nil }) else {
            return try overlay.write { (state: inout OverlayState) throws(V2Error) -> EmulatorResponse in
                try applyNow(route, parsed, user: u, nowUnix: nowUnix, clockMillis: writeMillis(nowUnix, state), &state)
            }
        }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<EmulatorResponse, V2Error>, Never>) in
            let pending = CommitQueue.Pending(route: route, body: parsed, raw: body, user: u, nowUnix: nowUnix) { continuation.resume(returning: $0) }
            if commits.enqueue(pending) { leadCommits() }
        }
        return try result.get()
    }

    /// The time a write at `nowUnix` is recorded at (milliseconds).
    func writeMillis(_ nowUnix: Int64, _ state: OverlayState) -> Int64 {
        max(nowUnix * 1000, clock.millis(offset: state.clockOffset))
    }

    /// Applies a write now: what the community did up to its time first (as on replay).
    func applyNow(_ route: WriteRoute, _ body: WriteBody, user u: Int, nowUnix: Int64, clockMillis: Int64,
                  _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        catchUp(&state, horizon: clock.horizon(offset: state.clockOffset, now: nowUnix))
        return try apply(route, body, user: u, second: nowUnix, clockMillis: clockMillis, &state)
    }

    /// Leads the group commit until no write waits: each batch is journaled with one `fsync`
    /// (a write is on disk before anyone can see it; one that then fails validation fails the
    /// same way on replay, and changes nothing either time), then applied in journal order and
    /// answered.
    func leadCommits() {
        while let batch = commits.nextBatch() {
            journalLock.lock()
            let (journal, offset) = overlay.withState { ($0.journal, $0.clockOffset) }
            let millis = batch.map { max($0.nowUnix * 1000, clock.millis(offset: offset)) }
            var failure: V2Error?
            if let journal {
                let records = batch.indices.map { i in
                    let p = batch[i]
                    let text = String(bytes: p.raw, encoding: .utf8) ?? String(decoding: WriteBody.json(p.body.object), as: UTF8.self)
                    return WriteJournal.Record(dataset: datasetIdentity, route: p.route, user: dataset.users[p.user].username, second: p.nowUnix,
                                               clockMillis: millis[i], body: Array(text.utf8))
                }
                do throws(V2Error) { try journal.append(records) } catch { failure = error }
            }
            var answers: [Result<EmulatorResponse, V2Error>] = []
            answers.reserveCapacity(batch.count)
            if let failure {
                answers = batch.map { _ in .failure(failure) }
            } else {
                overlay.write { (state: inout OverlayState) in
                    for (i, p) in batch.enumerated() {
                        do throws(V2Error) {
                            answers.append(.success(try applyNow(p.route, p.body, user: p.user, nowUnix: p.nowUnix, clockMillis: millis[i], &state)))
                        } catch {
                            answers.append(.failure(error))
                        }
                    }
                }
            }
            journalLock.unlock()
            for (p, answer) in zip(batch, answers) { p.answer(answer) }
        }
    }

    /// What a journal record names its dataset by: writes replay only onto the same one.
    var datasetIdentity: String {
        "seed \(dataset.seed), \(dataset.activityCount) activities, \(dataset.userCount) users, \(dataset.convention.rawValue)"
    }

    /// Replays a journal's records onto the (empty) overlay; returns warnings.
    func replay(_ opened: WriteJournal.Opened) throws(EmulatorError) -> [String] {
        var warnings = opened.warnings
        try overlay.write { (state: inout OverlayState) throws(EmulatorError) in
            for (n, r) in opened.records.enumerated() {
                guard r.dataset == datasetIdentity else {
                    throw EmulatorError(description: "--state: \(opened.journal.path) holds writes to another dataset (\(r.dataset)), not this one "
                                        + "(\(datasetIdentity)); start with the same --seed, size and --convention, or with --reset-state")
                }
                // A write that failed live (validation) fails again and changes nothing.
                guard let body = try? WriteBody(r.body) else { continue }
                if r.route == .clockAdvance {
                    _ = try? advance(body, &state, now: r.second)
                    continue
                }
                guard let u = dataset.userByName[r.user.lowercased()] else {
                    warnings.append("--state: record \(n + 1) names an unknown user '\(OperatorText.printable(r.user))': skipped")
                    continue
                }
                catchUp(&state, horizon: clock.horizon(offset: state.clockOffset, now: r.second))
                _ = try? apply(r.route, body, user: u, second: r.second, clockMillis: r.clockMillis, &state)
            }
            state.journal = opened.journal
        }
        return warnings
    }

    /// `POST /emulator/reset`: forgets every write (and empties the state file).
    func resetWrites() throws(V2Error) {
        journalLock.lock()
        defer { journalLock.unlock() }
        try overlay.write { (state: inout OverlayState) throws(V2Error) in
            try state.journal?.truncate()
            state.reset()
            historyMemo.removeAll()
            writerWatchlists.removeAll()
        }
    }

    /// Applies one write to `state` (also used to replay a journal).
    func apply(_ route: WriteRoute, _ body: WriteBody, user u: Int, second: Int64, clockMillis: Int64,
               _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        if route == .clockAdvance { return try advance(body, &state, now: second) }
        let ctx = WriteContext(user: u, second: second, stampMillis: state.stamp(clockMillis: clockMillis))
        let answer = try applyWrite(route, body, ctx, &state)
        state.noteWriter(u, at: second)
        return answer
    }

    /// One write route's change and answer.
    private func applyWrite(_ route: WriteRoute, _ body: WriteBody, _ ctx: WriteContext,
                            _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        switch route {
        case .historyAdd: return try historyAdd(body, ctx, &state)
        case .historyRemove: return try historyRemove(body, ctx, &state)
        case .ratingsAdd: return try ratingsAdd(body, ctx, &state)
        case .ratingsRemove: return try ratingsRemove(body, ctx, &state)
        case .watchlistAdd: return try watchlistChange(body, ctx, &state, add: true)
        case .watchlistRemove: return try watchlistChange(body, ctx, &state, add: false)
        case .collectionAdd: return try collectionAdd(body, ctx, &state)
        case .collectionRemove: return try collectionRemove(body, ctx, &state)
        case .checkin: return try checkin(body, ctx, &state)
        case .checkinDelete: return checkinDelete(ctx, &state)
        case .scrobbleStart, .scrobblePause, .scrobbleStop: return try scrobble(route, body, ctx, &state)
        case .playbackRemove: return try playbackRemove(body, ctx, &state)
        case .listCreate: return try listCreate(body, ctx, &state)
        case .listUpdate: return try listUpdate(body, ctx, &state)
        case .listDelete: return try listDelete(body, ctx, &state)
        case .listItemsAdd: return try listItemsChange(body, ctx, &state, add: true)
        case .listItemsRemove: return try listItemsChange(body, ctx, &state, add: false)
        case .commentAdd: return try commentAdd(body, ctx, &state)
        case .commentUpdate: return try commentUpdate(body, ctx, &state)
        case .commentDelete: return try commentDelete(body, ctx, &state)
        case .clockAdvance: return try advance(body, &state, now: ctx.second)
        }
    }

    // MARK: history

    func historyAdd(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        let ds = dataset
        let items = try SyncItems(body, lookup, mode: .episodes, now: ctx.second)
        // Every time is read before anything changes: a 422 leaves no trace.
        var moviePlays: [(Int, Int64)] = []
        for (m, chain) in items.movies {
            moviePlays.append((m, try Self.time(chain, "watched_at", ctx.second, released: ds.movies[m].released, what: "movie")))
        }
        var episodePlays: [(Int, Int64)] = []
        for (g, chain) in items.episodes {
            episodePlays.append((g, try Self.time(chain, "watched_at", ctx.second, released: ds.episodes[g].firstAired, what: "episode")))
        }
        let u = ctx.user
        for (m, t) in moviePlays {
            state.add(Activity(time: t, id: 0, user: UInt32(u), subject: UInt32(m), item: 0, extra: 0, kind: Kind(.movie, .seen)!))
        }
        addEpisodeRuns(episodePlays, kind: Kind(.episode, .seen)!, user: u, &state)
        var sections: [LastActivitySection] = []
        if !moviePlays.isEmpty { sections.append(.moviesWatched) }
        if !episodePlays.isEmpty { sections.append(.episodesWatched) }
        state.move(sections, of: u, to: ctx.stampMillis)
        dropWatchedFromWatchlist(movies: Set(moviePlays.map(\.0)), episodes: Set(episodePlays.map(\.0)), ctx, &state)
        var out = JSONBytes()
        out.raw("{\"added\":")
        TypeCounts(movies: moviePlays.count, episodes: episodePlays.count).write(&out, all: false)
        out.raw(",\"not_found\":")
        items.notFound.write(&out, ids: false)
        out.byte(UInt8(ascii: "}"))
        return Self.ok(out, status: 201)
    }

    func historyRemove(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        var items = try SyncItems(body, lookup, mode: .episodes, now: Int64.max)
        var ids: [Int64] = []
        if let raw = body.object["ids"], !(raw is NSNull) {
            guard let list = raw as? [Any] else { throw V2Error.unprocessable("'ids' must be an array of history ids") }
            for (i, v) in list.enumerated() {
                guard let n = WriteBody.int(v) else { throw V2Error.unprocessable("ids[\(i)] must be a history id (an integer)") }
                ids.append(Int64(n))
            }
        }
        let u = ctx.user
        // The plays visible now: by item, and by history id.
        var moviePlays: [Int: Int] = [:]
        var episodePlays: [Int: Int] = [:]
        var byID: [Int64: (isMovie: Bool, item: Int)] = [:]
        for e in entries(user: u, kinds: Self.historyKinds, writes: state.users[u]) {
            for k in 0..<e.span where e.shows(k) {
                if e.a.kind.type == .movie {
                    moviePlays[Int(e.a.subject), default: 0] += 1
                } else {
                    episodePlays[Int(e.a.item) + k, default: 0] += 1
                }
                byID[V2IDs.history(e.a, k)] = e.a.kind.type == .movie ? (true, Int(e.a.subject)) : (false, Int(e.a.item) + k)
            }
        }
        var deleted = TypeCounts()
        // Single plays first: one also named by its item below is counted once.
        for id in ids {
            guard let play = byID.removeValue(forKey: id) else {
                items.notFound.ids.append(id)
                continue
            }
            state.removeHistory(id: id, of: u)
            if play.isMovie {
                deleted.movies += 1
                moviePlays[play.item, default: 1] -= 1
            } else {
                deleted.episodes += 1
                episodePlays[play.item, default: 1] -= 1
            }
        }
        for m in Set(items.movies.map(\.index)) {
            deleted.movies += moviePlays[m] ?? 0
            state.cut(.history, .movie(m), of: u)
        }
        for g in Set(items.episodes.map(\.index)) {
            deleted.episodes += episodePlays[g] ?? 0
            state.cut(.history, .episode(g), of: u)
        }
        var sections: [LastActivitySection] = []
        if deleted.movies > 0 { sections.append(.moviesWatched) }
        if deleted.episodes > 0 { sections.append(.episodesWatched) }
        state.move(sections, of: u, to: ctx.stampMillis)
        return Self.removalAnswer(deleted, all: false, notFound: items.notFound, ids: true)
    }

    /// Adds episode activities of `kind`, one per run of consecutive episodes of one season at
    /// one time (at most 5, as generated `seen` and `collection` activities are).
    func addEpisodeRuns(_ plays: [(Int, Int64)], kind: Kind, user u: Int, _ state: inout OverlayState) {
        let ds = dataset
        var i = 0
        while i < plays.count {
            let (first, t) = plays[i]
            var n = 1
            while n < 5, i + n < plays.count, plays[i + n].1 == t, plays[i + n].0 == first + n,
                ds.episodes[first + n].seasonIndex == ds.episodes[first].seasonIndex
            {
                n += 1
            }
            state.add(Activity(time: t, id: 0, user: UInt32(u), subject: UInt32(ds.episodes[first].show), item: UInt32(first),
                               extra: UInt16(n), kind: kind))
            i += n
        }
    }

    /// Watching an item takes it off the watchlist (an episode takes its show and season too).
    func dropWatchedFromWatchlist(movies: Set<Int>, episodes: Set<Int>, _ ctx: WriteContext, _ state: inout OverlayState) {
        guard !movies.isEmpty || !episodes.isEmpty else { return }
        let u = ctx.user
        let ds = dataset
        let shows = Set(episodes.map { Int(ds.episodes[$0].show) })
        let seasons = Set(episodes.map { Int(ds.episodes[$0].seasonIndex) })
        var moved: Set<LastActivitySection> = []
        for g in seasons where state.users[u]?.seasonWatchlist.removeValue(forKey: g) != nil {
            moved.insert(.seasonsWatchlisted)
        }
        // Every listing of a played item is cut (one already dropped by an earlier play too:
        // harmless). Reading only the listings keeps a play's cost independent of the history.
        for e in entries(user: u, kinds: Self.watchlistKinds, writes: state.users[u]) {
            switch e.a.kind.type {
            case .movie where movies.contains(Int(e.a.subject)):
                state.cut(.watchlist, .movie(Int(e.a.subject)), of: u)
                moved.insert(.moviesWatchlisted)
            case .show where shows.contains(Int(e.a.subject)):
                state.cut(.watchlist, .show(Int(e.a.subject)), of: u)
                moved.insert(.showsWatchlisted)
            case .episode where episodes.contains(Int(e.a.item)):
                state.cut(.watchlist, .episode(Int(e.a.item)), of: u)
                moved.insert(.episodesWatchlisted)
            default:
                break
            }
        }
        if !moved.isEmpty { state.move(Array(moved) + [.watchlistUpdated], of: u, to: ctx.stampMillis) }
    }

    /// A time field along an item's chain (innermost first); absent = `fallback`.
    static func time(_ chain: SyncItems.Chain, _ key: String, _ fallback: Int64, released: Int64?, what: String) throws(V2Error) -> Int64 {
        guard let o = chain.first(where: { $0[key] != nil && !($0[key] is NSNull) }) else { return fallback }
        return try WriteBody.time(o, key, fallback: fallback, released: released, path: what)
    }

    // MARK: ratings

    static let ratingKinds = [Kind(.episode, .rating)!, Kind(.show, .rating)!, Kind(.movie, .rating)!]

    func ratingsAdd(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        let items = try SyncItems(body, lookup, mode: .items, now: ctx.second)
        let ds = dataset
        func rating(_ chain: SyncItems.Chain, _ what: String) throws(V2Error) -> (Int, Int64) {
            // A nested season or episode without a rating of its own takes its parent's.
            let given = SyncItems.field(chain, "rating")
            guard let r = WriteBody.int(given), (1...10).contains(r) else {
                let sent = given.map { String(decoding: WriteBody.json($0), as: UTF8.self) } ?? "nothing"
                throw V2Error.unprocessable("rating of \(what) must be an integer from 1 to 10 (got \(sent))")
            }
            return (r, try Self.time(chain, "rated_at", ctx.second, released: nil, what: what))
        }
        var movies: [(Int, Int, Int64)] = []
        for (m, chain) in items.movies { let (r, t) = try rating(chain, "movie '\(ds.movies[m].seed.slug)'"); movies.append((m, r, t)) }
        var shows: [(Int, Int, Int64)] = []
        for (s, chain) in items.shows { let (r, t) = try rating(chain, "show '\(ds.shows[s].seed.slug)'"); shows.append((s, r, t)) }
        var seasons: [(Int, Int, Int64)] = []
        for (g, chain) in items.seasons { let (r, t) = try rating(chain, "season \(V2IDs.season(g))"); seasons.append((g, r, t)) }
        var episodes: [(Int, Int, Int64)] = []
        for (g, chain) in items.episodes { let (r, t) = try rating(chain, "episode \(V2IDs.episode(g))"); episodes.append((g, r, t)) }
        let u = UInt32(ctx.user)
        for (m, r, t) in movies {
            state.add(Activity(time: t, id: 0, user: u, subject: UInt32(m), item: 0, extra: UInt16(r), kind: Kind(.movie, .rating)!))
        }
        for (s, r, t) in shows {
            state.add(Activity(time: t, id: 0, user: u, subject: UInt32(s), item: 0, extra: UInt16(r), kind: Kind(.show, .rating)!))
        }
        for (g, r, t) in seasons {
            state.touch(ctx.user)
            let o = state.ordinal()
            state.users[ctx.user, default: UserWrites()].seasonRatings[g] = SeasonMark(rating: r, at: t, ordinal: o)
        }
        for (g, r, t) in episodes {
            state.add(Activity(time: t, id: 0, user: u, subject: UInt32(ds.episodes[g].show), item: UInt32(g), extra: UInt16(r),
                               kind: Kind(.episode, .rating)!))
        }
        let added = TypeCounts(movies: movies.count, shows: shows.count, seasons: seasons.count, episodes: episodes.count)
        state.move(Self.sections(added, movies: .moviesRated, shows: .showsRated, seasons: .seasonsRated, episodes: .episodesRated),
                   of: ctx.user, to: ctx.stampMillis)
        var out = JSONBytes()
        out.raw("{\"added\":")
        added.write(&out, all: true)
        out.raw(",\"not_found\":")
        items.notFound.write(&out, ids: false)
        out.byte(UInt8(ascii: "}"))
        return Self.ok(out, status: 201)
    }

    func ratingsRemove(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        let items = try SyncItems(body, lookup, mode: .items, now: ctx.second)
        let u = ctx.user
        let rated = Set(latestPerItem(u, kinds: Self.ratingKinds, state.users[u]).map { Self.itemKey($0.a) })
        var deleted = TypeCounts()
        for m in Set(items.movies.map(\.index)) {
            if rated.contains(m << 2 | 2) { deleted.movies += 1 }
            state.cut(.rating, .movie(m), of: u)
        }
        for s in Set(items.shows.map(\.index)) {
            if rated.contains(s << 2 | 1) { deleted.shows += 1 }
            state.cut(.rating, .show(s), of: u)
        }
        for g in Set(items.seasons.map(\.index)) where state.users[u]?.seasonRatings.removeValue(forKey: g) != nil {
            deleted.seasons += 1
        }
        for g in Set(items.episodes.map(\.index)) {
            if rated.contains(g << 2) { deleted.episodes += 1 }
            state.cut(.rating, .episode(g), of: u)
        }
        state.move(Self.sections(deleted, movies: .moviesRated, shows: .showsRated, seasons: .seasonsRated, episodes: .episodesRated),
                   of: u, to: ctx.stampMillis)
        return Self.removalAnswer(deleted, all: true, notFound: items.notFound, ids: false)
    }

    static func sections(_ c: TypeCounts, movies: LastActivitySection, shows: LastActivitySection, seasons: LastActivitySection,
                         episodes: LastActivitySection) -> [LastActivitySection] {
        var out: [LastActivitySection] = []
        if c.movies > 0 { out.append(movies) }
        if c.shows > 0 { out.append(shows) }
        if c.seasons > 0 { out.append(seasons) }
        if c.episodes > 0 { out.append(episodes) }
        return out
    }

    // MARK: watchlist

    func watchlistChange(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState, add: Bool) throws(V2Error) -> EmulatorResponse {
        let items = try SyncItems(body, lookup, mode: .items, now: ctx.second)
        let u = ctx.user
        let ds = dataset
        // Kept for the next write and read (adding plays keeps it current; removals drop it).
        if state.users[u]?.watchIndex == nil {
            let index = watchIndex(u, state.users[u])
            state.users[u, default: UserWrites()].watchIndex = index
            state.touch(u)
        }
        var listed = Set<Int>()
        var listedSeasons = Set<Int>()
        for e in computeWatchlistEntries(u, state.users[u]) {
            if let g = e.season { listedSeasons.insert(g) } else { listed.insert(Self.itemKey(e.a)) }
        }
        var changed = TypeCounts()
        var existing = TypeCounts()
        let user = UInt32(u)
        func mark(_ key: Int, _ isListed: Bool, _ count: WritableKeyPath<TypeCounts, Int>, _ activity: () -> Activity, _ item: WriteItem) {
            if add {
                if isListed {
                    existing[keyPath: count] += 1
                } else {
                    state.add(activity())
                    changed[keyPath: count] += 1
                    listed.insert(key)
                }
            } else {
                if isListed { changed[keyPath: count] += 1 }
                state.cut(.watchlist, item, of: u)
                listed.remove(key)
            }
        }
        for m in items.movies.map(\.index) {
            mark(m << 2 | 2, listed.contains(m << 2 | 2), \.movies, {
                Activity(time: ctx.second, id: 0, user: user, subject: UInt32(m), item: 0, extra: 0, kind: Kind(.movie, .watchlist)!)
            }, .movie(m))
        }
        for s in items.shows.map(\.index) {
            mark(s << 2 | 1, listed.contains(s << 2 | 1), \.shows, {
                Activity(time: ctx.second, id: 0, user: user, subject: UInt32(s), item: 0, extra: 0, kind: Kind(.show, .watchlist)!)
            }, .show(s))
        }
        for g in items.seasons.map(\.index) {
            if add {
                if listedSeasons.contains(g) {
                    existing.seasons += 1
                } else {
                    state.touch(u)
                    let o = state.ordinal()
                    state.users[u, default: UserWrites()].seasonWatchlist[g] = SeasonMark(rating: 0, at: ctx.second, ordinal: o)
                    listedSeasons.insert(g)
                    changed.seasons += 1
                }
            } else if state.users[u]?.seasonWatchlist.removeValue(forKey: g) != nil {
                listedSeasons.remove(g)
                changed.seasons += 1
            }
        }
        for g in items.episodes.map(\.index) {
            mark(g << 2, listed.contains(g << 2), \.episodes, {
                Activity(time: ctx.second, id: 0, user: user, subject: UInt32(ds.episodes[g].show), item: UInt32(g), extra: 0,
                         kind: Kind(.episode, .watchlist)!)
            }, .episode(g))
        }
        var sections = Self.sections(changed, movies: .moviesWatchlisted, shows: .showsWatchlisted, seasons: .seasonsWatchlisted,
                                     episodes: .episodesWatchlisted)
        if !sections.isEmpty { sections.append(.watchlistUpdated) }
        state.move(sections, of: u, to: ctx.stampMillis)
        let after = computeWatchlistEntries(u, state.users[u])
        let updatedAt = state.users[u]?.stamps[.watchlistUpdated] ?? (after.map(\.a.time).max() ?? ds.users[u].joined) * 1000
        var out = JSONBytes()
        out.raw(add ? "{\"added\":" : "{\"deleted\":")
        changed.write(&out, all: true)
        if add {
            out.raw(",\"existing\":")
            existing.write(&out, all: true)
        }
        out.raw(",\"not_found\":")
        items.notFound.write(&out, ids: false)
        out.raw(",\"list\":{\"updated_at\":")
        ISOTime.writeMillis(updatedAt, into: &out)
        out.raw(",\"item_count\":")
        out.int(after.count)
        out.raw("}}")
        return Self.ok(out, status: add ? 201 : 200)
    }

    // MARK: collection

    static let collectionKinds = [Kind(.episode, .collection)!, Kind(.movie, .collection)!]

    /// Metadata fields a collection item may carry (stored nowhere: `metadata` is served as `{}`).
    static let collectionMetadata: Set<String> = ["media_type", "resolution", "hdr", "audio", "audio_channels", "3d"]

    func collectionAdd(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        let items = try SyncItems(body, lookup, mode: .episodes, now: ctx.second)
        let u = ctx.user
        var movies = Set<Int>()
        var episodes = Set<Int>()
        for e in entries(user: u, kinds: Self.collectionKinds, writes: state.users[u]) {
            if e.a.kind.type == .movie {
                movies.insert(Int(e.a.subject))
            } else {
                for k in 0..<e.span where e.shows(k) { episodes.insert(Int(e.a.item) + k) }
            }
        }
        func changes(_ chain: SyncItems.Chain) -> Bool {
            chain.contains { o in o["collected_at"] != nil || o.keys.contains { Self.collectionMetadata.contains($0) } }
        }
        var added = TypeCounts()
        var updated = TypeCounts()
        var existing = TypeCounts()
        var movieWrites: [(Int, Int64)] = []
        var seenMovies = Set<Int>()
        for (m, chain) in items.movies where seenMovies.insert(m).inserted {
            let t = try Self.time(chain, "collected_at", ctx.second, released: dataset.movies[m].released, what: "movie")
            if !movies.contains(m) {
                added.movies += 1
            } else if changes(chain) {
                updated.movies += 1
            } else {
                existing.movies += 1
                continue
            }
            movieWrites.append((m, t))
        }
        var episodeWrites: [(Int, Int64)] = []
        var seenEpisodes = Set<Int>()
        for (g, chain) in items.episodes where seenEpisodes.insert(g).inserted {
            let t = try Self.time(chain, "collected_at", ctx.second, released: dataset.episodes[g].firstAired, what: "episode")
            if !episodes.contains(g) {
                added.episodes += 1
            } else if changes(chain) {
                updated.episodes += 1
            } else {
                existing.episodes += 1
                continue
            }
            episodeWrites.append((g, t))
        }
        // An update replaces the item's copy: the old one is hidden, the new one recorded.
        for (m, t) in movieWrites {
            if movies.contains(m) { state.cut(.collection, .movie(m), of: u) }
            state.add(Activity(time: t, id: 0, user: UInt32(u), subject: UInt32(m), item: 0, extra: 0, kind: Kind(.movie, .collection)!))
        }
        for (g, _) in episodeWrites where episodes.contains(g) { state.cut(.collection, .episode(g), of: u) }
        addEpisodeRuns(episodeWrites, kind: Kind(.episode, .collection)!, user: u, &state)
        var sections: [LastActivitySection] = []
        if !movieWrites.isEmpty { sections.append(.moviesCollected) }
        if !episodeWrites.isEmpty { sections.append(.episodesCollected) }
        state.move(sections, of: u, to: ctx.stampMillis)
        var out = JSONBytes()
        out.raw("{\"added\":")
        added.write(&out, all: false)
        out.raw(",\"updated\":")
        updated.write(&out, all: false)
        out.raw(",\"existing\":")
        existing.write(&out, all: false)
        out.raw(",\"not_found\":")
        items.notFound.write(&out, ids: false)
        out.byte(UInt8(ascii: "}"))
        return Self.ok(out, status: 201)
    }

    func collectionRemove(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        let items = try SyncItems(body, lookup, mode: .episodes, now: Int64.max)
        let u = ctx.user
        var movies = Set<Int>()
        var episodes = Set<Int>()
        for e in entries(user: u, kinds: Self.collectionKinds, writes: state.users[u]) {
            if e.a.kind.type == .movie {
                movies.insert(Int(e.a.subject))
            } else {
                for k in 0..<e.span where e.shows(k) { episodes.insert(Int(e.a.item) + k) }
            }
        }
        var deleted = TypeCounts()
        for m in Set(items.movies.map(\.index)) {
            if movies.contains(m) { deleted.movies += 1 }
            state.cut(.collection, .movie(m), of: u)
        }
        for g in Set(items.episodes.map(\.index)) {
            if episodes.contains(g) { deleted.episodes += 1 }
            state.cut(.collection, .episode(g), of: u)
        }
        var sections: [LastActivitySection] = []
        if deleted.movies > 0 { sections.append(.moviesCollected) }
        if deleted.episodes > 0 { sections.append(.episodesCollected) }
        state.move(sections, of: u, to: ctx.stampMillis)
        return Self.removalAnswer(deleted, all: false, notFound: items.notFound, ids: false)
    }

    /// A removal's answer, `{"deleted": {…}, "not_found": {…}}`, as every `/remove` route gives it.
    static func removalAnswer(_ deleted: TypeCounts, all: Bool, notFound: SyncItems.NotFound, ids: Bool) -> EmulatorResponse {
        var out = JSONBytes()
        out.raw("{\"deleted\":")
        deleted.write(&out, all: all)
        out.raw(",\"not_found\":")
        notFound.write(&out, ids: ids)
        out.byte(UInt8(ascii: "}"))
        return ok(out)
    }
}
