import Foundation

/// How one generated person watches and logs: the habits the viewing simulation follows. Drawn
/// from the seed per user; `fit(dailyActivities:)` then tunes how often they watch so that their
/// history holds the activity the dataset gives them, within human limits.
struct ViewerProfile: Sendable {
    /// Seconds east of UTC of where the user lives (their evenings are evenings there).
    var utcOffset: Int64
    /// Share of days that fall inside a watching spell (people watch in spells, then pause).
    var activeShare: Double
    /// Mean length of a watching spell, in days.
    var spellDays: Double
    /// Chance of watching something on a day inside a spell (weekends more, weekdays less).
    var watchChance: Double
    /// Mean episodes per sitting (a binge is 2–6).
    var bingeMean: Double
    /// Share of sittings that are a movie.
    var movieShare: Double
    /// At most this many movies in any 30 days.
    var moviesPerMonth: Int
    /// Shows in progress at once.
    var concurrentShows: Int
    /// How plays are logged: scrobbles (a media center), seen (marked by hand) or checkins.
    var scrobbleShare: Double
    var seenShare: Double
    /// Chance that a binge marked by hand is logged as one multi-episode `seen`.
    var groupedSeen: Double
    /// Chance of rating an episode after watching it, a movie after watching it, a show when
    /// finishing or dropping it.
    var episodeRating: Double
    var movieRating: Double
    var showRating: Double
    /// The user's usual rating (ratings cluster at 7–9).
    var ratingMean: Double
    /// Chance that a title was on the watchlist before it was started; watchlist additions per
    /// active week that may never be watched.
    var watchlistFirst: Double
    var watchlistAdds: Double
    /// Collectors add the movies and seasons they own.
    var collector: Bool
    /// Chance of a shout after a play (a review is a rarer, longer shout).
    var shoutChance: Double
    /// Chance that a play is announced as `watching` when it starts.
    var watchingChance: Double
    /// Chance, when starting something new, of re-watching a finished favourite instead.
    var rewatchChance: Double
    /// A finished favourite is re-watched only this many days after it was finished.
    var rewatchAfterDays: Int64
    /// Chance that a sitting is one favourite episode again (a pilot, a finale, one they rated 9
    /// or 10).
    var favouriteReplay: Double
    /// Chance, on a watching day in the last weeks, of joining the community's current show.
    var followsTrend: Double
    /// The last this many days are all in a watching spell (justin's: the README's examples
    /// about "this week" always have his rows, whatever the clock).
    var activeDaysAtEnd: Int64
    /// Genres the user seeks out and genres they avoid (bits of ``ViewingCatalogue/genres``):
    /// what they start is chosen by popularity weighted by taste.
    var likedGenres: UInt32
    var dislikedGenres: UInt32

    /// The most hours of plays one person logs in one local day.
    static let dailyMinutesCap = 390
    /// Hours of viewing the heaviest habits reach on an average day (activeShare · watchChance ·
    /// sittings · episodes): kept under the "about 5–6 hours a day" a real heavy viewer reaches.
    static let maximumActiveShare = 0.9
    static let maximumWatchChance = 0.92
    static let maximumBinge = 3.6

    /// Draws the habits of user `index` (user 0, justin, is the README's example: a steady,
    /// heavy-ish viewer who rates, collects and keeps a watchlist).
    static func draw(index: Int, location: String, seed: UInt64) -> ViewerProfile {
        var rng = SplitMix64(seed: seed, stream: 0x5EED_0000 + UInt64(index))
        let offset = Self.utcOffset(location: location, rng: &rng)
        // Logging styles: media-center scrobblers, hand loggers, check-in people, and the mixed.
        let style = rng.unit()
        let (scrobble, seen): (Double, Double) =
            style < 0.4 ? (0.85, 0.12) : style < 0.75 ? (0.08, 0.8) : style < 0.85 ? (0.2, 0.4) : (0.45, 0.45)
        let rater = rng.unit()
        var p = ViewerProfile(
            utcOffset: offset,
            activeShare: 0.2 + 0.5 * rng.unit(),
            spellDays: 6 + 20 * rng.unit(),
            watchChance: 0.45 + 0.35 * rng.unit(),
            bingeMean: 1.6 + 1.2 * rng.unit(),
            movieShare: 0.15 + 0.25 * rng.unit(),
            moviesPerMonth: 2 + rng.below(4),
            concurrentShows: 1 + rng.below(3),
            scrobbleShare: scrobble, seenShare: seen,
            groupedSeen: 0.15 + 0.3 * rng.unit(),
            episodeRating: rater < 0.15 ? 0.75 : rater < 0.5 ? 0.12 + 0.2 * rng.unit() : 0.02 + 0.06 * rng.unit(),
            movieRating: 0.35 + 0.6 * rng.unit(),
            showRating: 0.3 + 0.6 * rng.unit(),
            ratingMean: 7.0 + 1.2 * rng.unit(),
            watchlistFirst: 0.1 + 0.5 * rng.unit(),
            watchlistAdds: 0.1 + 0.5 * rng.unit(),
            collector: rng.chance(0.25),
            shoutChance: rng.chance(0.35) ? 0.01 + 0.04 * rng.unit() : 0.002,
            watchingChance: 0.03 + 0.12 * rng.unit(),
            rewatchChance: 0.02 + 0.04 * rng.unit(),
            rewatchAfterDays: 300,
            favouriteReplay: 0.004 + 0.012 * rng.unit(),
            followsTrend: 0.6,
            activeDaysAtEnd: 0,
            likedGenres: 0, dislikedGenres: 0)
        // Two genres liked, one avoided, drawn in proportion to how common they are.
        let genreSampler = WeightedSampler(weights: ViewingCatalogue.genreWeights)
        while p.likedGenres.nonzeroBitCount < 2 { p.likedGenres |= 1 << UInt32(genreSampler.sample(&rng)) }
        while p.dislikedGenres == 0 {
            let g = UInt32(1) << UInt32(genreSampler.sample(&rng))
            if g & p.likedGenres == 0 { p.dislikedGenres = g }
        }
        if index == 0 {
            p.activeShare = 0.8
            p.spellDays = 30
            p.watchChance = 0.8
            p.bingeMean = 2.3
            p.movieShare = 0.11
            p.moviesPerMonth = 3
            p.concurrentShows = 2
            p.scrobbleShare = 0.7
            p.seenShare = 0.25
            p.episodeRating = 0.5
            p.movieRating = 0.9
            p.showRating = 0.9
            p.ratingMean = 7.6
            p.watchlistFirst = 0.5
            p.watchlistAdds = 0.4
            p.collector = true
            p.shoutChance = 0.02
            p.rewatchChance = 0.2
            p.rewatchAfterDays = 150
            p.favouriteReplay = 0.03
            p.followsTrend = 1
            p.activeDaysAtEnd = 21
            p.likedGenres = ViewingCatalogue.genreMask(["Crime", "Science Fiction", "Thriller"])
            p.dislikedGenres = ViewingCatalogue.genreMask(["Animation", "Family"])
        }
        return p
    }

