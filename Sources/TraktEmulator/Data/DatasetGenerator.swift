import Foundation
import TraktProtocol

extension Dataset {
    /// The longest history, ending at `now`: four years. How far back a user's history goes
    /// depends on how much they log (``ViewingPlan``).
    static let span: Int64 = 1_461 * 86_400

    /// Relative weights of the 22 non-list kinds (list activity is generated separately, about
    /// 4.6% of the total). Many seen/scrobble, fewer ratings, few shouts, fewer reviews.
    static let kindWeights: [(Kind, Double)] = [
        (Kind(.episode, .watching)!, 20), (Kind(.episode, .scrobble)!, 150), (Kind(.episode, .checkin)!, 35),
        (Kind(.episode, .seen)!, 190), (Kind(.episode, .collection)!, 45), (Kind(.episode, .rating)!, 70),
        (Kind(.episode, .watchlist)!, 25), (Kind(.episode, .shout)!, 22), (Kind(.episode, .review)!, 5),
        (Kind(.show, .rating)!, 30), (Kind(.show, .watchlist)!, 25), (Kind(.show, .shout)!, 12), (Kind(.show, .review)!, 4),
        (Kind(.movie, .watching)!, 10), (Kind(.movie, .scrobble)!, 70), (Kind(.movie, .checkin)!, 20),
        (Kind(.movie, .seen)!, 100), (Kind(.movie, .collection)!, 30), (Kind(.movie, .rating)!, 45),
        (Kind(.movie, .watchlist)!, 30), (Kind(.movie, .shout)!, 12), (Kind(.movie, .review)!, 4),
    ]
    static let listShare = 0.046
    /// At most this many activities share one second anywhere in the dataset, so in every stream
    /// (community, a show, a user, …: each is a subset) — well under the v1 page cap of 100,
    /// which `end_ts` paging by whole seconds cannot get past. People's pace keeps seconds far
    /// below it (a few activities share a second at most); the cap is a guarantee, kept for
    /// sizes that ask more of their users than people can watch (``fillAtRandom``).
    public static let maximumPerSecond = 25
    /// Rating 1...10 weights (skewed high, as real ratings are).
    static let ratingWeights: [Double] = [2, 2, 3, 4, 6, 9, 15, 22, 20, 17]

