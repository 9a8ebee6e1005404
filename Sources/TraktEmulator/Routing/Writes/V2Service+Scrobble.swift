import Foundation

/// Check-ins, scrobbles and paused playback (`/checkin`, `/scrobble/*`, `/sync/playback`).
///
/// A check-in records a play (v1 `checkin`) and makes the user watching the item for its
/// runtime; while that lasts another check-in is 409 with `expires_at`. A scrobble start makes
/// the user watching (v1 `watching`, started as if from the progress point); pause keeps the
/// progress as paused playback; stop at 80% or more records a play (v1 `scrobble`) and drops the
/// playback, below 80% it keeps it as paused playback.
extension V2Service {
    /// What a check-in or scrobble body names: a movie, or an episode (by its ids, or by
    /// `show` plus `episode {season, number}`).
    enum PlayItem {
        case movie(Int)
        case episode(Int)

        var writeItem: WriteItem {
            switch self {
            case .movie(let m): .movie(m)
            case .episode(let g): .episode(g)
            }
        }
    }

    func playItem(_ body: WriteBody) throws(V2Error) -> PlayItem {
        let o = body.object
        if let movie = o["movie"] as? [String: Any] {
            guard let m = lookup.movie(movie) else { throw V2Error.notFound("movie not found: \(String(decoding: SyncItems.echo(movie), as: UTF8.self))") }
            return .movie(m)
        }
        if let episode = o["episode"] as? [String: Any] {
            if let show = o["show"] as? [String: Any] {
                guard let s = lookup.show(show) else { throw V2Error.notFound("show not found: \(String(decoding: SyncItems.echo(show), as: UTF8.self))") }
                if episode["ids"] == nil {
                    guard let season = WriteBody.int(episode["season"]), let number = WriteBody.int(episode["number"]) else {
                        throw V2Error.unprocessable("episode needs ids, or season and number (with show)")
                    }
                    guard let g = lookup.season(show: s, number: season).flatMap({ lookup.episode(season: $0, number: number) }) else {
                        throw V2Error.notFound("episode \(season)x\(number) of \(dataset.shows[s].seed.slug) not found")
                    }
                    return .episode(g)
                }
            }
            guard let g = lookup.episode(episode) else { throw V2Error.notFound("episode not found: \(String(decoding: SyncItems.echo(episode), as: UTF8.self))") }
            return .episode(g)
        }
        throw V2Error.unprocessable("the body must name a movie or an episode (\"movie\": {\"ids\": …} or \"episode\": {\"ids\": …})")
    }

    func runtimeSeconds(_ item: PlayItem) -> Int64 {
        switch item {
        case .movie(let m): Int64(dataset.movies[m].seed.runtime) * 60
        case .episode(let g): Int64(dataset.shows[Int(dataset.episodes[g].show)].seed.runtime) * 60
        }
    }

    /// An activity of `action` on `item` by `u` at `time`.
    func activity(_ item: PlayItem, _ action: ActivityAction, user u: Int, time: Int64) -> Activity {
        switch item {
        case .movie(let m):
            Activity(time: time, id: 0, user: UInt32(u), subject: UInt32(m), item: 0, extra: 0, kind: Kind(.movie, action)!)
        case .episode(let g):
            Activity(time: time, id: 0, user: UInt32(u), subject: UInt32(dataset.episodes[g].show), item: UInt32(g), extra: action == .seen ? 1 : 0,
                     kind: Kind(.episode, action)!)
        }
    }

    /// `"movie":{…}` or `"episode":{…},"show":{…}`.
    func writePlayItem(_ item: PlayItem, _ out: inout JSONBytes) {
        switch item {
        case .movie(let m):
            out.raw("\"movie\":")
            writeMovie(m, false, &out)
        case .episode(let g):
            out.raw("\"episode\":")
            writeEpisode(g, false, &out)
            out.raw(",\"show\":")
            writeShow(Int(dataset.episodes[g].show), false, &out)
        }
    }

