import Foundation
import Testing
@testable import TraktEmulator
import TraktEmulatorServer
@testable import TraktQL
import TraktQLCurl

/// `let NAME = activity …` keeps a query's answer, and `where … in/not in $NAME` and
/// `show:$NAME` use it. Each answer is checked against a count made here from the emulator's raw
/// v2 pages (every page of history, watchlist and ratings, read with the transport and decoded
/// with JSONSerialization), not against traktql's own numbers.
@Suite(.serialized) struct QueryVariableTests {
    /// Every element of a paged v2 route, all pages.
    static func raw(_ server: EmulatorServer, _ path: String) async throws -> [[String: Any]] {
        let transport = CurlTransport.retrying(for: EngineConfiguration(apiURL: server.baseURL))
        var out: [[String: Any]] = []
        var page = 1
        while true {
            let url = URL(string: server.baseURL.absoluteString + path + "?page=\(page)&limit=250")!
            let response = try await transport.send(HTTPRequest(url: url, headers: ["trakt-api-version": "2", "trakt-api-key": V2TestServer.clientID]))
            #expect(response.status == 200, "\(path)")
            let elements = try #require(try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]])
            out += elements
            let pages = Int(response.headers["x-pagination-page-count"] ?? "1") ?? 1
            if page >= pages || elements.isEmpty { return out }
            page += 1
        }
    }

    /// The show or movie title an element is about.
    static func title(_ element: [String: Any]) -> String? {
        for key in ["show", "movie"] {
            if let object = element[key] as? [String: Any], let title = object["title"] as? String { return title }
        }
        return nil
    }

    static func titles(_ engine: Engine, _ script: String) async throws -> Set<String> {
        let result = try await engine.run(script)
        return Set(result.rows.compactMap { $0.first?.stringValue })
    }