    /// Generates the dataset for `seed` and `size`, ending at `now`. Deterministic: the same
    /// arguments give the same dataset (and the same bytes on the wire).
    public static func generate(
        seed: UInt64, size: DatasetSize = DatasetScale.default.size, now: Date, convention: TimestampConvention = .pacific,
        hostileText: Bool = false
    ) -> Dataset {
        precondition(size.activities < (1 << 24), "at most 16,777,215 activities")
        // Never a trap on an absurd clock from a library caller: the nearest one the dataset has
        // (the command lines refuse it in words first).
        let now = EmulatorConfiguration.nearestSupported(now)
        let nowUnix = Int64(now.timeIntervalSince1970.rounded(.down))

        // Shows, seasons, episodes.
        var rng = SplitMix64(seed: seed, stream: 1)
        var shows: [ShowRecord] = []
        var seasons: [SeasonRecord] = []
        var episodes: [EpisodeRecord] = []
        for (si, s) in ShowSeeds.all.enumerated() {
            let premiere = CivilDate.days(iso: s.premiere) * 86_400 + CivilDate.secondsOfDay(clock: s.airTime) + 5 * 3600
            var numbers: [Int] = []
            var counts: [Int] = []
            if s.specials > 0 {
                numbers.append(0)
                counts.append(s.specials)
            }
            for (i, c) in s.seasons.enumerated() {
                numbers.append(i + 1)
                counts.append(c)
            }
            var indices: [Int] = []
            for (number, count) in zip(numbers, counts) {
                let seasonIndex = seasons.count
                indices.append(seasonIndex)
                seasons.append(SeasonRecord(show: si, number: number, firstEpisode: episodes.count, episodeCount: count))
                let seasonStart = number == 0 ? premiere + 200 * 86_400 : premiere + Int64(number - 1) * 365 * 86_400
                let gap: Int64 = number == 0 ? 90 * 86_400 : 7 * 86_400
                for e in 1...count {
                    let g = episodes.count
                    episodes.append(
                        EpisodeRecord(
                            show: Int32(si), seasonIndex: Int32(seasonIndex), season: Int16(number), number: Int16(e),
                            firstAired: seasonStart + Int64(e - 1) * gap, tvdb: Int32(4_000_000 + g * 13 + s.tvdb % 13)))
                }
            }
            let votes = Int(Double(1000 + rng.below(4000)) * s.popularity)
            let pct = 70 + rng.below(26)
            let loved = votes * pct / 100
            shows.append(
                ShowRecord(
                    seed: s, premiere: premiere, seasonNumbers: numbers, seasonIndices: indices,
                    ratings: (pct, votes, loved, votes - loved)))
        }
        var movies: [MovieRecord] = []
        for m in MovieSeeds.all {
            let votes = Int(Double(2000 + rng.below(6000)) * m.popularity)
            let pct = 65 + rng.below(31)
            let loved = votes * pct / 100
            movies.append(
                MovieRecord(seed: m, released: CivilDate.days(iso: m.released) * 86_400 + 8 * 3600, ratings: (pct, votes, loved, votes - loved)))
        }

        // Users.
        rng = SplitMix64(seed: seed, stream: 2)
        var users: [UserRecord] = []
        var taken = Set<String>()
        let userCount = max(1, size.users)
        for i in 0..<userCount {
            let male = i == 0 ? true : rng.chance(0.5)
            let first = i == 0 ? "Justin" : rng.pick(male ? PeopleSeeds.maleNames : PeopleSeeds.femaleNames)
            let last = rng.pick(PeopleSeeds.lastNames)
            var name: String
            if i == 0 {
                name = "justin"
            } else {
                let f = first.lowercased().folding(options: .diacriticInsensitive, locale: nil)
                let l = last.lowercased()
                switch rng.below(6) {
                case 0: name = f + l
                case 1: name = f + String(70 + rng.below(30))
                case 2: name = rng.pick(PeopleSeeds.handles) + f
                case 3: name = f + "_" + l
                case 4: name = f + "-" + rng.pick(PeopleSeeds.handles)
                default: name = String(f.prefix(1)) + l
                }
            }
            if taken.contains(name) {
                var n = 2
                while taken.contains(name + String(n)) { n += 1 }
                name += String(n)
            }
            taken.insert(name)
            let hideName = rng.chance(0.15)
            users.append(
                UserRecord(
                    username: name, fullName: hideName ? "" : first + " " + last, gender: male ? "male" : "female",
                    age: 16 + rng.below(50), location: Self.value(forUser: i, drawn: rng.pick(PeopleSeeds.locations), justin: Self.justinLocation),
                    about: Self.value(forUser: i, drawn: rng.pick(PeopleSeeds.abouts), justin: Self.justinAbout),
                    avatarNumber: 100 + i * 7 + rng.below(7), joined: nowUnix - 760 * 86_400 - Int64(rng.below(6 * 365)) * 86_400 - Int64(rng.below(86_400)),
                    vip: rng.chance(0.08), isProtected: i != 0 && rng.chance(0.10), useRatingAdvanced: rng.chance(0.6),
                    ratingAsString: emitsRatingAsString(username: name), friends: [], following: [], followers: []))
        }
        let userWeights = (0..<userCount).map { 1 / pow(Double($0 + 1), 0.9) }
        let userSampler = WeightedSampler(weights: userWeights)

        // Friendships (mutual) and follows (directed).
        rng = SplitMix64(seed: seed, stream: 3)
        var friendPairs = Set<UInt64>()
        for i in 0..<userCount where userCount > 1 {
            let k = rng.below(4) + (i < max(1, userCount / 10) ? rng.below(10) : 0)
            for _ in 0..<k {
                let j = userSampler.sample(&rng)
                if j == i { continue }
                let key = UInt64(min(i, j)) << 32 | UInt64(max(i, j))
                if friendPairs.insert(key).inserted {
                    users[i].friends.append(UInt32(j))
                    users[j].friends.append(UInt32(i))
                }
            }
        }
        for i in 0..<userCount where userCount > 1 {
            let k = 1 + rng.below(12)
            var f: [UInt32] = []
            for _ in 0..<k {
                let j = userSampler.sample(&rng)
                if j != i { f.append(UInt32(j)) }
            }
            users[i].following = Array(Set(f)).sorted()
        }
        for i in 0..<userCount {
            users[i].friends.sort()
            for j in users[i].following { users[Int(j)].followers.append(UInt32(i)) }
        }

        // Each user's habits, how much of the dataset is theirs, and how far back their history goes.
        let total = size.activities
        let listBudget = total >= 50 ? Int(Double(total) * listShare) : min(total, total / 10 * 2)
        let listCount = listBudget >= 2 ? max(1, listBudget / 6) : 0
        var profiles = users.enumerated().map { i, u in ViewerProfile.draw(index: i, location: u.location, seed: seed) }
        let plan = ViewingPlan(activities: total - listBudget, weights: userWeights, profiles: &profiles, spanDays: Int(span / 86_400), seed: seed)

        // Lists and their activity, inside their owner's history.
        rng = SplitMix64(seed: seed, stream: 5)
        let catalogue = ViewingCatalogue(shows: shows, seasons: seasons, episodes: episodes, movies: movies)
        let showSampler = catalogue.showSampler
        let movieSampler = catalogue.movieSampler
        let seasonSamplers: [WeightedSampler] = shows.map { s in
            WeightedSampler(weights: s.seasonNumbers.map { $0 == 0 ? 0.15 : 1 / Double($0) })
        }
        var lists: [ListRecord] = []
        var raw: [Activity] = []
        raw.reserveCapacity(listBudget)
        var listSlugs = Set<String>()
        var listsOwned = [Int](repeating: 0, count: userCount)
        for _ in 0..<listCount {
            // Active users make more lists, but nobody makes dozens.
            var owner = userSampler.sample(&rng)
            for _ in 0..<8 where listsOwned[owner] >= maximumListsPerUser { owner = userSampler.sample(&rng) }
            listsOwned[owner] += 1
            var name = rng.pick(PeopleSeeds.listNames)
            var slug = slugify(name)
            if listSlugs.contains(users[owner].username + "/" + slug) {
                var n = 2
                while listSlugs.contains(users[owner].username + "/" + slug + "-" + String(n)) { n += 1 }
                name += " " + String(n)
                slug += "-" + String(n)
            }
            listSlugs.insert(users[owner].username + "/" + slug)
            let created = wakingTime(nowUnix - Int64(rng.unit() * Double(plan.historyDays[owner]) * 86_400),
                                     offset: profiles[owner].utcOffset, now: nowUnix)
            let l = lists.count
            lists.append(
                ListRecord(
                    owner: UInt32(owner), name: name, slug: slug, description: "A list by \(users[owner].username).", created: created,
                    showNumbers: rng.chance(0.5), allowShouts: rng.chance(0.8)))
            raw.append(Activity(time: created, id: 0, user: UInt32(owner), subject: UInt32(l), item: 0, extra: 0, kind: Kind(.list, .created)!))
        }
        if listCount > 0 {
            for _ in 0..<(listBudget - listCount) {
                let l = rng.below(listCount)
                let created = lists[l].created
                // Most items go in soon after the list is made.
                let u = rng.unit()
                let t = wakingTime(created + Int64(Double(nowUnix - created) * u * u), offset: profiles[Int(lists[l].owner)].utcOffset,
                                   now: nowUnix)
                let r = rng.unit()
                let code: UInt32
                if r < 0.5 {
                    code = ListItemCode.movie(movieSampler.sample(&rng))
                } else if r < 0.85 {
                    code = ListItemCode.show(showSampler.sample(&rng))
                } else {
                    let s = showSampler.sample(&rng)
                    let season = seasons[shows[s].seasonIndices[seasonSamplers[s].sample(&rng)]]
                    code = ListItemCode.episode(season.firstEpisode + rng.below(season.episodeCount))
                }
                raw.append(Activity(time: t, id: 0, user: lists[l].owner, subject: UInt32(l), item: code, extra: 0, kind: Kind(.list, .itemAdded)!))
            }
        }

        let listActivities = raw.count

        // Everyone's viewing, simulated from a little further back than their share needs; the
        // newest activities of each user are kept below.
        let simulatedFrom = (0..<userCount).map { nowUnix - Int64(plan.simulatedDays[$0] * 86_400) }
        let viewing = simulateViewing(catalogue: catalogue, now: nowUnix, profiles: profiles, simulatedFrom: simulatedFrom,
                                      budgets: plan.budgets, seed: seed)
        let viewers = ViewerRoster(catalogue: catalogue, profiles: profiles, simulatedFrom: simulatedFrom, floor: nowUnix - span)
        var produced = [Int](repeating: 0, count: userCount)
        for part in viewing {
            for a in part { produced[Int(a.user)] += 1 }
        }
        var quotas = ViewingPlan.quotas(budgets: plan.budgets, produced: produced)
        let shortfall = total - listActivities - quotas.reduce(0, +)
        var filled: [Activity] = []
        if shortfall > 0 {
            // Only a size that asks more of its users than people can watch gets here: the rest
            // is spread at random, as the first emulator did.
            rng = SplitMix64(seed: seed, stream: 6)
            fillAtRandom(&filled, count: shortfall, users: userCount, showSampler: showSampler, movieSampler: movieSampler,
                         seasonSamplers: seasonSamplers, shows: shows, seasons: seasons, now: nowUnix, rng: &rng)
            for a in filled { quotas[Int(a.user)] += 1 }
        }

        // Newest first; ties keep a fixed order (later-generated first). Ids per type ascend
        // with time, so within one type, ties read as id descending. Each user keeps their
        // newest `quota` viewing activities; list activity is all kept. Generated order is the
        // list activity, then the viewing, then the random fill.
        let segments = [raw] + viewing + [filled]
        var sorted: [Activity] = []
        sorted.reserveCapacity(total)
        var kept = [Int](repeating: 0, count: userCount)
        for k in Self.timeOrder(segments).reversed() {
            let segment = Int(k >> 24 & 0xFF)
            let a = segments[segment][Int(k & 0xFF_FFFF)]
            if segment > 0 {
                let u = Int(a.user)
                guard kept[u] < quotas[u] else { continue }
                kept[u] += 1
            }
            sorted.append(a)
        }
        // Users joined shortly before the first thing they logged.
        var oldest = [Int64](repeating: .max, count: userCount)
        for a in sorted { oldest[Int(a.user)] = min(oldest[Int(a.user)], a.time) }
        for u in 0..<userCount {
            let gap = Int64(SplitMix64.mix(seed ^ UInt64(u) << 20) % UInt64(90 * 86_400)) + 86_400
            users[u].joined = (oldest[u] == .max ? nowUnix - 30 * 86_400 : oldest[u]) - gap
        }
        capSameSecondRuns(&sorted)
        if size.sameSecondBurst > 0 {
            insertBurst(into: &sorted, count: size.sameSecondBurst, at: nowUnix - 3600, seed: seed, users: userCount,
                        movieSampler: movieSampler)
        }
        var counters = [UInt32](repeating: 0, count: ActivityType.allCases.count)
        let idBase: [UInt32] = [100_000, 20_000, 50_000, 1_000]
        for p in stride(from: sorted.count - 1, through: 0, by: -1) {
            let t = Int(sorted[p].kind.type.rawValue)
            counters[t] += 1
            sorted[p].id = idBase[t] + counters[t]
        }

        return Dataset(
            seed: seed, nowUnix: nowUnix, convention: convention, activities: sorted, shows: shows, seasons: seasons,
            episodes: episodes, movies: movies, users: users, lists: lists, hostileText: hostileText, viewers: viewers)
    }

