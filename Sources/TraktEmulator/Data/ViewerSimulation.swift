import Foundation

/// One person's viewing history, simulated day by day from their habits (``ViewerProfile``):
/// watching spells and pauses, evening sittings (more at weekends), shows watched in order in
/// binges of a few episodes, finished or dropped, new episodes watched when they air, a few
/// movies a month, the odd re-watch of a favourite; ratings, watchlist, collection, shouts and
/// `watching` follow the plays. The scratch state is reused from one user to the next.
struct ViewerSimulation {
    let catalogue: ViewingCatalogue
    let now: Int64
    /// The dataset's oldest possible instant: where simulated days may begin.
    let floor: Int64
    /// Nothing is dated before this (the dataset's floor; for the community after the dataset's
    /// end, ``CommunityFeed``, the day being simulated): what would be is left out.
    var emitFloor: Int64
    /// The community's trend (``ViewingCatalogue/trendingShow``) peaks at this instant (the
    /// dataset's end) and fades as long after it as it took to rise.
    let trendEnd: Int64
    /// A `now` no simulation reaches: the community after the dataset's end is simulated day by
    /// day with no end in sight.
    static let openEnd: Int64 = 1 << 60

    static let maximumPlaysPerEpisode: UInt8 = 5
    static let maximumPlaysPerMovie: UInt8 = 3
    /// A favourite episode is played again at most until it has this many plays.
    static let maximumReplaysOfAFavourite: UInt8 = 3

    static let episodeKinds = (scrobble: Kind(.episode, .scrobble)!, seen: Kind(.episode, .seen)!, checkin: Kind(.episode, .checkin)!,
                               watching: Kind(.episode, .watching)!, rating: Kind(.episode, .rating)!, collection: Kind(.episode, .collection)!,
                               watchlist: Kind(.episode, .watchlist)!, shout: Kind(.episode, .shout)!, review: Kind(.episode, .review)!)
    static let showKinds = (rating: Kind(.show, .rating)!, watchlist: Kind(.show, .watchlist)!, shout: Kind(.show, .shout)!,
                            review: Kind(.show, .review)!)
    static let movieKinds = (scrobble: Kind(.movie, .scrobble)!, seen: Kind(.movie, .seen)!, checkin: Kind(.movie, .checkin)!,
                             watching: Kind(.movie, .watching)!, rating: Kind(.movie, .rating)!, collection: Kind(.movie, .collection)!,
                             watchlist: Kind(.movie, .watchlist)!, shout: Kind(.movie, .shout)!, review: Kind(.movie, .review)!)

    enum ShowStatus: UInt8 { case new, watching, waiting, finished, dropped }

    // Per user (reset by `run`).
    private var user: UInt32 = 0
    private var profile: ViewerProfile
    private var rng = SplitMix64(seed: 0)
    private var status: [ShowStatus]
    private var next: [Int]
    private var affinity: [Double]
    private var passes: [UInt8]
    /// When each show was finished or dropped (a favourite is re-watched, a dropped show
    /// given another go, only after a while).
    private var finishedAt: [Int64]
    private var inProgress: [Int] = []
    private var waiting: [Int] = []
    private var episodePlays: [UInt8]
    private var touchedEpisodes: [Int] = []
    /// Episodes this user loved (rated 9 or 10, or stood out): the ones they play again.
    private var favouriteEpisodes: [Int] = []
    private var moviePlays: [UInt8]
    private var movieAffinity: [Double]
    private var recentMovies: [Int64] = []
    /// What this user picks when they start something: popularity weighted by their taste.
    private var showSampler: WeightedSampler
    private var movieSampler: WeightedSampler
    /// Watching spells: whether the user is in one, and the daily chances of leaving or entering one.
    private var active = false
    private var spellLeave = 0.0
    private var spellEnter = 0.0
    /// When the user's last sitting ended.
    private var lastEnd = Int64.min