    /// How much more (or less) likely this user is to pick a title with `genres` than its
    /// popularity alone says.
    func taste(genres: UInt32) -> Double {
        let liked = Double((genres & likedGenres).nonzeroBitCount)
        return (1 + 2.5 * liked) * (genres & dislikedGenres != 0 ? 0.2 : 1)
    }

    /// Sittings on a watching day (a second one on some days, more often at weekends).
    static let sittingsPerWatchDay = 1.2

    /// Plays per sitting.
    var playsPerSitting: Double { movieShare + (1 - movieShare) * bingeMean }

    /// Activities per day this profile produces on average (plays and what comes with them:
    /// ratings, watchlist and collection entries, shouts, `watching`). An estimate: the
    /// generator keeps the newest activities it needs and tolerates the error.
    var dailyActivities: Double {
        let plays = activeShare * watchChance * Self.sittingsPerWatchDay * playsPerSitting
        let moviePart = movieShare / max(playsPerSitting, 0.01)
        let perPlay = 1 + watchingChance + shoutChance * 1.2
            + (1 - moviePart) * (episodeRating + (collector ? 0.03 : 0) + 0.02)
            + moviePart * (movieRating + watchlistFirst + (collector ? 0.5 : 0))
        // Hand-logged binges collapse into one multi-episode seen now and then.
        let grouping = 1 - seenShare * groupedSeen * (1 - moviePart) * 0.5
        return plays * perPlay * grouping
    }

    /// Tunes the habits to produce `target` activities a day: first how many days are spent
    /// in a spell, then how often a spell day has viewing, then how long a sitting lasts. Returns
    /// false when even the heaviest habits fall short (the caller then gives the user less).
    mutating func fit(dailyActivities target: Double) -> Bool {
        let base = dailyActivities
        guard base > 0, target > 0 else { return true }
        var factor = target / base
        let shareRoom = Self.maximumActiveShare / activeShare
        let shareStep = min(factor, shareRoom)
        activeShare *= shareStep
        factor /= shareStep
        if factor > 1 {
            let step = min(factor, Self.maximumWatchChance / watchChance)
            watchChance *= step
            factor /= step
        }
        if factor > 1 {
            let step = min(factor, Self.maximumBinge / bingeMean)
            bingeMean *= step
            factor /= step
        }
        return factor <= 1.0001
    }

    /// The heaviest habits this profile can be tuned to: its daily activities at the limits.
    var capacity: Double {
        var p = self
        p.activeShare = Self.maximumActiveShare
        p.watchChance = Self.maximumWatchChance
        p.bingeMean = Self.maximumBinge
        return p.dailyActivities
    }

    /// The UTC offset of a location in the people seeds (standard time; unknown places get a
    /// North American or European one).
    static func utcOffset(location: String, rng: inout SplitMix64) -> Int64 {
        let hours: Int64
        switch location {
        case let l where l.hasSuffix(", CA, USA") || l.hasSuffix(", WA, USA") || l.hasSuffix(", OR, USA") || l.hasSuffix(", BC, Canada"): hours = -8
        case let l where l.hasSuffix(", CO, USA"): hours = -7
        case let l where l.hasSuffix(", IL, USA") || l.hasSuffix(", TX, USA") || l.hasPrefix("Mexico City"): hours = -6
        case let l where l.hasSuffix(", NY, USA") || l.hasSuffix(", GA, USA") || l.hasSuffix(", MA, USA") || l.hasSuffix(", ON, Canada"): hours = -5
        case let l where l.hasSuffix("United Kingdom") || l.hasSuffix("Ireland"): hours = 0
        case let l where l.hasSuffix("Australia"): hours = 10
        case let l where l.hasSuffix("New Zealand"): hours = 12
        case let l where l.hasSuffix("Japan"): hours = 9
        case let l where l.hasSuffix("Brazil"): hours = -3
        case "": hours = [-8, -6, -5, -5, 0, 1][rng.below(6)]
        default: hours = 1
        }
        return hours * 3600
    }
}