    /// "What's on my watchlist that I never watched" and "what did I rate but never watch", for
    /// the users whose raw data has such titles.
    @Test func watchlistAndRatingsMinusWatched() async throws {
        let server = try await TestServer.v2Busy.value
        var checked = 0
        for user in V2TestServer.busyUsers(server, count: 12) {
            let watched = Set(try await Self.raw(server, "/users/\(user)/history").compactMap(Self.title))
            let watchlist = Set(try await Self.raw(server, "/users/\(user)/watchlist").compactMap(Self.title))
            let rated = Set(try await Self.raw(server, "/users/\(user)/ratings").compactMap(Self.title))
            let neverWatched = watchlist.subtracting(watched), ratedOnly = rated.subtracting(watched)
            guard !neverWatched.isEmpty || !ratedOnly.isEmpty else { continue }
            checked += 1
            for api in [APIVersion.v2, .v1] {
                let engine = V2TestServer.engine(server, api: api)
                let seen = "let seen = activity user:\(user) action:seen,scrobble,checkin | distinct title\n"
                let listed = try await Self.titles(engine, seen + "activity user:\(user) action:watchlist | limit all | where title not in $seen | distinct title")
                #expect(listed == neverWatched, "\(api) \(user): watchlist minus watched")
                let ratings = try await Self.titles(engine, "activity user:\(user) action:rating | limit all | where title not in $seen | distinct title")
                #expect(ratings == ratedOnly, "\(api) \(user): rated, never watched")
                // `in` is the other half: on v2 (the watchlist as it is now) together they are the
                // whole watchlist; v1's watchlist activity also has the adds of titles since watched.
                let both = try await Self.titles(engine, "activity user:\(user) action:watchlist | limit all | where title in $seen | distinct title")
                #expect(both.isDisjoint(with: listed) && both.isSuperset(of: watchlist.intersection(watched)), "\(api) \(user)")
                if api == .v2 { #expect(both.union(listed) == watchlist, "\(user): in \(both.sorted()), not in \(listed.sorted())") }
            }
        }
        #expect(checked >= 2, "the dataset should have users whose watchlists hold titles they never watched")
    }

    /// Shows watched this year but not last year (calendar periods), against the raw history's
    /// `watched_at`, with the pinned clock's years in UTC.
    @Test func thisYearAgainstLastYear() async throws {
        let server = try await TestServer.v2Years.value
        // The busiest user who watched something in both years (people start at different times).
        var chosen: (user: String, thisYear: Set<String>, lastYear: Set<String>)?
        for user in V2TestServer.busyUsers(server, count: 10) {
            var byYear: [String: Set<String>] = [:]
            for element in try await Self.raw(server, "/users/\(user)/history") {
                guard let title = Self.title(element), let at = element["watched_at"] as? String else { continue }
                byYear[String(at.prefix(4)), default: []].insert(title)
            }
            if let thisYear = byYear["2024"], let lastYear = byYear["2023"] {
                chosen = (user, thisYear, lastYear)
                break
            }
        }
        let (user, thisYear, lastYear) = try #require(chosen, "no busy user watched in both 2023 and 2024")
        let engine = V2TestServer.engine(server, api: .v2)
        let new = try await Self.titles(engine, """
            let last_year = activity user:\(user) action:seen,scrobble,checkin on:last-year | distinct title
            activity user:\(user) action:seen,scrobble,checkin on:this-year | where title not in $last_year | distinct title
            """)
        #expect(new == thisYear.subtracting(lastYear), "new this year")
        let inWhere = try await Self.titles(engine, "activity user:\(user) action:seen,scrobble,checkin | limit all | where time in last-year | distinct title")
        #expect(inWhere == lastYear, "where time in last-year = on:last-year")
    }

    /// A variable as a qualifier's values: `-show:$seen` filters, `show:$few` makes a call each;
    /// a time variable cannot name shows; an answer too large or partial is refused by name.
    @Test func variablesInQualifiersAndTheirLimits() async throws {
        let server = try await TestServer.v2Busy.value
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let engine = V2TestServer.engine(server, api: .v2)
        let all = try await engine.run("activity user:\(user) action:seen | limit all | count")
        let some = try await engine.run("""
            let few = activity user:\(user) action:seen type:episode | stats count by show.ids.slug | sort count desc | limit 2 | select show.ids.slug
            activity user:\(user) action:seen -show:$few | limit all | count
            """)
        let twoShows = try await engine.run("activity user:\(user) action:seen show:$few | limit all | count")
        #expect(some.rows[0][0].intValue! + twoShows.rows[0][0].intValue! == all.rows[0][0].intValue!)
        let plan = try await engine.plan("explain activity user:\(user) action:seen show:$few")
        #expect(plan.explanation().contains("$few: 2 values (text) from activity user:\(user) action:seen type:episode"), "\(plan.explanation())")
        // Times cannot name shows.
        await #expect(throws: TraktQLError.self) {
            try await engine.run("let times = activity user:\(user) action:seen | limit 3 | select time\nactivity user:\(user) show:$times")
        }
        // Several columns, and a one-page answer, are refused.
        for bad in ["let x = activity user:\(user) action:seen | limit all | select title, time",
                    "let x = activity user:\(user) action:seen | select title"] {
            do {
                try await engine.run(bad)
                Issue.record("\(bad) was accepted")
            } catch {
                guard case .query(let diagnostics, _) = error else { Issue.record("\(error)"); continue }
                #expect(diagnostics.first?.message.contains("$x") == true, "\(diagnostics)")
            }
        }
    }
}

extension TestServer {
    /// The v2 emulator of V2TestServer (seed 7, small), shared.
    static var v2Busy: Task<EmulatorServer, any Error> { V2TestServer.unlimited }
    /// The default scale (seed 7): the small one's history is shorter than two calendar years.
    static let v2Years: Task<EmulatorServer, any Error> = Task {
        var c = EmulatorConfiguration(seed: 7, size: DatasetScale.default.size, now: TestServer.now)
        c.v2 = V2Settings(clientID: V2TestServer.clientID, clientSecret: V2TestServer.clientSecret, accessToken: V2TestServer.token,
                          tokenUser: "justin", deviceApproval: .auto, rateLimit: .off, deviceInterval: 0)
        return try await EmulatorServer.start(c)
    }
}