    init(catalogue: ViewingCatalogue, now: Int64, floor: Int64, trendEnd: Int64? = nil) {
        self.catalogue = catalogue
        self.now = now
        self.floor = floor
        emitFloor = floor
        self.trendEnd = trendEnd ?? now
        let shows = catalogue.showFirst.count
        profile = ViewerProfile.draw(index: 1, location: "", seed: 0)
        status = Array(repeating: .new, count: shows)
        next = Array(repeating: 0, count: shows)
        affinity = Array(repeating: 0, count: shows)
        passes = Array(repeating: 0, count: shows)
        finishedAt = Array(repeating: 0, count: shows)
        episodePlays = Array(repeating: 0, count: catalogue.episodes.count)
        moviePlays = Array(repeating: 0, count: catalogue.movieRuntime.count)
        movieAffinity = Array(repeating: 0, count: catalogue.movieRuntime.count)
        showSampler = catalogue.showSampler
        movieSampler = catalogue.movieSampler
    }

    /// Appends `user`'s activity from `start` to `now` to `out`.
    mutating func run(user: Int, profile: ViewerProfile, from start: Int64, seed: UInt64, into out: inout [Activity]) {
        begin(user: user, profile: profile, seed: seed)
        let offset = profile.utcOffset
        let firstDay = Self.day(of: max(start, floor) + offset)
        let lastDay = Self.day(of: now + offset)
        guard firstDay <= lastDay else { return }
        beginSpells()
        for day in firstDay...lastDay {
            simulate(day: day, forceActive: day > lastDay - profile.activeDaysAtEnd, into: &out)
        }
        // The dataset's end is a moment in a live community: now and then someone awake is in
        // the middle of something, and their media center says so (`watching`).
        let hourNow = (now + offset - lastDay * 86_400) / 3600
        if active && (hourNow >= 10 || hourNow < 1) && rng.chance(Self.watchingNowChance * profile.watchChance) {
            let start = now - 60 - Int64(rng.below(40 * 60))
            if start > lastEnd + 600 {
                let habits = self.profile
                self.profile.scrobbleShare = 1
                var minutesLeft = ViewerProfile.dailyMinutesCap
                if rng.chance(profile.movieShare) {
                    _ = watchMovie(start: start, minutesLeft: &minutesLeft, out: &out)
                } else {
                    _ = watchEpisodes(start: start, minutesLeft: &minutesLeft, out: &out)
                }
                self.profile = habits
            }
        }
    }

    /// Simulates `user` as ``run(user:profile:from:seed:into:)`` does up to the end of the local
    /// day that holds `datasetEnd`, but as if time went on (this simulation's `now` is
    /// ``openEnd``): the same days, the same draws, and what the rest of that day brings. Returns
    /// that day; ``simulate(day:forceActive:into:)`` continues with the next ones.
    mutating func resume(user: Int, profile: ViewerProfile, from start: Int64, seed: UInt64, datasetEnd: Int64,
                         into out: inout [Activity]) -> Int64 {
        begin(user: user, profile: profile, seed: seed)
        let offset = profile.utcOffset
        let firstDay = Self.day(of: max(start, floor) + offset)
        let lastDay = Self.day(of: datasetEnd + offset)
        beginSpells()
        if firstDay <= lastDay {
            for day in firstDay...lastDay {
                simulate(day: day, forceActive: day > lastDay - profile.activeDaysAtEnd, into: &out)
            }
        }
        return lastDay
    }

    /// Resets the per-user state for `user`.
    private mutating func begin(user: Int, profile: ViewerProfile, seed: UInt64) {
        self.user = UInt32(user)
        self.profile = profile
        rng = SplitMix64(seed: seed, stream: 0xA11_0000 + UInt64(user))
        for i in status.indices {
            status[i] = .new
            next[i] = catalogue.showFirst[i]
            passes[i] = 0
        }
        inProgress.removeAll(keepingCapacity: true)
        waiting.removeAll(keepingCapacity: true)
        for e in touchedEpisodes { episodePlays[e] = 0 }
        touchedEpisodes.removeAll(keepingCapacity: true)
        favouriteEpisodes.removeAll(keepingCapacity: true)
        for m in moviePlays.indices { moviePlays[m] = 0 }
        recentMovies.removeAll(keepingCapacity: true)
        if !catalogue.showGenres.isEmpty {
            showSampler = WeightedSampler(weights: catalogue.showGenres.indices.map {
                catalogue.showPopularity[$0] * profile.taste(genres: catalogue.showGenres[$0])
            })
        }
        if !catalogue.movieGenres.isEmpty {
            movieSampler = WeightedSampler(weights: catalogue.movieGenres.indices.map {
                catalogue.moviePopularity[$0] * profile.taste(genres: catalogue.movieGenres[$0])
            })
        }
    }

