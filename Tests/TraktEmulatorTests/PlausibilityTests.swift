import Foundation
import Testing
import TraktProtocol

@testable import TraktEmulator

/// What one generated dataset says about its people's viewing: plays flattened to one entry
/// per episode (as v2 history and `flatten episodes` show them), with their minutes.
struct ViewingFacts {
    struct Play {
        let time: Int64
        let user: Int
        /// Global episode index, or -1 for a movie.
        let episode: Int
        let movie: Int
        let show: Int
        let minutes: Int
    }

    let dataset: Dataset
    /// Oldest first.
    let plays: [Play]

    init(_ ds: Dataset) {
        dataset = ds
        var plays: [Play] = []
        for a in ds.activities.reversed() where [.seen, .scrobble, .checkin].contains(a.kind.action) {
            switch a.kind.type {
            case .episode:
                for k in 0..<ActivityIndex.episodeSpan(a) {
                    plays.append(Play(time: a.time, user: Int(a.user), episode: Int(a.item) + k, movie: -1, show: Int(a.subject),
                                      minutes: ds.shows[Int(a.subject)].seed.runtime))
                }
            case .movie:
                plays.append(Play(time: a.time, user: Int(a.user), episode: -1, movie: Int(a.subject), show: -1,
                                  minutes: ds.movies[Int(a.subject)].seed.runtime))
            default: break
            }
        }
        self.plays = plays
    }

    /// Hours of plays per user per UTC day.
    func hoursByDay() -> [Int: [Int64: Double]] {
        var out: [Int: [Int64: Double]] = [:]
        for p in plays { out[p.user, default: [:]][p.time / 86_400, default: 0] += Double(p.minutes) / 60 }
        return out
    }

    /// The largest average hours per day of any user over any `window` consecutive days.
    func busiestWindow(days window: Int64) -> (user: Int, hoursPerDay: Double) {
        var best = (user: -1, hoursPerDay: 0.0)
        for (user, days) in hoursByDay() {
            let sorted = days.sorted { $0.key < $1.key }
            var sum = 0.0
            var lo = 0
            for hi in sorted.indices {
                sum += sorted[hi].value
                while sorted[lo].key <= sorted[hi].key - window {
                    sum -= sorted[lo].value
                    lo += 1
                }
                if sum / Double(window) > best.hoursPerDay { best = (user, sum / Double(window)) }
            }
        }
        return best
    }

    /// The most plays of one episode by one user.
    func mostPlaysOfOneEpisode() -> Int {
        var counts: [Int: Int] = [:]
        for p in plays where p.episode >= 0 { counts[p.user << 24 | p.episode, default: 0] += 1 }
        return counts.values.max() ?? 0
    }
}

@Suite("People in the generated dataset watch like people", .serialized)
struct PlausibilityTests {
    static let defaultFacts = ViewingFacts(Dataset.generate(seed: 1, now: pinnedNow))
    static let readmeFacts = ViewingFacts(Dataset.generate(seed: 42, now: ISO8601DateFormatter().date(from: "2024-11-24T12:00:00Z")!))

    static func check(_ facts: ViewingFacts, _ label: String) {
        // Nobody watches more than 8 hours a day over any 30 days…
        let month = facts.busiestWindow(days: 30)
        #expect(month.hoursPerDay <= 8, "\(label): \(facts.dataset.users[max(0, month.user)].username) averages \(month.hoursPerDay) h/day over 30 days")
        // …or more than 6 over a year…
        let year = facts.busiestWindow(days: 365)
        #expect(year.hoursPerDay <= 6, "\(label): \(facts.dataset.users[max(0, year.user)].username) averages \(year.hoursPerDay) h/day over a year")
        // …or plays one episode more than 5 times.
        #expect(facts.mostPlaysOfOneEpisode() <= 5, "\(label)")
    }

    @Test("default scale (seed 1, and seed 42 as the README records it): hours a day and re-watches are human")
    func defaultScale() {
        Self.check(Self.defaultFacts, "default seed 1")
        Self.check(Self.readmeFacts, "default seed 42")
    }

    @Test("large scale (1,000,000 activities): hours a day and re-watches are human")
    func largeScale() {
        Self.check(ViewingFacts(Dataset.generate(seed: 1, size: DatasetScale.large.size, now: pinnedNow)), "large")
    }

    @Test("the small scale and the test sizes are human too")
    func smallScales() {
        for (seed, size) in [(7, DatasetScale.small.size), (7, DatasetSize(activities: 6_000)), (11, DatasetSize(activities: 20_000))] {
            Self.check(ViewingFacts(Dataset.generate(seed: UInt64(seed), size: size, now: pinnedNow)), "\(size)")
        }
    }