    static func sharing(_ body: WriteBody, _ out: inout JSONBytes) {
        let given = body.object["sharing"] as? [String: Any] ?? [:]
        out.raw("\"sharing\":{")
        for (i, network) in ["twitter", "mastodon", "tumblr"].enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.string(network)
            out.byte(UInt8(ascii: ":"))
            out.bool(given[network] as? Bool ?? false)
        }
        out.byte(UInt8(ascii: "}"))
    }

    // MARK: check-in

    func checkin(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        let item = try playItem(body)
        let u = ctx.user
        if let current = currentlyWatching(u, now: ctx.second, state.users[u]) {
            var out = JSONBytes()
            out.raw("{\"expires_at\":")
            ISOTime.write(current.time + runtimeSeconds(current), into: &out)
            out.byte(UInt8(ascii: "}"))
            return Self.ok(out, status: 409)
        }
        let play = state.add(activity(item, .checkin, user: u, time: ctx.second))
        state.add(activity(item, .watching, user: u, time: ctx.second))
        state.move([item.isMovie ? .moviesWatched : .episodesWatched], of: u, to: ctx.stampMillis)
        dropWatched(item, ctx, &state)
        var out = JSONBytes()
        out.raw("{\"id\":")
        out.int(V2IDs.history(play.activity, 0))
        out.raw(",\"watched_at\":")
        ISOTime.write(ctx.second, into: &out)
        out.byte(UInt8(ascii: ","))
        Self.sharing(body, &out)
        out.byte(UInt8(ascii: ","))
        writePlayItem(item, &out)
        out.byte(UInt8(ascii: "}"))
        return Self.ok(out, status: 201)
    }

    /// `DELETE /checkin`: the active check-in (or scrobble) ends; a check-in's play is taken
    /// back. 204 either way.
    func checkinDelete(_ ctx: WriteContext, _ state: inout OverlayState) -> EmulatorResponse {
        let u = ctx.user
        if let current = currentlyWatching(u, now: ctx.second, state.users[u]) {
            let item = UserWrites.item(current, 0)
            state.cut(.watching, item, of: u)
            // The check-in's play: the user's checkin of that item at the same second.
            let play = entries(user: u, kinds: [Kind(current.kind.type, .checkin)!], writes: state.users[u]).first {
                $0.a.time == current.time && UserWrites.item($0.a, 0) == item
            }
            if let play {
                state.removeHistory(id: V2IDs.history(play.a, 0), of: u)
                state.move([current.kind.type == .movie ? .moviesWatched : .episodesWatched], of: u, to: ctx.stampMillis)
            }
        }
        return EmulatorResponse(status: 204)
    }

    func dropWatched(_ item: PlayItem, _ ctx: WriteContext, _ state: inout OverlayState) {
        switch item {
        case .movie(let m): dropWatchedFromWatchlist(movies: [m], episodes: [], ctx, &state)
        case .episode(let g): dropWatchedFromWatchlist(movies: [], episodes: [g], ctx, &state)
        }
    }

    // MARK: scrobble

    func scrobble(_ route: WriteRoute, _ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        let item = try playItem(body)
        guard let raw = body.object["progress"] as? NSNumber, !(body.object["progress"] is Bool),
            raw.doubleValue.isFinite, (0...100).contains(raw.doubleValue)
        else {
            throw V2Error.unprocessable("progress must be a number from 0 to 100")
        }
        let progress = raw.doubleValue
        let u = ctx.user
        let runtime = runtimeSeconds(item)
        let key = item.writeItem
        var action: StaticString
        var id: Int64
        switch route {
        case .scrobbleStart:
            // Watching until the rest of the runtime has played: started as if from 0%.
            state.cut(.watching, key, of: u)
            let started = ctx.second - Int64((Double(runtime) * progress / 100).rounded(.down))
            state.add(activity(item, .watching, user: u, time: started))
            action = "\"start\""
            id = Self.playbackID(state.ordinal())
        case .scrobblePause:
            state.cut(.watching, key, of: u)
            id = savePlayback(key, progress, ctx, &state, movie: item.isMovie)
            action = "\"pause\""
        default:
            state.cut(.watching, key, of: u)
            if progress >= 80 {
                // A play, unless this item was just scrobbled (within its runtime): 409.
                let recent = entries(user: u, kinds: [Kind(item.isMovie ? .movie : .episode, .scrobble)!], writes: state.users[u]).first {
                    UserWrites.item($0.a, 0) == key && $0.a.time <= ctx.second && $0.a.time + runtime > ctx.second
                }
                if let recent {
                    var out = JSONBytes()
                    out.raw("{\"watched_at\":")
                    ISOTime.write(recent.a.time, into: &out)
                    out.raw(",\"expires_at\":")
                    ISOTime.write(recent.a.time + runtime, into: &out)
                    out.byte(UInt8(ascii: "}"))
                    return Self.ok(out, status: 409)
                }
                let play = state.add(activity(item, .scrobble, user: u, time: ctx.second))
                if state.users[u]?.playback.removeValue(forKey: key) != nil {
                    state.move([item.isMovie ? .moviesPaused : .episodesPaused], of: u, to: ctx.stampMillis)
                }
                state.move([item.isMovie ? .moviesWatched : .episodesWatched], of: u, to: ctx.stampMillis)
                dropWatched(item, ctx, &state)
                action = "\"scrobble\""
                id = V2IDs.history(play.activity, 0)
            } else {
                id = savePlayback(key, progress, ctx, &state, movie: item.isMovie)
                action = "\"pause\""
            }
        }
        var out = JSONBytes()
        out.raw("{\"id\":")
        out.int(id)
        out.raw(",\"action\":")
        out.raw(action)
        out.raw(",\"progress\":")
        out.text(Self.progressText(progress))
        out.byte(UInt8(ascii: ","))
        Self.sharing(body, &out)
        out.byte(UInt8(ascii: ","))
        writePlayItem(item, &out)
        out.byte(UInt8(ascii: "}"))
        return Self.ok(out, status: 201)
    }

    static func playbackID(_ ordinal: UInt32) -> Int64 { 10_000_000 + Int64(ordinal) }

    /// `75` or `75.5`.
    static func progressText(_ p: Double) -> String {
        p == p.rounded() ? String(Int(p)) : String(format: "%.2f", p)
    }

    func savePlayback(_ key: WriteItem, _ progress: Double, _ ctx: WriteContext, _ state: inout OverlayState, movie: Bool) -> Int64 {
        let u = ctx.user
        state.touch(u)
        let o = state.ordinal()
        let id = state.users[u]?.playback[key]?.id ?? Self.playbackID(o)
        state.users[u, default: UserWrites()].playback[key] = Playback(id: id, progress: progress, pausedAt: ctx.second, ordinal: o)
        state.move([movie ? .moviesPaused : .episodesPaused], of: u, to: ctx.stampMillis)
        return id
    }

    // MARK: playback

    /// `GET /sync/playback[/{movies|episodes}]`: paused playback, newest first.
    func playback(_ u: Int, _ rest: [String], _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        var wantMovies = true
        var wantEpisodes = true
        if let type = rest.first {
            switch type {
            case "movies": wantEpisodes = false
            case "episodes": wantMovies = false
            default: throw V2Error.notFound("playback type must be movies or episodes")
            }
        }
        let rows = (writes(u)?.playback ?? [:]).filter { entry in
            if case .movie = entry.key { return wantMovies }
            return wantEpisodes
        }.sorted { ($0.value.pausedAt, $0.value.ordinal) > ($1.value.pausedAt, $1.value.ordinal) }
        let paging = Paging(c.query, defaultLimit: 10, optional: true)
        var out = JSONBytes()
        out.byte(UInt8(ascii: "["))
        for (n, row) in rows[paging.window(total: rows.count)].enumerated() {
            if n > 0 { out.byte(UInt8(ascii: ",")) }
            out.raw("{\"progress\":")
            out.text(Self.progressText(row.value.progress))
            out.raw(",\"paused_at\":")
            ISOTime.write(row.value.pausedAt, into: &out)
            out.raw(",\"id\":")
            out.int(row.value.id)
            if case .movie(let m) = row.key {
                out.raw(",\"type\":\"movie\",")
                writePlayItem(.movie(m), &out)
            } else if case .episode(let g) = row.key {
                out.raw(",\"type\":\"episode\",")
                writePlayItem(.episode(g), &out)
            }
            out.byte(UInt8(ascii: "}"))
        }
        out.byte(UInt8(ascii: "]"))
        return Self.ok(out, headers: paging.headers(total: rows.count))
    }

    /// `DELETE /sync/playback/{id}`: 204, or 404 for an unknown id.
    func playbackRemove(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        let u = ctx.user
        guard let id = WriteBody.int(body.object["id"]),
            let key = state.users[u]?.playback.first(where: { $0.value.id == Int64(id) })?.key
        else {
            throw V2Error.notFound("playback \(String(describing: body.object["id"] ?? "")) not found")
        }
        state.users[u]?.playback.removeValue(forKey: key)
        if case .movie = key {
            state.move([.moviesPaused], of: u, to: ctx.stampMillis)
        } else {
            state.move([.episodesPaused], of: u, to: ctx.stampMillis)
        }
        return EmulatorResponse(status: 204)
    }
}

extension V2Service.PlayItem {
    var isMovie: Bool {
        if case .movie = self { return true }
        return false
    }
}