    /// Starts the spell chain (after ``begin``): whether the user is in a watching spell on the first day.
    private mutating func beginSpells() {
        let share = min(profile.activeShare, 0.98)
        spellLeave = 1 / max(profile.spellDays, 1)
        spellEnter = spellLeave * share / (1 - share)
        active = rng.chance(share)
        lastEnd = Int64.min
    }

    /// One local day of the user's life (days in order, after ``beginSpells()``): maybe a
    /// watchlist addition, and on a watching day one or two sittings. `forceActive`: the day is
    /// in a spell whatever the chain says (justin's last weeks).
    mutating func simulate(day: Int64, forceActive: Bool = false, into out: inout [Activity]) {
        let offset = profile.utcOffset
        active = active ? !rng.chance(spellLeave) : rng.chance(spellEnter)
        if forceActive { active = true }
        guard active else { return }
        let midnight = day * 86_400 - offset
        let weekday = Int((day + 3) % 7)  // 0 = Monday (1970-01-01 was a Thursday)
        let weekend = weekday >= 4  // Friday to Sunday evenings
        let factor = [0.85, 0.85, 0.85, 0.85, 1.1, 1.3, 1.2][weekday]
        sideActivities(midnight: midnight, out: &out)
        guard rng.chance(profile.watchChance * factor) else { return }
        let sittings = rng.chance(weekend ? 0.3 : 0.12) ? 2 : 1
        var minutesLeft = ViewerProfile.dailyMinutesCap
        var cursor = midnight
        for sitting in 0..<sittings {
            var local: Double
            if sittings == 2 && sitting == 0 {
                local = 13 + 4 * rng.unit()
            } else if rng.chance(weekend ? 0.15 : 0.08) {
                // A lunch break, a day off, a rainy afternoon.
                local = 11 + 6.5 * rng.unit()
            } else if rng.chance(0.05) {
                local = 22.5 + 2 * rng.unit()
            } else {
                let tri = (rng.unit() + rng.unit()) / 2
                local = weekend ? 18 + 4.5 * tri : 18.8 + 3.4 * tri
            }
            let start = max(midnight + Int64(local * 3600), cursor + 600)
            guard start < now else { break }
            var end: Int64? = nil
            if rng.chance(profile.movieShare) { end = watchMovie(start: start, minutesLeft: &minutesLeft, out: &out) }
            if end == nil && rng.chance(profile.favouriteReplay) { end = replayFavourite(start: start, minutesLeft: &minutesLeft, out: &out) }
            if end == nil { end = watchEpisodes(start: start, minutesLeft: &minutesLeft, out: &out) }
            cursor = end ?? start
            lastEnd = cursor
        }
    }

    /// Chance (times the user's chance of watching on a day) that a user awake at the dataset's
    /// end is watching something right then: a handful of the default scale's 411.
    static let watchingNowChance = 0.06

    @inline(__always)
    static func day(of unix: Int64) -> Int64 { unix >= 0 ? unix / 86_400 : (unix - 86_399) / 86_400 }

    // MARK: - Emitting

    @inline(__always)
    private mutating func emit(_ time: Int64, _ kind: Kind, subject: Int, item: Int = 0, extra: UInt16 = 0, into out: inout [Activity]) {
        // What would fall before the dataset's history (a watchlist entry months before the
        // first watch) was never logged here.
        guard time <= now, time >= emitFloor else { return }
        out.append(Activity(time: time, id: 0, user: user, subject: UInt32(subject), item: UInt32(item), extra: extra, kind: kind))
    }

    /// A rating around the user's usual one, higher for what they liked (1–10).
    private mutating func rating(liking: Double) -> UInt16 {
        let noise = (rng.unit() + rng.unit() + rng.unit() + rng.unit() - 2) * 1.7
        let value = profile.ratingMean + (liking - 0.6) * 3.5 + noise * 0.8
        return UInt16(min(10, max(1, Int(value.rounded()))))
    }

    /// A waking hour (9:00–23:00 where the user lives) of a day `days` before `time`, and
    /// before `time` (what was listed or bought before it was watched).
    private mutating func daytime(before time: Int64, days: ClosedRange<Int>) -> Int64 {
        let day = Self.day(of: time + profile.utcOffset) - Int64(rng.int(in: days))
        let instant = day * 86_400 - profile.utcOffset + 9 * 3600 + Int64(rng.below(14 * 3600))
        return instant < time ? instant : time - 60 - Int64(rng.below(3600))
    }