    @Test("most people watch 0.5–2 hours on the days they watch; nobody's year is a record")
    func typicalViewing() {
        let facts = Self.defaultFacts
        var hoursOnWatchDays: [Double] = []
        for (_, days) in facts.hoursByDay() where days.count >= 10 {
            hoursOnWatchDays.append(days.values.reduce(0, +) / Double(days.count))
        }
        hoursOnWatchDays.sort()
        let median = hoursOnWatchDays[hoursOnWatchDays.count / 2]
        #expect(median >= 0.5 && median <= 2.5, "median hours on a watching day: \(median)")
        #expect(hoursOnWatchDays.last! <= 6.5, "busiest watching days average \(hoursOnWatchDays.last!) h")
    }

    @Test("episodes in order, nothing before it aired, movies a few a month and rarely twice")
    func seriesAndMovies() {
        let facts = Self.defaultFacts
        let ds = facts.dataset
        var inOrder = 0
        var outOfOrder = 0
        var last: [Int: Int] = [:]  // user << 8 | show → last episode
        var moviePlays: [Int: Int] = [:]
        var moviesByMonth: [Int: Int] = [:]
        for p in facts.plays {
            if p.episode >= 0 {
                #expect(ds.episodes[p.episode].firstAired <= p.time, "an episode played before it aired")
                let key = p.user << 8 | p.show
                if let previous = last[key] {
                    if p.episode == previous + 1 { inOrder += 1 } else { outOfOrder += 1 }
                }
                last[key] = p.episode
            } else {
                #expect(ds.movies[p.movie].released <= p.time, "a movie played before its release")
                moviePlays[p.user << 16 | p.movie, default: 0] += 1
                moviesByMonth[p.user << 20 | Int(p.time / (30 * 86_400)), default: 0] += 1
            }
        }
        #expect(Double(inOrder) / Double(inOrder + outOfOrder) > 0.9, "\(inOrder) in order, \(outOfOrder) not")
        let twice = moviePlays.values.filter { $0 >= 2 }.count
        #expect(Double(twice) / Double(moviePlays.count) < 0.1, "\(twice) of \(moviePlays.count) movies watched twice or more")
        #expect(moviePlays.values.max()! <= 3)
        #expect(moviesByMonth.values.max()! <= 8, "at most a few movies a month")
    }

    @Test("ratings cluster at 7–9 and mostly follow a watch of the same title")
    func ratings() {
        let ds = Self.defaultFacts.dataset
        var watched = Set<Int>()  // user << 24 | subject key
        var high = 0
        var total = 0
        var afterWatch = 0
        for a in ds.activities.reversed() {
            let key: Int
            switch a.kind.type {
            case .episode: key = Int(a.user) << 26 | 1 << 25 | Int(a.item)
            case .movie: key = Int(a.user) << 26 | Int(a.subject)
            case .show: key = Int(a.user) << 26 | 1 << 24 | Int(a.subject)
            case .list: continue
            }
            if [.seen, .scrobble, .checkin].contains(a.kind.action) {
                watched.insert(key)
                if a.kind.type == .episode { watched.insert(Int(a.user) << 26 | 1 << 24 | Int(a.subject)) }
            }
            if a.kind.action == .rating {
                total += 1
                if (7...9).contains(Int(a.extra)) { high += 1 }
                if watched.contains(key) { afterWatch += 1 }
            }
        }
        #expect(Double(high) / Double(total) > 0.55, "\(high) of \(total) ratings are 7–9")
        #expect(Double(afterWatch) / Double(total) > 0.75, "\(afterWatch) of \(total) ratings follow a watch")
    }

    /// Activity per `days`-long period before the dataset's end, newest first.
    static func counts(_ ds: Dataset, days: Int64, periods: Int) -> [Int] {
        var out = [Int](repeating: 0, count: periods)
        for a in ds.activities {
            let p = Int((ds.nowUnix - a.time) / (days * 86_400))
            if p < periods { out[p] += 1 }
        }
        return out
    }

    @Test("several years of history, growing gently year by year and quarter by quarter (no cliff)")
    func history() {
        for facts in [Self.defaultFacts, Self.readmeFacts] {
            let ds = facts.dataset
            #expect(ds.activities.last!.time <= ds.nowUnix - 3 * 365 * 86_400, "the default history reaches back more than three years")
            // Each year is a half to nine tenths of the next: growth of 10–120% a year.
            let years = Self.counts(ds, days: 365, periods: 4)
            for y in 1..<4 {
                let ratio = Double(years[y]) / Double(years[y - 1])
                #expect(ratio >= 0.45 && ratio <= 0.9, "year by year (newest first): \(years)")
            }
            // No quarter is less than 60% of the next, or much more than it.
            let quarters = Self.counts(ds, days: 91, periods: 15)
            for q in 1..<15 {
                let ratio = Double(quarters[q]) / Double(quarters[q - 1])
                #expect(ratio >= 0.6 && ratio <= 1.25, "quarter by quarter (newest first): \(quarters)")
            }
        }
    }

