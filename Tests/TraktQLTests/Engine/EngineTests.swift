import Foundation
import Testing
@testable import TraktEmulator
import TraktEmulatorServer
@testable import TraktQL
import TraktQLCurl

/// One emulator for the suite, on 127.0.0.1 port 0, with a pinned clock.
enum TestServer {
    static let now = ISO8601DateFormatter().date(from: "2024-11-24T12:00:00Z")!
    static let small: Task<EmulatorServer, any Error> = Task {
        // The fault tests force faults with X-Emulator-Fault, which needs allowFaultHeader.
        try await EmulatorServer.start(EmulatorConfiguration(seed: 7, size: DatasetScale.small.size, now: now, allowFaultHeader: true))
    }
    static let keyed: Task<EmulatorServer, any Error> = Task {
        try await EmulatorServer.start(EmulatorConfiguration(seed: 7, size: DatasetScale.small.size, apiKey: "right-key", now: now))
    }

    static func engine(_ server: EmulatorServer, apiKey: String = "test-key", credentials: BasicCredentials? = nil,
                       retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05)) -> Engine {
        var settings = Settings()
        settings.timeZone = TimeZone(identifier: "UTC")!
        var configuration = EngineConfiguration(
            apiURL: server.baseURL, apiKey: apiKey, credentials: credentials, settings: settings,
            clock: { now }, retryPolicy: retry, requestTimeout: 5)
        configuration.transport = CurlTransport.retrying(for: configuration)
        return Engine(configuration: configuration)
    }
}