    /// How much the user likes a title they have just started (0–1): mostly well (people pick
    /// what they expect to like), better in a genre they like, worse in one they avoid.
    private mutating func opinion(genres: UInt32) -> Double {
        let base = pow(rng.unit(), 0.6)
        let liked = Double((genres & profile.likedGenres).nonzeroBitCount)
        let avoided = genres & profile.dislikedGenres != 0
        return min(1, (base + 0.1 * liked) * (avoided ? 0.5 : 1))
    }

    /// How a sitting is logged.
    private mutating func logging() -> Int {
        let r = rng.unit()
        return r < profile.scrobbleShare ? 0 : r < profile.scrobbleShare + profile.seenShare ? 1 : 2
    }

    private mutating func shout(_ time: Int64, shoutKind: Kind, reviewKind: Kind, subject: Int, item: Int = 0, weight: Double = 1,
                                into out: inout [Activity]) {
        guard rng.chance(profile.shoutChance * weight) else { return }
        let review = rng.chance(0.3)
        let spoiler: UInt16 = rng.chance(review ? 0.2 : 0.1) ? 1 : 0
        emit(time + 120 + Int64(rng.below(1200)), review ? reviewKind : shoutKind, subject: subject, item: item, extra: spoiler, into: &out)
    }

    /// Watchlist additions that may never be watched, and the odd rating of something watched
    /// before the user tracked it.
    private mutating func sideActivities(midnight: Int64, out: inout [Activity]) {
        if rng.chance(profile.watchlistAdds / 7) {
            let time = midnight + 12 * 3600 + Int64(rng.below(11 * 3600))
            if rng.chance(0.6) {
                let s = showSampler.sample(&rng)
                if status[s] == .new { emit(time, Self.showKinds.watchlist, subject: s, into: &out) }
            } else if !catalogue.movieRuntime.isEmpty {
                let m = movieSampler.sample(&rng)
                if moviePlays[m] == 0 { emit(time, Self.movieKinds.watchlist, subject: m, into: &out) }
            }
        }
        if rng.chance(0.008) {
            let time = midnight + 12 * 3600 + Int64(rng.below(11 * 3600))
            if rng.chance(0.5) {
                let s = showSampler.sample(&rng)
                if status[s] == .new { emit(time, Self.showKinds.rating, subject: s, extra: rating(liking: 0.75), into: &out) }
            } else if !catalogue.movieRuntime.isEmpty {
                let m = movieSampler.sample(&rng)
                if moviePlays[m] == 0 && catalogue.movieReleased[m] < time {
                    emit(time, Self.movieKinds.rating, subject: m, extra: rating(liking: 0.75), into: &out)
                }
            }
        }
    }

    // MARK: - Movies

