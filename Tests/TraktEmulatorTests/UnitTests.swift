import Foundation
import Testing
import TraktProtocol

@testable import TraktEmulator

@Suite("Units: time, hashing, kinds, dataset")
struct UnitTests {
    @Test("the emulator's clock writes the same timestamps as TimestampConvention around DST changes")
    func offsetTable() {
        let lower: Int64 = 1_672_531_200  // 2023-01-01
        let upper: Int64 = 1_767_225_600  // 2026-01-01
        for convention in TimestampConvention.allCases {
            let clock = APIClock(convention: convention)
            var t = lower
            while t < upper {
                #expect(clock.apiTimestamp(t) == convention.apiTimestamp(for: Date(timeIntervalSince1970: TimeInterval(t))))
                t += 3_599 * 7
            }
            // Around the 2024 transitions, every minute.
            for base: Int64 in [1_710_064_800, 1_730_624_400] {
                for d in stride(from: Int64(-7200), through: 7200, by: 60) {
                    let x = base + d
                    #expect(clock.apiTimestamp(x) == convention.apiTimestamp(for: Date(timeIntervalSince1970: TimeInterval(x))))
                }
            }
        }
    }

    @Test("when and elapsed strings")
    func displayStrings() {
        let clock = APIClock(convention: .pacific)
        var out = JSONBytes()
        // 2011-11-03 23:40 PDT = 2011-11-04 06:40 UTC (a Thursday in Los Angeles).
        clock.writeWhen(1_320_388_800, into: &out)
        #expect(String(decoding: out.bytes, as: UTF8.self) == #"{"day":"Thu","time":"11:40 pm"}"#)
        out = JSONBytes()
        APIClock.writeElapsed(from: 0, to: 3 * 3600 + 4 * 60 + 19, into: &out)
        #expect(String(decoding: out.bytes, as: UTF8.self) == #"{"full":"3 hours, 4 minutes, 19 seconds","short":"3h 4m 19s"}"#)
        out = JSONBytes()
        APIClock.writeElapsed(from: 0, to: 86_400 + 1, into: &out)
        #expect(String(decoding: out.bytes, as: UTF8.self) == #"{"full":"1 day, 1 second","short":"1d 1s"}"#)
        out = JSONBytes()
        APIClock.writeElapsed(from: 10, to: 10, into: &out)
        #expect(String(decoding: out.bytes, as: UTF8.self) == #"{"full":"0 seconds","short":"0s"}"#)
    }