    /// Every user's simulated viewing, as runs of consecutive users (in user order). Each user's
    /// simulation depends only on their own profile and random stream (``ViewerSimulation``
    /// resets its scratch state per user), so the runs are simulated on the cores at once: read
    /// one after the other, they are exactly the activities of one pass over the users.
    static func simulateViewing(catalogue: ViewingCatalogue, now: Int64, profiles: [ViewerProfile], simulatedFrom: [Int64],
                                budgets: [Int], seed: UInt64, cores: Int = Parallel.parts) -> [[Activity]] {
        // A user costs about their activities plus a little per simulated day. Several runs per
        // core, heaviest first, so that the cores finish together.
        let weights = profiles.indices.map { Double(budgets[$0]) + Double(now - simulatedFrom[$0]) / 86_400 / 8 }
        let runs = cores == 1 ? [profiles.indices] : Parallel.ranges(weights: weights, parts: 6 * cores)
        return Parallel.map(runs.count, threads: cores) { part in
            var simulation = ViewerSimulation(catalogue: catalogue, now: now, floor: now - span)
            var out: [Activity] = []
            out.reserveCapacity(runs[part].reduce(0) { $0 + budgets[$1] } * 3 / 2)
            for u in runs[part] {
                simulation.run(user: u, profile: profiles[u], from: simulatedFrom[u], seed: seed, into: &out)
            }
            return out
        }
    }