    /// Watches a movie at `start`, or returns nil (none left to see, a movie already this
    /// month, or no time left today).
    private mutating func watchMovie(start: Int64, minutesLeft: inout Int, out: inout [Activity]) -> Int64? {
        let count = catalogue.movieRuntime.count
        guard count > 0 else { return nil }
        recentMovies.removeAll { $0 < start - 30 * 86_400 }
        guard recentMovies.count < profile.moviesPerMonth else { return nil }
        var pick: Int?
        if rng.chance(0.05) {
            // A favourite again (rarely).
            let m = rng.below(count)
            if moviePlays[m] > 0 && moviePlays[m] < Self.maximumPlaysPerMovie && movieAffinity[m] > 0.8 { pick = m }
        }
        if pick == nil && rng.chance(0.5) {
            // Something new in cinemas or on streaming.
            let first = rng.below(count)
            for k in 0..<count {
                let m = (first + k) % count
                let released = catalogue.movieReleased[m]
                if moviePlays[m] == 0 && released <= start && released > start - 120 * 86_400 {
                    pick = m
                    break
                }
            }
        }
        if pick == nil {
            for _ in 0..<16 {
                let m = movieSampler.sample(&rng)
                if moviePlays[m] == 0 && catalogue.movieReleased[m] <= start {
                    pick = m
                    break
                }
            }
        }
        if pick == nil {
            // Nothing new left: an old favourite.
            let first = rng.below(count)
            for k in 0..<count {
                let m = (first + k) % count
                if moviePlays[m] == 1 && movieAffinity[m] > 0.7 {
                    pick = m
                    break
                }
            }
        }
        guard let m = pick else { return nil }
        let runtime = catalogue.movieRuntime[m]
        let end = start + runtime
        if end > now {
            // Still playing at the dataset's end.
            if moviePlays[m] == 0 { emit(start + 60, Self.movieKinds.watching, subject: m, into: &out) }
            return now
        }
        guard Int(runtime / 60) <= minutesLeft else { return nil }
        minutesLeft -= Int(runtime / 60)
        let first = moviePlays[m] == 0
        moviePlays[m] += 1
        recentMovies.append(start)
        let liking = first ? opinion(genres: catalogue.movieGenres[m]) : movieAffinity[m]
        movieAffinity[m] = liking
        if first {
            if rng.chance(profile.watchlistFirst) {
                emit(daytime(before: start, days: 5...155), Self.movieKinds.watchlist, subject: m, into: &out)
            }
            if profile.collector && rng.chance(0.5) {
                emit(daytime(before: start, days: 0...30), Self.movieKinds.collection, subject: m, into: &out)
            }
        }
        switch logging() {
        case 0:
            if rng.chance(profile.watchingChance) { emit(start + 60, Self.movieKinds.watching, subject: m, into: &out) }
            emit(end, Self.movieKinds.scrobble, subject: m, into: &out)
        case 1: emit(end + Int64(rng.below(3600)), Self.movieKinds.seen, subject: m, into: &out)
        default:
            emit(start, Self.movieKinds.checkin, subject: m, into: &out)
        }
        if first && rng.chance(profile.movieRating) {
            emit(end + 120 + Int64(rng.below(1800)), Self.movieKinds.rating, subject: m, extra: rating(liking: liking), into: &out)
        }
        shout(end, shoutKind: Self.movieKinds.shout, reviewKind: Self.movieKinds.review, subject: m, weight: 10, into: &out)
        return end
    }

    // MARK: - Shows

    /// Plays one favourite episode again at `start` (logged as the user logs), or returns nil
    /// (no favourite yet, played enough, or no time left today).
    private mutating func replayFavourite(start: Int64, minutesLeft: inout Int, out: inout [Activity]) -> Int64? {
        guard !favouriteEpisodes.isEmpty else { return nil }
        let e = favouriteEpisodes[rng.below(favouriteEpisodes.count)]
        let s = Int(catalogue.episodes[e].show)
        let runtime = catalogue.showRuntime[s]
        let end = start + runtime
        guard end <= now, episodePlays[e] < Self.maximumReplaysOfAFavourite, Int(runtime / 60) <= minutesLeft else { return nil }
        episodePlays[e] += 1
        minutesLeft -= Int(runtime / 60)
        switch logging() {
        case 0: emit(end, Self.episodeKinds.scrobble, subject: s, item: e, into: &out)
        case 1: emit(end + Int64(rng.below(600)), Self.episodeKinds.seen, subject: s, item: e, extra: 1, into: &out)
        default: emit(start, Self.episodeKinds.checkin, subject: s, item: e, into: &out)
        }
        return end
    }

    private mutating func start(show s: Int, at time: Int64, out: inout [Activity]) {
        let before = status[s]
        status[s] = .watching
        next[s] = catalogue.showFirst[s]
        inProgress.insert(s, at: 0)
        if before == .finished {
            passes[s] += 1
        } else {
            // A new show, or a dropped one given another go: a new opinion of it.
            affinity[s] = opinion(genres: catalogue.showGenres[s])
            if before == .new && rng.chance(profile.watchlistFirst) {
                // The show, or now and then its pilot, waited on the watchlist.
                let listed = daytime(before: time, days: 3...123)
                if rng.chance(0.25) {
                    emit(listed, Self.episodeKinds.watchlist, subject: s, item: catalogue.showFirst[s], into: &out)
                } else {
                    emit(listed, Self.showKinds.watchlist, subject: s, into: &out)
                }
            }
        }
    }

