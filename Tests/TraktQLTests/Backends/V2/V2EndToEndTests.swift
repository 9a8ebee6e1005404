import Foundation
import Testing
@testable import TraktEmulator
import TraktEmulatorServer
@testable import TraktQL
import TraktQLCurl

/// The v2 backend against the emulator's v2 routes over http loopback: the same answers as v1
/// over the same dataset (one play per episode), rate limits waited out, `user:me` with a
/// pre-issued token, and no secret in any output.
enum V2TestServer {
    static let clientID = "v2-e2e-client"
    static let clientSecret = "v2-e2e-secret-0123456789"
    static let token = "v2-e2e-token-abcdef0123456789"

    static func start(rateLimit: TraktEmulator.RateLimit) async throws -> EmulatorServer {
        var c = EmulatorConfiguration(seed: 7, size: DatasetScale.small.size, now: TestServer.now)
        c.v2 = V2Settings(clientID: clientID, clientSecret: clientSecret, accessToken: token, tokenUser: "justin",
                          deviceApproval: .auto, rateLimit: rateLimit, deviceInterval: 0)
        return try await EmulatorServer.start(c)
    }

    static let unlimited: Task<EmulatorServer, any Error> = Task { try await start(rateLimit: .off) }
    static let limited: Task<EmulatorServer, any Error> = Task { try await start(rateLimit: TraktEmulator.RateLimit(limit: 3, period: 2)) }

    static func engine(_ server: EmulatorServer, api: APIVersion, token: String? = nil, progress: (@Sendable (String) -> Void)? = nil) -> Engine {
        var settings = Settings()
        settings.timeZone = TimeZone(identifier: "UTC")!
        settings.api = api
        settings.maxPages = 1000
        var configuration = EngineConfiguration(
            apiURL: server.baseURL, apiKey: "test-key", settings: settings, clock: { TestServer.now },
            retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05), requestTimeout: 10, progress: progress)
        configuration.v2 = V2Credentials(clientID: clientID, clientSecret: clientSecret, bearer: token.map(StaticBearerToken.init))
        configuration.checksNamesWithServerCatalog = false
        configuration.transport = CurlTransport.retrying(for: configuration)
        return Engine(configuration: configuration)
    }

    /// Unprotected users with the most plays in the dataset.
    static func busyUsers(_ server: EmulatorServer, count: Int) -> [String] {
        let ds = server.dataset
        var plays: [Int: Int] = [:]
        for a in ds.activities where [.seen, .scrobble, .checkin].contains(a.kind.action) { plays[Int(a.user), default: 0] += 1 }
        return plays.filter { !ds.users[$0.key].isProtected }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(count).map { ds.users[$0.key].username }
    }
}

@Suite(.serialized) struct V2EndToEndTests {
    static func count(_ result: QueryResult) -> Int64 { result.rows.first?.first?.intValue ?? -1 }

    @Test func playsOverallAndInAWindowEqualTheV1AnswerOnePerEpisode() async throws {
        let server = try await V2TestServer.unlimited.value
        let v1 = V2TestServer.engine(server, api: .v1)
        let v2 = V2TestServer.engine(server, api: .v2)
        let users = V2TestServer.busyUsers(server, count: 2)
        #expect(users.count == 2)
        for user in users {
            for window in ["", " since:2024-06-01 until:2024-09-30"] {
                let v1Count = Self.count(try await v1.run("activity user:\(user) actions:seen,scrobble,checkin\(window) | limit all | flatten episodes | count"))
                let v2Result = try await v2.run("activity user:\(user) actions:seen,scrobble,checkin\(window) | limit all | count")
                #expect(v1Count > 0, "\(user)\(window): the v1 answer is empty")
                #expect(Self.count(v2Result) == v1Count, "\(user)\(window): v2 \(Self.count(v2Result)) plays, v1 \(v1Count)")
                #expect(!v2Result.isIncomplete)
            }
        }
        // Two users at once: the fan-out is the sum.
        let both = Self.count(try await v2.run("activity user:\(users.joined(separator: ",")) action:seen | limit all | count"))
        var separate: Int64 = 0
        for user in users { separate += Self.count(try await v1.run("activity user:\(user) action:seen | limit all | flatten episodes | count")) }
        #expect(both == separate)
    }