@Suite struct EngineTests {
    @Test func showcaseQueryReturnsOnlyWhatItAsksFor() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        let result = try await engine.run("activity show:the-walking-dead season:1,2 actions:seen,rating since:30d")
        #expect(!result.rows.isEmpty)
        let items = try #require(result.items)
        let since = TestServer.now.addingTimeInterval(-30 * 86_400)
        for item in items {
            #expect(["seen", "rating"].contains(item["action"]?.stringValue ?? ""))
            #expect(item["show"]?["title"]?.stringValue == "The Walking Dead")
            let seasons = V1ItemSchema(convention: .pacific).episodes(of: item).compactMap { $0["season"]?.intValue }
            #expect(!seasons.isEmpty && seasons.allSatisfy { $0 == 1 || $0 == 2 })
            let ts = try #require(item["timestamp"]?.intValue)
            #expect(TimestampConvention.pacific.instant(forAPITimestamp: ts) >= since)
        }
        // Newest first.
        let times = items.compactMap { $0["timestamp"]?.intValue }
        #expect(times == times.sorted(by: >))
    }

    @Test func pagingPastTheCapReturnsExactlyTheNewestItemsWithoutDuplicates() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        let result = try await engine.run("activity | limit 1000")
        let items = try #require(result.items)
        #expect(items.count == 1000)
        #expect(result.calls >= 10)
        let keys = items.map { "\($0["type"]!.stringValue!)/\($0["id"]!.intValue!)" }
        #expect(Set(keys).count == 1000)
        // Ground truth: the dataset's 1000 newest activities of unprotected users.
        let dataset = server.dataset
        let truth = dataset.activities.lazy.filter { !dataset.users[Int($0.user)].isProtected }.prefix(1000)
            .map { "\($0.kind.type.name)/\($0.id)" }
        #expect(Set(keys) == Set(truth))
    }

    @Test func limitAllWithASinceWindowFetchesTheWholeWindow() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        let result = try await engine.run("activity since:3d | limit all | count")
        let count = try #require(result.rows.first?.first?.intValue)
        let dataset = server.dataset
        let since = Int64(TestServer.now.timeIntervalSince1970) - 3 * 86_400
        let truth = dataset.activities.filter { $0.time >= since && !dataset.users[Int($0.user)].isProtected }.count
        #expect(count == Int64(truth))
        #expect(truth > 100)  // the window really needs paging
    }

    @Test func fanOutMergesUsersNewestFirst() async throws {
        let server = try await TestServer.small.value
        let users = server.dataset.catalogUsers.filter { !$0.isProtected }.prefix(3).map(\.username)
        let engine = TestServer.engine(server)
        let result = try await engine.run("activity user:\(users.joined(separator: ",")) | select who, time")
        #expect(result.calls == 3)
        #expect(Set(result.rows.map { $0[0].stringValue ?? "" }).isSubset(of: Set(users)))
        let times = result.rows.compactMap { row -> Date? in if case .instant(let d) = row[1] { return d } else { return nil } }
        #expect(times == times.sorted(by: >))
    }

    @Test func stagesSelectSortCountDistinctFlatten() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        let counted = try await engine.run("activity since:30d | count by action | sort count desc")
        #expect(counted.columns == ["action", "count"])
        let counts = counted.rows.compactMap { $0[1].intValue }
        #expect(counts == counts.sorted(by: >))
        let distinct = try await engine.run("activity since:7d | distinct user.username")
        let names = distinct.rows.map { $0[0] }
        #expect(Set(names).count == names.count)
        let flattened = try await engine.run("activity action:seen type:episode | flatten episodes | select sxe, episode.season")
        #expect(!flattened.rows.isEmpty)
        for row in flattened.rows {
            guard case .string(let sxe) = row[0], let season = row[1].intValue else { Issue.record("bad row \(row)"); continue }
            #expect(sxe.hasPrefix(String(format: "S%02lld", season)))
        }
        let filtered = try await engine.run(#"activity | where action in ["seen", "rating"] and not who == "nobody" | select action"#)
        #expect(filtered.rows.allSatisfy { ["seen", "rating"].contains($0[0].stringValue ?? "") })
    }

    @Test func ratingResidualAcceptsStringAndNumberRatings() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        let result = try await engine.run("activity action:rating rating:>=8 | limit 300 | select rating_advanced")
        #expect(!result.rows.isEmpty)
        #expect(result.rows.allSatisfy { ($0[0].intValue ?? 0) >= 8 })
    }

    @Test func wrongKeyIsAnAPIErrorWithTheAPIsMessageAndNoKey() async throws {
        let server = try await TestServer.keyed.value
        let engine = TestServer.engine(server, apiKey: "wrong-secret-key")
        do {
            try await engine.run("activity")
            Issue.record("no error")
        } catch {
            guard case .api(let status, let message, let call) = error else { Issue.record("\(error)"); return }
            #expect(status == 401)
            #expect(message == "invalid API key")
            #expect(!call.contains("wrong-secret-key") && !error.description.contains("wrong-secret-key"))
            #expect(error.exitCode == 2)
        }
    }

    @Test func friendsStreamNeedsAuthentication() async throws {
        let server = try await TestServer.small.value
        let anonymous = TestServer.engine(server)
        await #expect(throws: TraktQLError.self) { try await anonymous.run("activity scope:friends") }
        let user = try #require(server.dataset.catalogUsers.first { server.dataset.friends(of: $0.username)?.isEmpty == false })
        let authed = TestServer.engine(server, credentials: BasicCredentials(username: user.username, password: Dataset.password(forUsername: user.username)))
        let result = try await authed.run("activity scope:friends | select who")
        let friends = Set(server.dataset.friends(of: user.username) ?? [])
        #expect(result.rows.allSatisfy { friends.contains($0[0].stringValue ?? "") })
    }

    @Test func cacheAnswersRepeatedCallsUntilCleared() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        let first = try await engine.run("activity user:\(server.dataset.catalogUsers[0].username)")
        let second = try await engine.run("activity user:\(server.dataset.catalogUsers[0].username)")
        #expect(first.calls == 1 && second.calls == 0 && second.cachedCalls == 1)
        #expect(first.rows == second.rows)
        await engine.clearCache()
        let third = try await engine.run("activity user:\(server.dataset.catalogUsers[0].username)")
        #expect(third.calls == 1)
        try await engine.set("cache_ttl", to: "0")
        let fourth = try await engine.run("activity user:\(server.dataset.catalogUsers[0].username)")
        #expect(fourth.calls == 1)
    }

    @Test func maxPagesBoundIsReportedNotSilent() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        try await engine.set("max_pages", to: "2")
        let result = try await engine.run("activity | limit all")
        #expect(result.calls == 2)
        #expect(result.warnings.contains { $0.contains("max_pages") })
    }

    @Test func letAndSetAffectLaterStatements() async throws {
        let server = try await TestServer.small.value
        let engine = TestServer.engine(server)
        let result = try await engine.run("let s = the-walking-dead\nset convention = utc\nexplain activity show:$s since:1d")
        #expect(result.rows.isEmpty)
        let plan = try await engine.plan("activity show:$s since:1d")
        #expect(plan.v1!.calls[0].redactedPath == "/activity/shows.json/<key>/the-walking-dead/all/\(Int(TestServer.now.timeIntervalSince1970) - 86_400)")
    }
}