    @Test("SHA-1 known answers")
    func sha1() {
        #expect(SHA1.hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hex(String(repeating: "a", count: 1000)) == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }

    @Test("kind arithmetic matches the §1.4 table")
    func kinds() {
        #expect(Kind.table.count == Kind.count)
        for (i, pair) in Kind.table.enumerated() {
            let k = Kind(raw: UInt8(i))
            #expect(k.type == pair.0 && k.action == pair.1)
        }
        #expect(Kind(.show, .seen) == nil)
        #expect(Kind(.list, .rating) == nil)
    }

    @Test("the dense codes stand for the shared types and actions, in their order and with their names")
    func codesFollowTheSharedVocabulary() {
        #expect(ActivityType.allCases.map(\.itemType) == ItemType.allCases)
        #expect(ActivityAction.allCases.map(\.action) == Action.allCases)
        #expect(ActivityAction.itemAdded.name == "item_added" && ActivityAction(name: "item_added") == .itemAdded)
        #expect(ActivityType(name: "list") == .list && ActivityType(name: "lists") == nil)
        // The generated kinds are exactly the pairs the shared §1.4 table allows.
        let allowed = Action.allCases.reduce(0) { $0 + $1.itemTypes.count }
        #expect(Kind.count == allowed)
    }

    @Test("JSON writer escapes and integers")
    func jsonBytes() {
        var b = JSONBytes()
        b.string("a\"b\\c\n\u{1}é")
        b.int(0)
        b.int(-42)
        b.int(Int64.max)
        #expect(String(decoding: b.bytes, as: UTF8.self) == "\"a\\\"b\\\\c\\n\\u0001é\"0-429223372036854775807")
    }

    @Test("the dataset: real catalogue, users, friendships, lists, time spread")
    func dataset() {
        let ds = Dataset.generate(seed: 11, size: DatasetSize(activities: 20_000), now: pinnedNow)
        #expect(ds.shows.count >= 30 && ds.movies.count >= 20)
        #expect(ds.activityCount == 20_000)
        #expect(ds.userCount == DatasetSize.defaultUsers(forActivities: 20_000))
        #expect(Set(ds.users.map(\.username)).count == ds.userCount)
        let protectedShare = Double(ds.users.filter(\.isProtected).count) / Double(ds.userCount)
        #expect(protectedShare > 0.04 && protectedShare < 0.2)
        for (i, u) in ds.users.enumerated() {
            for f in u.friends { #expect(ds.users[Int(f)].friends.contains(UInt32(i))) }
        }
        // Newest first, within the span, denser toward now.
        #expect(zip(ds.activities, ds.activities.dropFirst()).allSatisfy { $0.time >= $1.time })
        let now = ds.nowUnix
        #expect(ds.activities.first!.time <= now && ds.activities.last!.time >= now - Dataset.span)
        let lastMonth = ds.activities.filter { $0.time >= now - 30 * 86_400 }.count
        let yearAgoMonth = ds.activities.filter { $0.time < now - 365 * 86_400 && $0.time >= now - 395 * 86_400 }.count
        #expect(lastMonth > 2 * yearAgoMonth)
        // The Walking Dead is among the busiest shows, and its early seasons are busier.
        var perShow = [Int](repeating: 0, count: ds.shows.count)
        for a in ds.activities where a.kind.type == .episode { perShow[Int(a.subject)] += 1 }
        let twd = ds.showBySlug["the-walking-dead"]!
        #expect(perShow[twd] == perShow.max())
        let s1 = ds.activities.filter { $0.kind.type == .episode && $0.subject == twd && ds.episodes[Int($0.item)].season == 1 }.count
        let s9 = ds.activities.filter { $0.kind.type == .episode && $0.subject == twd && ds.episodes[Int($0.item)].season == 9 }.count
        #expect(s1 > 2 * s9)
        // A realistic mix: many seen/scrobble, few reviews.
        let seen = ds.activities.filter { $0.kind.action == .seen }.count
        let reviews = ds.activities.filter { $0.kind.action == .review }.count
        #expect(seen > 10 * reviews && reviews > 0)
        // List items are added after their list is created.
        for a in ds.activities where a.kind.action == .itemAdded {
            #expect(a.time >= ds.lists[Int(a.subject)].created)
            #expect(a.user == ds.lists[Int(a.subject)].owner)
        }
    }

    @Test("every pre-rendered fragment is valid JSON; show titles need no escaping")
    func fragmentsAreJSON() throws {
        let ds = Dataset.generate(seed: 4, size: DatasetSize(activities: 2_000), now: pinnedNow)
        let f = ds.fragments
        for i in 0..<(f.starts.count - 1) where i < f.kindHeader {
            let data = Data(f.text(i).utf8)
            #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "fragment \(i): \(f.text(i).prefix(80))")
        }
        for s in ShowSeeds.all { #expect(s.title.jsonQuoted == "\"" + s.title + "\"") }
        // Spot-check one episode against the catalogue.
        let twd = ds.showBySlug["the-walking-dead"]!
        let e = ds.seasons[ds.shows[twd].seasonIndex(number: 1)!].firstEpisode + 4
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(f.text(f.episodeFull + e).utf8)) as? [String: Any])
        #expect(obj["title"] as? String == "Wildfire")
        #expect(obj["season"] as? Int == 1 && obj["episode"] as? Int == 5)
        #expect(obj["url"] as? String == "http://trakt.tv/show/the-walking-dead/season/1/episode/5")
        #expect(obj["overview"] as? String == "Season 1, episode 5 of The Walking Dead.")
    }

    @Test("the same seed generates the same dataset")
    func datasetDeterminism() {
        let a = Dataset.generate(seed: 5, size: DatasetSize(activities: 3_000), now: pinnedNow)
        let b = Dataset.generate(seed: 5, size: DatasetSize(activities: 3_000), now: pinnedNow)
        #expect(a.activities.map(\.time) == b.activities.map(\.time))
        #expect(a.activities.map(\.id) == b.activities.map(\.id))
        #expect(a.users.map(\.username) == b.users.map(\.username))
        #expect(a.fragments.bytes == b.fragments.bytes)
    }

    @Test("request parsing: layouts, placeholders, lists, min")
    func parsing() throws {
        let r = try RequestParser.parse(path: "/activity/user/episodes.json/K/justin/the-walking-dead/1,2/3/seen,rating/100/200", query: "min=1")
        guard case .activity(let req) = r else {
            Issue.record("not an activity route")
            return
        }
        #expect(req.endpoint == .userEpisodes)
        #expect(req.username == "justin" && req.titles == ["the-walking-dead"] && req.seasons == [1, 2] && req.episodes == [3])
        #expect(req.actions == [.seen, .rating] && req.start == 100 && req.end == 200 && req.minimal)
        let c = try RequestParser.parse(path: "/activity/community.json/K/all/all/", query: nil)
        guard case .activity(let creq) = c else {
            Issue.record("not an activity route")
            return
        }
        #expect(creq.types == Set(ActivityType.allCases) && creq.actions == Set(ActivityAction.allCases))
        #expect(try RequestParser.parse(path: "/server/time.json/K", query: nil) == .serverTime)
        #expect(try RequestParser.parse(path: "/emulator/catalog.json", query: nil) == .catalog)
    }
}