    /// `season:`/`episode:` with a user's show narrow the history call to the season's or the
    /// episode's trakt id (looked up under /shows/{slug}/seasons): the rows are the ones the
    /// show's whole history gives, filtered on each item.
    @Test func seasonsAndEpisodesNarrowTheHistoryCallToTheSameAnswer() async throws {
        let server = try await V2TestServer.unlimited.value
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let v2 = V2TestServer.engine(server, api: .v2)
        let top = try await v2.run("activity user:\(user) action:seen type:episode | limit all | stats count by show.ids.slug | sort count desc | limit 1")
        let show = try #require(top.rows.first?.first?.stringValue)
        let seasons = try await v2.run("activity user:\(user) action:seen show:\(show) | limit all | stats count by episode.season | sort count desc | limit 2")
        let (s1, s2) = (try #require(seasons.rows.first?.first?.intValue), try #require(seasons.rows.last?.first?.intValue))
        #expect(s1 != s2, "\(show) has plays in one season only: pick a show with more")
        let episodes = try await v2.run("activity user:\(user) action:seen show:\(show) season:\(s1) | limit all | stats count by episode.number | sort count desc | limit 2")
        let (e1, e2) = (try #require(episodes.rows.first?.first?.intValue), try #require(episodes.rows.last?.first?.intValue))
        let columns = "| limit all | select time, sxe, title, action"
        let cases: [(narrowed: String, filtered: String, route: String)] = [
            ("season:\(s1)", "| where episode.season == \(s1)", "/history/seasons/"),
            ("season:\(s1),\(s2)", "| where episode.season in [\(s1), \(s2)]", "/history/seasons/"),
            ("season:\(s1) episode:\(e1),\(e2)", "| where episode.season == \(s1) and episode.number in [\(e1), \(e2)]", "/history/episodes/"),
        ]
        for c in cases {
            let explained = try await v2.plan("activity user:\(user) action:seen show:\(show) \(c.narrowed)").explanation()
            #expect(explained.contains(c.route), "\(c.narrowed): \(explained)")
            let narrowed = try await v2.run("activity user:\(user) action:seen show:\(show) \(c.narrowed) \(columns)")
            let filtered = try await v2.run("activity user:\(user) action:seen show:\(show) \(c.filtered) \(columns)")
            #expect(!narrowed.rows.isEmpty, "\(c.narrowed)")
            #expect(narrowed.rows == filtered.rows, "\(c.narrowed): \(narrowed.rows.count) rows, filtered \(filtered.rows.count)")
        }
        // A season or episode the show does not have: no rows, and no history call (only lookups).
        let noSeason = try await v2.run("activity user:\(user) action:seen show:\(show) season:97 | limit all | select time")
        #expect(noSeason.rows.isEmpty)
        #expect(noSeason.calls + noSeason.cachedCalls == 1, "only the seasons lookup: \(noSeason.calls) calls")
        let noEpisode = try await v2.run("activity user:\(user) action:seen show:\(show) season:\(s1) episode:998 | limit all | select time")
        #expect(noEpisode.rows.isEmpty)
        // A show the server does not have is still an error that names it.
        do {
            _ = try await v2.run("activity user:\(user) action:seen show:no-such-show-here season:1 | limit 5")
            Issue.record("an unknown show gave no error")
        } catch {
            #expect("\(error)".contains("no-such-show-here"), "\(error)")
        }
    }

    /// v2 has no catalog check: its 404 for a name the query gives points at that name (a
    /// literal, or the `$variable` that holds it), exit 2 as before.
    @Test func aNotFoundNamePointsAtItsQualifierValue() async throws {
        let server = try await V2TestServer.unlimited.value
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let v2 = V2TestServer.engine(server, api: .v2)
        let cases: [(statements: [String], column: Int, name: String)] = [
            (["activity user:\(user),nobody-at-all action:seen | limit 1"], "activity user:\(user),".count + 1, "nobody-at-all"),
            (["activity user:\(user) show:no-such-show-here season:1 | limit 1"], "activity user:\(user) show:".count + 1, "no-such-show-here"),
            (["let crew = \(user),nobody-at-all", "activity user:$crew action:seen | limit 1"], "activity user:".count + 1, "nobody-at-all"),
        ]
        for c in cases {
            do {
                _ = try await v2.run(c.statements.joined(separator: "\n"))
                Issue.record("\(c.statements): no error")
            } catch {
                guard case .notFound(let diagnostics, _) = error else {
                    Issue.record("\(c.statements): \(error)")
                    continue
                }
                #expect(error.exitCode == 2)
                #expect(diagnostics.count == 1 && diagnostics[0].message.contains("'\(c.name)'"), "\(diagnostics)")
                #expect(diagnostics.first?.span.start.line == c.statements.count, "\(diagnostics)")
                #expect(diagnostics.first?.span.start.column == c.column, "\(diagnostics)")
            }
        }
    }

    /// Issue 21, did-you-mean on v2: after a 404 for a show or movie, one text search names
    /// what the server calls it; a user (Trakt has no user search) and a name nothing resembles
    /// get none.
    @Test func aNotFoundShowOrMovieSuggestsTheServersNameThroughSearch() async throws {
        let server = try await V2TestServer.unlimited.value
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let v2 = V2TestServer.engine(server, api: .v2)
        let cases: [(statement: String, suggestion: String?)] = [
            ("activity user:\(user) movie:inception action:seen | limit 1", "did you mean 'inception-2010'?"),
            ("activity user:\(user) show:breaking-bda action:seen | limit 1", "did you mean 'breaking-bad'?"),
            ("activity user:\(user) movie:the-matrix | limit 1", "did you mean 'the-matrix-1999'?"),
            ("activity user:\(user) show:zzzz-qqqq-xxxx | limit 1", nil),
            ("activity user:nobody-at-all | limit 1", nil),
        ]
        for c in cases {
            do {
                _ = try await v2.run(c.statement)
                Issue.record("\(c.statement): no error")
            } catch {
                guard case .notFound(let diagnostics, _) = error, let help = diagnostics.first?.help else {
                    Issue.record("\(c.statement): \(error)")
                    continue
                }
                #expect(error.exitCode == 2)
                if let suggestion = c.suggestion {
                    #expect(help.hasPrefix(suggestion + " (the API answered 404 to GET "), "\(c.statement): \(help)")
                } else {
                    #expect(!help.contains("did you mean") && help.hasPrefix("the API answered 404"), "\(c.statement): \(help)")
                }
            }
        }
    }

    /// since: includes its instant and until: excludes it, on v1 (end_ts is the second
    /// before) and v2 (end_at the millisecond before, and the residual `<`): a play at exactly
    /// the boundary is counted once, so adjacent periods add up.
    @Test func aPlayAtTheBoundaryIsInExactlyOneSide() async throws {
        let server = try await V2TestServer.unlimited.value
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let ds = server.dataset
        let index = try #require(ds.users.firstIndex { $0.username == user })
        let plays = ds.activities.filter { Int($0.user) == index && [.seen, .scrobble, .checkin].contains($0.kind.action) }
        let boundary = try #require(plays.dropFirst(plays.count / 2).first).time
        let instant = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(boundary)))
        let window = "since:\(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(boundary - 30 * 86_400)))) "
        let end = "until:\(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(boundary + 30 * 86_400))))"
        for api in [APIVersion.v1, .v2] {
            let engine = V2TestServer.engine(server, api: api)
            func count(_ bounds: String) async throws -> Int64 {
                let result = try await engine.run("activity user:\(user) action:seen,scrobble,checkin \(bounds) | count")
                return try #require(result.rows.first?.first?.intValue)
            }
            let before = try await count(window + "until:\(instant)")
            let after = try await count("since:\(instant) " + end)
            let all = try await count(window + end)
            #expect(before + after == all && before > 0 && after > 0, "\(api): \(before) + \(after) vs \(all)")
        }
    }