    @Test("the last day is busy because many people are active, not because anyone's day is impossible")
    func densityNearNow() {
        for facts in [Self.defaultFacts, Self.readmeFacts] {
            let ds = facts.dataset
            let day = ds.activities.filter { $0.time >= ds.nowUnix - 86_400 }
            var perUser: [UInt32: Int] = [:]
            for a in day { perUser[a.user, default: 0] += 1 }
            #expect(day.count >= 80, "\(day.count) activities in the last day")
            #expect(perUser.count >= 30, "\(perUser.count) people in the last day")
            #expect(Double(perUser.values.max()!) <= 0.15 * Double(day.count), "one person has \(perUser.values.max()!) of \(day.count)")
            // The last day is like the same day of the weeks before it, not a spike.
            let weeksBefore = (1...3).map { w in
                ds.activities.filter { $0.time < ds.nowUnix - Int64(w) * 7 * 86_400 && $0.time >= ds.nowUnix - (Int64(w) * 7 + 1) * 86_400 }.count
            }
            #expect(Double(day.count) <= 1.5 * Double(weeksBefore.max()!), "last day \(day.count), the same day of the weeks before \(weeksBefore)")
        }
    }

    @Test("people's pace leaves seconds nearly empty, the oldest too: nothing piles up where the history starts")
    func noPileUps() {
        for facts in [Self.defaultFacts, Self.readmeFacts] {
            var largest = 0
            var run = 0
            var second = Int64.min
            for a in facts.dataset.activities {
                run = a.time == second ? run + 1 : 1
                second = a.time
                largest = max(largest, run)
            }
            #expect(largest <= 4, "\(largest) activities share one second")
        }
    }

    /// The windows the README and Examples/ use with the real clock have rows whatever the time
    /// of day: the dataset is generated at eight times of one day, and of a day a season later.
    @Test("since:1d, since:7d and the examples' windows have rows at every time of day", arguments: [0, 3, 6, 9, 12, 15, 18, 21])
    func recentWindowsAtAnyHour(hour: Int) {
        for day in ["2026-12-07", "2027-03-15"] {
            let now = ISO8601DateFormatter().date(from: day + "T00:00:00Z")!.addingTimeInterval(Double(hour * 3600 + 1_234))
            let ds = Dataset.generate(seed: 1, now: now)
            func since(_ seconds: Int64) -> [Activity] { ds.activities.filter { $0.time >= ds.nowUnix - seconds } }
            #expect(since(86_400).count >= 80, "\(day) \(hour):00 since:1d")
            #expect(since(3 * 3600).count >= 1, "\(day) \(hour):00 the last three hours")
            // More than a page (100) in a week, for the paging tests and examples.
            #expect(since(7 * 86_400).count > 500, "\(day) \(hour):00 since:7d")
            #expect(since(7 * 86_400).contains { $0.kind.type == .list }, "\(day) \(hour):00 lists.tql")
            #expect(since(7 * 86_400).contains { $0.user == 0 && $0.kind.action == .rating }, "\(day) \(hour):00 ratings-export.tql")
            #expect(since(2 * 86_400).contains { $0.kind.action == .shout || $0.kind.action == .review }, "\(day) \(hour):00 reviews.tql")
        }
    }

    @Test("justin, the README's user, has a year a person could have")
    func justin() {
        let facts = Self.readmeFacts
        let now = facts.dataset.nowUnix
        let year = facts.plays.filter { $0.user == 0 && $0.time >= now - 365 * 86_400 }
        let hours = year.reduce(0.0) { $0 + Double($1.minutes) / 60 }
        #expect(hours >= 250 && hours <= 900, "justin watched \(hours) h in a year")
        let shows = Set(year.filter { $0.episode >= 0 }.map(\.show)).count
        let movies = Set(year.filter { $0.movie >= 0 }.map(\.movie)).count
        #expect(shows >= 5 && shows <= 30, "\(shows) shows")
        #expect(movies >= 10 && movies <= 60, "\(movies) movies")
        var months = Set<Int64>()
        for p in year { months.insert((now - p.time) / (30 * 86_400)) }
        #expect(months.count >= 11, "justin watched something in \(months.count) of 12 months")
    }
}
