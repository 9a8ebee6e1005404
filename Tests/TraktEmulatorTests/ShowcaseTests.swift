import Foundation
import Testing
import TraktProtocol

@testable import TraktEmulator

@Suite("The default dataset")
struct ShowcaseTests {
    @Test("seasons.json the-walking-dead/1,2: ≤ 100 items, newest first, all TWD seasons 1 or 2")
    func walkingDeadSeasons() async throws {
        let server = try await defaultServer.value
        let r = try await fetch(server, "/activity/seasons.json/KEY/the-walking-dead/1,2")
        #expect(r.status == 200)
        #expect(r.activity.count == 100)
        let ts = r.activity.map { $0["timestamp"] as! Int }
        #expect(ts == ts.sorted(by: >))
        for item in r.activity {
            #expect(item["type"] as? String == "episode")
            #expect((item["show"] as? [String: Any])?["title"] as? String == "The Walking Dead")
            let eps = (item["episodes"] as? [[String: Any]]) ?? [item["episode"] as! [String: Any]]
            for e in eps { #expect([1, 2].contains(e["season"] as? Int ?? -1)) }
        }
    }

    @Test("the showcase query returns a full page: seen and rating in the last 7 days")
    func showcase() async throws {
        let server = try await defaultServer.value
        let start = TimestampConvention.pacific.apiTimestamp(for: pinnedNow.addingTimeInterval(-7 * 86_400))
        let r = try await fetch(server, "/activity/seasons.json/KEY/the-walking-dead/1,2/seen,rating/\(start)")
        #expect(r.status == 200)
        #expect(r.activity.count == 100)
        for item in r.activity {
            #expect(["seen", "rating"].contains(item["action"] as? String ?? ""))
            #expect(item["timestamp"] as! Int >= Int(start))
        }
    }

    @Test("the default dataset is the documented size")
    func size() async throws {
        let server = try await defaultServer.value
        #expect(server.dataset.activityCount == 100_000)
        #expect(server.dataset.userCount == DatasetSize.defaultUsers(forActivities: 100_000))
    }
}