    /// The activities of `segments`, read one after the other, ordered by time (oldest first),
    /// ties in that reading order: what sorting `(time, index in the concatenation)` gives. Each
    /// key is the time in its high 32 bits (clamped), the segment in bits 24–31 and the index
    /// in the segment in bits 0–23. A stable radix sort over the times (11 bits a pass), from
    /// keys made in reading order: about a fifth of the cost of a comparison sort here.
    static func timeOrder(_ segments: [[Activity]]) -> [UInt64] {
        precondition(segments.count <= 256 && segments.allSatisfy { $0.count < 1 << 24 }, "at most 256 segments of 2^24 activities")
        let count = segments.reduce(0) { $0 + $1.count }
        var keys: [UInt64] = []
        keys.reserveCapacity(count)
        var lowest = UInt32.max
        var highest = UInt32.min
        for (s, segment) in segments.enumerated() {
            for (j, a) in segment.enumerated() {
                let time = UInt32(clamping: a.time)
                lowest = min(lowest, time)
                highest = max(highest, time)
                keys.append(UInt64(time) << 32 | UInt64(s) << 24 | UInt64(j))
            }
        }
        guard count > 1, highest > lowest else { return keys }
        let span = highest - lowest
        let bits = 11
        let mask = UInt32(1 << bits - 1)
        var other = [UInt64](repeating: 0, count: count)
        var counts = [Int](repeating: 0, count: 1 << bits)
        var shift = 0
        while shift < 32 && span >> UInt32(shift) != 0 {
            keys.withUnsafeBufferPointer { from in
                other.withUnsafeMutableBufferPointer { to in
                    counts.withUnsafeMutableBufferPointer { counts in
                        counts.update(repeating: 0)
                        for k in from { counts[Int((UInt32(truncatingIfNeeded: k >> 32) &- lowest) >> UInt32(shift) & mask)] += 1 }
                        var sum = 0
                        for d in counts.indices {
                            let c = counts[d]
                            counts[d] = sum
                            sum += c
                        }
                        for k in from {
                            let d = Int((UInt32(truncatingIfNeeded: k >> 32) &- lowest) >> UInt32(shift) & mask)
                            to[counts[d]] = k
                            counts[d] += 1
                        }
                    }
                }
            }
            swap(&keys, &other)
            shift += bits
        }
        return keys
    }