    /// The show for a sitting at `time`: newly aired episodes of a followed show first, then a
    /// show in progress, else something new (or, now and then, a finished favourite again).
    private mutating func pickShow(at time: Int64, out: inout [Activity]) -> Int? {
        let episodes = catalogue.episodes
        if let trending = catalogue.trendingShow, let pull = trendPull(at: time),
           status[trending] == .new || (status[trending] == .finished && passes[trending] == 0)
            || (status[trending] == .dropped && time - finishedAt[trending] > 365 * 86_400),
           rng.chance(profile.followsTrend * 2 * pull / Double(ViewingCatalogue.trendWindow)) {
            // Everyone is talking about it, more and more: start it (start it over, or give it
            // another go a year or more after dropping it).
            start(show: trending, at: time, out: &out)
            return trending
        }
        if !waiting.isEmpty {
            for (i, s) in waiting.enumerated() where next[s] < catalogue.showEnd[s] && episodes[next[s]].firstAired <= time {
                if rng.chance(0.9) {
                    waiting.remove(at: i)
                    status[s] = .watching
                    inProgress.insert(s, at: 0)
                    return s
                }
            }
        }
        if !inProgress.isEmpty && (inProgress.count >= profile.concurrentShows || !rng.chance(0.12)) {
            // Mostly the most recent one.
            let i = rng.chance(0.7) ? 0 : rng.below(inProgress.count)
            return inProgress[i]
        }
        if rng.chance(profile.rewatchChance) {
            let count = status.count
            let first = rng.below(count)
            for k in 0..<count {
                let s = (first + k) % count
                if status[s] == .finished && affinity[s] >= 0.75 && passes[s] < 1 && time - finishedAt[s] > profile.rewatchAfterDays * 86_400 {
                    start(show: s, at: time, out: &out)
                    return s
                }
            }
        }
        if let trending = catalogue.trendingShow, trendPull(at: time) != nil, status[trending] == .new, rng.chance(0.5) {
            start(show: trending, at: time, out: &out)
            return trending
        }
        for _ in 0..<16 {
            let s = showSampler.sample(&rng)
            if status[s] == .new && catalogue.showFirst[s] < catalogue.showEnd[s] && episodes[catalogue.showFirst[s]].firstAired <= time {
                start(show: s, at: time, out: &out)
                return s
            }
        }
        return inProgress.first
    }

    /// How far into the community's trend `time` is, in seconds of its rise (nil outside it): it
    /// rises over the ``ViewingCatalogue/trendWindow`` before ``trendEnd`` and falls as fast after.
    private func trendPull(at time: Int64) -> Double? {
        let window = ViewingCatalogue.trendWindow
        guard time >= trendEnd - window, time <= trendEnd + window else { return nil }
        return time <= trendEnd ? Double(time - (trendEnd - window)) : Double(trendEnd + window - time)
    }

    private mutating func leave(show s: Int, as newStatus: ShowStatus) {
        status[s] = newStatus
        inProgress.removeAll { $0 == s }
        if newStatus == .waiting { waiting.append(s) }
    }

