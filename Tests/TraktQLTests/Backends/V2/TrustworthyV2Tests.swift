import Foundation
import Testing
@testable import TraktEmulator
import TraktEmulatorServer
@testable import TraktQL
import TraktQLCurl

/// v2 answers that used to be silently wrong or silently partial, against the emulator over
/// loopback: the cache keyed by who asks, the one-page default said with its numbers, a rate
/// limit longer than the statement's budget failing at once, and `rating:love` meaning on v2
/// what it means on v1.
@Suite(.serialized) struct TrustworthyV2Tests {
    /// A token that the test changes between statements, as a login and a logout do.
    final class SwitchableToken: BearerTokenSource, @unchecked Sendable {
        private let lock = NSLock()
        private var current: String?
        init(_ token: String?) { current = token }
        func set(_ token: String?) { lock.withLock { current = token } }
        func accessToken() async throws(TraktQLError) -> String? { lock.withLock { current } }
    }

    static func engine(_ server: EmulatorServer, bearer: (any BearerTokenSource)?, timeout: TimeInterval = 120) -> Engine {
        var settings = Settings()
        settings.timeZone = TimeZone(identifier: "UTC")!
        settings.api = .v2
        settings.maxPages = 1000
        settings.timeout = timeout
        var configuration = EngineConfiguration(
            apiURL: server.baseURL, apiKey: "test-key", settings: settings, clock: { TestServer.now },
            retryPolicy: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.05), requestTimeout: 10)
        configuration.v2 = V2Credentials(clientID: V2TestServer.clientID, clientSecret: V2TestServer.clientSecret, bearer: bearer)
        configuration.checksNamesWithServerCatalog = false
        configuration.transport = CurlTransport.retrying(for: configuration)
        return Engine(configuration: configuration)
    }

    /// The same call with other credentials is another cache entry: after the login changes,
    /// `user:me` is asked again (here it fails, as the new token is not valid), never answered
    /// with the previous account's rows.
    @Test func theCacheNeverServesOneLoginsAnswerToAnother() async throws {
        let server = try await V2TestServer.unlimited.value
        let token = SwitchableToken(V2TestServer.token)
        let engine = Self.engine(server, bearer: token)
        let query = "activity user:me action:rating | limit all | count"
        let first = try await engine.run(query)
        #expect((first.rows.first?.first?.intValue ?? 0) > 0)
        let again = try await engine.run(query)
        #expect(again.calls == 0 && again.cachedCalls > 0, "the same login is served from the cache")
        token.set("another-token-that-the-server-does-not-know")
        do {
            let other = try await engine.run(query)
            Issue.record("served \(other.rows) to another login (\(other.cachedCalls) cached calls)")
        } catch {
            guard case .api(401, _, _) = error else { Issue.record("expected the server's 401, got \(error)"); return }
        }
        // Keys differ by credentials, server and URL, and never hold a secret.
        let request = HTTPRequest(url: URL(string: "https://api.example/sync/ratings")!, headers: ["Authorization": "Bearer secret-a"])
        var other = request
        other.headers["Authorization"] = "Bearer secret-b"
        var elsewhere = request
        elsewhere.url = URL(string: "https://staging.example/sync/ratings")!
        let keys = [request, other, elsewhere].map { ResponseCache.key(for: $0, shown: "GET /sync/ratings") }
        #expect(Set(keys).count == 3)
        #expect(keys.allSatisfy { !$0.contains("secret") })
    }

    /// Without a limit or since:, a query reads each call's newest page; the warning says how
    /// many items were read of how many the server has, and what to add.
    @Test func theOnePageDefaultSaysWhatItLeftUnread() async throws {
        let server = try await V2TestServer.unlimited.value
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let engine = V2TestServer.engine(server, api: .v2)
        let total = try await engine.run("activity user:\(user) action:seen,scrobble,checkin | limit all | count")
        let all = try #require(total.rows.first?.first?.intValue)
        #expect(all > 100)
        let page = try await engine.run("activity user:\(user) action:seen,scrobble,checkin | where type == \"movie\" | select time, title")
        let note = try #require(page.warnings.first { $0.contains("only one page") }, "\(page.warnings)")
        #expect(note.contains("the newest 100 of \(all) items"), "\(note)")
        #expect(note.contains("limit all"))
        // A query that reads everything has no such note.
        let whole = try await engine.run("activity user:\(user) action:seen,scrobble,checkin | limit all | where type == \"movie\" | count")
        #expect(!whole.warnings.contains { $0.contains("only one page") }, "\(whole.warnings)")
        // v1 has no total to give: the note says what was read.
        let v1 = V2TestServer.engine(server, api: .v1)
        let v1Page = try await v1.run("activity user:\(user)")
        #expect(v1Page.warnings.contains { $0.contains("only one page of activity/user was read, the newest 100 items") }, "\(v1Page.warnings)")
    }

    /// `rating:love` on v2 is a rating of 6–10 and `hate` 1–5, as v1 derives love and hate from
    /// its 10-point rating: every v1 love is 6–10 in the data, and on v2 the ratings route's
    /// `{rating}` segment answers exactly the ratings a local check of the whole list keeps.
    @Test func loveAndHateMeanTheSameOnBothBackends() async throws {
        let server = try await V2TestServer.unlimited.value
        let users = V2TestServer.busyUsers(server, count: 2)
        let v1 = V2TestServer.engine(server, api: .v1)
        let v2 = V2TestServer.engine(server, api: .v2)
        func count(_ engine: Engine, _ query: String) async throws -> Int64 {
            try #require(try await engine.run(query).rows.first?.first?.intValue)
        }
        for user in users {
            // v1: love is exactly 6–10, hate 1–5.
            let loves = try await count(v1, "activity user:\(user) action:rating rating:love | limit all | count")
            #expect(loves > 0)
            #expect(try await count(v1, "activity user:\(user) action:rating rating:love | limit all | where rating_advanced < 6 | count") == 0)
            #expect(try await count(v1, "activity user:\(user) action:rating rating:hate | limit all | where rating_advanced > 5 | count") == 0)
            #expect(try await count(v1, "activity user:\(user) action:rating | limit all | where rating_advanced >= 6 | count") == loves)
            // v2: the same rule, through the route's segment and through a local filter.
            let all = try await v2.run("activity user:\(user) action:rating | limit all | select rating")
            let scores = all.rows.compactMap { $0.first?.intValue }
            #expect(scores.count == all.rows.count && !scores.isEmpty)
            for (rating, keep) in [("love", 6...10), ("hate", 1...5), (">=8", 8...10), ("7..9", 7...9)] as [(String, ClosedRange<Int64>)] {
                let routed = try await count(v2, "activity user:\(user) action:rating rating:\(rating) | limit all | count")
                #expect(routed == Int64(scores.filter { keep.contains($0) }.count), "\(user) rating:\(rating)")
            }
            // avg(rating) is a number on v2.
            let mean = try await v2.run("activity user:\(user) action:rating | limit all | stats avg(rating) as mean")
            #expect(mean.rows.first?.first?.doubleValue != nil, "\(mean.rows)")
        }
    }

    /// A rate-limit window longer than the statement's budget fails at once, saying when to try
    /// again, instead of waiting out the budget and then failing.
    @Test func aRateLimitLongerThanTheBudgetFailsAtOnce() async throws {
        var configuration = EmulatorConfiguration(seed: 7, size: DatasetScale.small.size, now: TestServer.now)
        configuration.v2 = V2Settings(clientID: V2TestServer.clientID, clientSecret: V2TestServer.clientSecret, accessToken: V2TestServer.token,
                                      tokenUser: "justin", deviceApproval: .auto, rateLimit: TraktEmulator.RateLimit(limit: 2, period: 60), deviceInterval: 0)
        let server = try await EmulatorServer.start(configuration)
        let engine = Self.engine(server, bearer: nil, timeout: 8)
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let start = Date()
        do {
            _ = try await engine.run("activity user:\(user) | limit all | count")
            Issue.record("expected the rate limit to end the statement")
        } catch {
            let elapsed = Date().timeIntervalSince(start)
            guard case .api(429, let message, let call) = error else { Issue.record("expected a 429, got \(error)"); await server.stop(); return }
            #expect(message.contains("try again at") && message.contains("timeout = 8 s"), "\(message)")
            #expect(!call.isEmpty, "the error names the call")
            #expect(elapsed < 6, "failed after \(elapsed) s: it should not wait for the budget to run out")
        }
        await server.stop()
    }
}