    /// The most lists one user makes (unless every draw lands on a user who has them).
    static let maximumListsPerUser = 6

    /// `time` moved into the waking hours (9:00–24:00) of its day where the user lives, keeping
    /// the order of times within a day; a time that would pass `now` moves a day back.
    static func wakingTime(_ time: Int64, offset: Int64, now: Int64) -> Int64 {
        let local = ViewerSimulation.day(of: time + offset) * 86_400
        let secondOfDay = time + offset - local
        var waking = local - offset + 9 * 3600 + secondOfDay * 5 / 8
        if waking > now { waking -= 86_400 }
        return waking
    }

    /// justin, the README's example user, lives in London (his evenings are evenings in UTC,
    /// the zone the examples are recorded in) and says what he watches.
    static let justinLocation = "London, United Kingdom"
    static let justinAbout = "Mostly dramas, sometimes comedies, never reality TV."

    /// The `drawn` value for user `index`, or justin's own for user 0 (his is drawn too, so that
    /// everyone else's profile does not depend on his).
    static func value(forUser index: Int, drawn: String, justin: String) -> String { index == 0 ? justin : drawn }

    /// `count` activities of random kinds, users and titles spread evenly over the span: only for
    /// sizes that ask more of their users than people can watch (``ViewingPlan``).
    static func fillAtRandom(
        _ raw: inout [Activity], count: Int, users: Int, showSampler: WeightedSampler, movieSampler: WeightedSampler,
        seasonSamplers: [WeightedSampler], shows: [ShowRecord], seasons: [SeasonRecord], now: Int64, rng: inout SplitMix64
    ) {
        let kindSampler = WeightedSampler(weights: kindWeights.map(\.1))
        let kinds = kindWeights.map(\.0)
        let ratingSampler = WeightedSampler(weights: ratingWeights)
        for _ in 0..<count {
            let kind = kinds[kindSampler.sample(&rng)]
            var a = Activity(time: now - Int64(Double(span) * rng.unit()), id: 0, user: UInt32(rng.below(users)), subject: 0, item: 0, extra: 0,
                             kind: kind)
            switch kind.type {
            case .episode, .show:
                let s = showSampler.sample(&rng)
                a.subject = UInt32(s)
                if kind.type == .episode {
                    let season = seasons[shows[s].seasonIndices[seasonSamplers[s].sample(&rng)]]
                    a.item = UInt32(season.firstEpisode + rng.below(season.episodeCount))
                    if kind.action == .seen || kind.action == .collection { a.extra = 1 }
                }
            case .movie:
                a.subject = UInt32(movieSampler.sample(&rng))
            case .list:
                break
            }
            switch kind.action {
            case .rating: a.extra = UInt16(1 + ratingSampler.sample(&rng))
            case .shout: a.extra = rng.chance(0.1) ? 1 : 0
            case .review: a.extra = rng.chance(0.2) ? 1 : 0
            default: break
            }
            raw.append(a)
        }
    }