    @Test func itemsReadThroughTheV2Schema() async throws {
        let server = try await V2TestServer.unlimited.value
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let v2 = V2TestServer.engine(server, api: .v2)
        let result = try await v2.run("activity user:\(user) actions:seen,scrobble,checkin | select time, who, action, type, title, sxe, show.ids.trakt | limit 300")
        #expect(result.rows.count == 300)
        #expect(result.calls >= 2)  // 250 a page
        for row in result.rows {
            #expect(row[1] == .string(user))
            #expect(["seen", "scrobble", "checkin"].contains(row[2].stringValue ?? ""))
            if row[3] == .string("episode") { #expect(row[5].stringValue?.hasPrefix("S") == true) }
            #expect(!row[4].isNull)
        }
        let times = result.rows.compactMap { row -> Date? in if case .instant(let d) = row[0] { return d } else { return nil } }
        #expect(times.count == 300 && times == times.sorted(by: >))
        // `flatten episodes` changes nothing on v2.
        let flat = Self.count(try await v2.run("activity user:\(user) action:seen since:2024-06-01 | flatten episodes | count"))
        let plain = Self.count(try await v2.run("activity user:\(user) action:seen since:2024-06-01 | count"))
        #expect(flat == plain && plain > 0)
        // A named show narrows the route through its trakt id (one lookup, then cached).
        let show = try await v2.run("activity user:\(user) action:seen | limit all | count by title | sort count desc | limit 1")
        let title = try #require(show.rows.first?[0].stringValue)
        let slug = try #require(server.dataset.shows.first { $0.seed.title == title }?.seed.slug)
        let narrowed = try await v2.run("activity user:\(user) action:seen show:\(slug) | limit all | count")
        #expect(Self.count(narrowed) == show.rows[0][1].intValue)
    }

    @Test func aRateLimitedRunEqualsTheUnlimitedOne() async throws {
        let free = try await V2TestServer.unlimited.value
        let limited = try await V2TestServer.limited.value
        let user = V2TestServer.busyUsers(free, count: 1)[0]
        let query = "activity user:\(user) actions:seen,scrobble,checkin,rating | limit all | count by action"
        let expected = try await V2TestServer.engine(free, api: .v2).run(query)
        let notes = Notes()
        let result = try await V2TestServer.engine(limited, api: .v2, progress: { notes.append($0) }).run(query)
        #expect(result.rows == expected.rows)
        #expect(!result.isIncomplete)
        #expect(result.calls > 3)  // more calls than one window allows: some waited
    }

    @Test func userMeUsesTheTokenAndNamesTheLoggedInUser() async throws {
        let server = try await V2TestServer.unlimited.value
        let engine = V2TestServer.engine(server, api: .v2, token: V2TestServer.token)
        let me = try await engine.run("activity user:me action:seen | limit all | count")
        let justin = try await engine.run("activity user:justin action:seen | limit all | count")
        #expect(Self.count(me) == Self.count(justin) && Self.count(me) > 0)
        let who = try await engine.run("activity user:me action:seen | select who | limit 1")
        #expect(who.rows.first?.first == .string("justin"))
        // Without a token, user:me says how to log in (exit 2).
        do {
            _ = try await V2TestServer.engine(server, api: .v2).run("activity user:me action:seen")
            Issue.record("user:me without a token ran")
        } catch {
            #expect(error.exitCode == 2)
            #expect("\(error)".contains("traktql auth login"))
        }
    }

    @Test func theTokenIsNeverSentOverPlainHTTPToAnotherHost() async throws {
        var settings = Settings()
        settings.api = .v2
        var configuration = EngineConfiguration(apiURL: URL(string: "http://192.0.2.1:9")!, settings: settings, requestTimeout: 1)
        configuration.v2 = V2Credentials(clientID: "id", bearer: StaticBearerToken(V2TestServer.token))
        configuration.transport = CurlTransport.retrying(for: configuration)
        let engine = Engine(configuration: configuration)
        do {
            _ = try await engine.run("activity user:justin action:seen")
            Issue.record("the query ran")
        } catch {
            #expect("\(error)".contains("refusing to send the OAuth token over plain http"))
            #expect(!"\(error)".contains(V2TestServer.token))
        }
    }

    @Test func noOutputOrErrorShowsTheTokenOrTheClientSecret() async throws {
        let server = try await V2TestServer.unlimited.value
        let engine = V2TestServer.engine(server, api: .v2, token: V2TestServer.token)
        var texts: [String] = []
        for statement in ["activity user:me action:seen | limit 5", "explain activity user:me action:seen",
                          "activity user:nobody-here action:seen", "activity user:me show:no-such-show action:seen"] {
            do {
                let script = try QueryCompiler.parse(statement)
                for s in script.statements {
                    switch try await engine.execute(s, source: statement) {
                    case .rows(let result):
                        texts.append(ValueText.json(.array(result.items ?? []), zone: TimeZone(identifier: "UTC")!))
                        texts += result.warnings
                    case .plan(let plan):
                        texts.append(plan.explanation(baseURL: server.baseURL))
                        texts.append(ValueText.json(plan.explanationValue(baseURL: server.baseURL), zone: TimeZone(identifier: "UTC")!))
                    default: break
                    }
                }
            } catch {
                texts.append("\(error)")
            }
        }
        #expect(texts.count >= 5)
        for text in texts {
            #expect(!text.contains(V2TestServer.token))
            #expect(!text.contains(V2TestServer.clientSecret))
        }
    }
}

final class Notes: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