    /// A binge of episodes of one show from `start`; returns when it ended, or nil if nothing
    /// was watched.
    private mutating func watchEpisodes(start: Int64, minutesLeft: inout Int, out: inout [Activity]) -> Int64? {
        guard let s = pickShow(at: start, out: &out) else { return nil }
        let runtime = catalogue.showRuntime[s]
        let minutes = Int(runtime / 60)
        var length = 1
        let more = (profile.bingeMean - 1) / profile.bingeMean
        while length < 6 && rng.chance(more) { length += 1 }
        if runtime <= 30 * 60 { length = min(6, length + length / 2) }
        let style = logging()
        let grouped = style == 1 && length >= 2 && rng.chance(profile.groupedSeen)
        var groupFirst = -1
        var groupCount = 0
        var groupSeason = -1
        var groupEnd: Int64 = 0
        func flush(_ out: inout [Activity], _ sim: inout ViewerSimulation) {
            guard groupCount > 0 else { return }
            sim.emit(groupEnd + Int64(sim.rng.below(1800)), Self.episodeKinds.seen, subject: s, item: groupFirst, extra: UInt16(groupCount), into: &out)
            groupCount = 0
        }
        var time = start
        var watched = false
        let episodes = catalogue.episodes
        for _ in 0..<length {
            let e = next[s]
            if e >= catalogue.showEnd[s] { break }
            if episodes[e].firstAired > time {
                // Caught up: wait for the next episode to air (and maybe put it on the watchlist).
                leave(show: s, as: .waiting)
                if rng.chance(0.2) { emit(time, Self.episodeKinds.watchlist, subject: s, item: e, into: &out) }
                break
            }
            let end = time + runtime
            if end > now && time <= now && style != 1 {
                // Still playing at the dataset's end: the media center says so.
                emit(time + 30, Self.episodeKinds.watching, subject: s, item: e, into: &out)
                break
            }
            guard end <= now, minutes <= minutesLeft else { break }
            let season = Int(episodes[e].seasonIndex)
            if e == catalogue.seasons[season].firstEpisode && passes[s] == 0 && profile.collector && rng.chance(0.35) {
                emit(daytime(before: time, days: 0...10), Self.episodeKinds.collection, subject: s, item: e,
                     extra: UInt16(catalogue.seasons[season].episodeCount), into: &out)
            }
            if episodePlays[e] < Self.maximumPlaysPerEpisode {
                if episodePlays[e] == 0 { touchedEpisodes.append(e) }
                episodePlays[e] += 1
                minutesLeft -= minutes
                watched = true
                switch style {
                case 0:
                    if rng.chance(profile.watchingChance) { emit(time + 30, Self.episodeKinds.watching, subject: s, item: e, into: &out) }
                    emit(end, Self.episodeKinds.scrobble, subject: s, item: e, into: &out)
                case 1:
                    if grouped {
                        if groupCount > 0 && groupSeason != season { flush(&out, &self) }
                        if groupCount == 0 {
                            groupFirst = e
                            groupSeason = season
                        }
                        groupCount += 1
                        groupEnd = end
                    } else {
                        emit(end + Int64(rng.below(600)), Self.episodeKinds.seen, subject: s, item: e, extra: 1, into: &out)
                    }
                default:
                    emit(time, Self.episodeKinds.checkin, subject: s, item: e, into: &out)
                }
                if passes[s] == 0 && rng.chance(profile.episodeRating) {
                    let value = rating(liking: affinity[s])
                    emit(end + 60 + Int64(rng.below(900)), Self.episodeKinds.rating, subject: s, item: e, extra: value, into: &out)
                    if value >= 9 { favouriteEpisodes.append(e) }
                } else if passes[s] == 0 && affinity[s] >= 0.85 && rng.chance(0.02) {
                    favouriteEpisodes.append(e)
                }
                shout(end, shoutKind: Self.episodeKinds.shout, reviewKind: Self.episodeKinds.review, subject: s, item: e, into: &out)
                time = end + Int64(rng.below(300))
            }
            next[s] = e + 1
            if next[s] >= catalogue.showEnd[s] {
                flush(&out, &self)
                leave(show: s, as: .finished)
                finishedAt[s] = time
                if passes[s] == 0 && rng.chance(profile.showRating) {
                    emit(time + 300 + Int64(rng.below(3600)), Self.showKinds.rating, subject: s, extra: rating(liking: affinity[s] + 0.1), into: &out)
                }
                shout(time, shoutKind: Self.showKinds.shout, reviewKind: Self.showKinds.review, subject: s, weight: 15, into: &out)
                break
            }
            if e + 1 == catalogue.seasons[season].firstEpisode + catalogue.seasons[season].episodeCount {
                // A season finale gets people talking.
                shout(time, shoutKind: Self.showKinds.shout, reviewKind: Self.showKinds.review, subject: s, weight: 3, into: &out)
            }
            if passes[s] == 0 {
                // People drop what they do not like, mostly early.
                let early = Int(episodes[e].season) <= 2
                let dislike = affinity[s] < 0.35 ? 0.1 : affinity[s] < 0.55 ? 0.025 : 0.003
                if rng.chance(early ? dislike : dislike / 2) {
                    flush(&out, &self)
                    leave(show: s, as: .dropped)
                    finishedAt[s] = time
                    shout(time, shoutKind: Self.showKinds.shout, reviewKind: Self.showKinds.review, subject: s, weight: 8, into: &out)
                    if rng.chance(profile.showRating * 0.5) {
                        emit(time + 300, Self.showKinds.rating, subject: s, extra: rating(liking: affinity[s] - 0.2), into: &out)
                    }
                    break
                }
            }
        }
        flush(&out, &self)
        return watched ? time : nil
    }
}