    /// Moves activities back a second at a time (newest first) so that no second holds more than
    /// ``maximumPerSecond``; the order, and so the ids, stay as generated.
    static func capSameSecondRuns(_ sorted: inout [Activity]) {
        var second = Int64.max
        var count = 0
        for p in sorted.indices {
            let time = sorted[p].time
            if time < second {
                second = time
                count = 1
            } else if count < maximumPerSecond {
                count += 1
            } else {
                second -= 1
                count = 1
            }
            sorted[p].time = second
        }
    }

    /// `count` movie-seen activities at `time`, before every older activity (newest first).
    static func insertBurst(into sorted: inout [Activity], count: Int, at time: Int64, seed: UInt64, users: Int,
                            movieSampler: WeightedSampler) {
        var rng = SplitMix64(seed: seed, stream: 7)
        let burst = (0..<count).map { _ in
            Activity(time: time, id: 0, user: UInt32(rng.below(users)), subject: UInt32(movieSampler.sample(&rng)), item: 0, extra: 0,
                     kind: Kind(.movie, .seen)!)
        }
        let index = sorted.firstIndex { $0.time < time } ?? sorted.endIndex
        sorted.insert(contentsOf: burst, at: index)
    }

    static func slugify(_ s: String) -> String {
        var out = ""
        var dash = false
        for c in s.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(c) && c.isASCII {
                out.unicodeScalars.append(c)
                dash = false
            } else if !dash && !out.isEmpty {
                out.append("-")
                dash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }
}
