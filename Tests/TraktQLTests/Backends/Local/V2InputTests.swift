import Foundation
import Testing
@testable import TraktEmulator
import TraktEmulatorServer
@testable import TraktQL
import TraktQLCurl

/// `--input` over saved v2 data: a history array and an export object, detected by shape and
/// named in a message; the answers equal the v2 API's over the same data.
@Suite(.serialized) struct V2InputTests {
    static func get(_ server: EmulatorServer, _ path: String) async throws -> Data {
        let transport = CurlTransport.retrying(for: EngineConfiguration(apiURL: server.baseURL))
        let response = try await transport.send(HTTPRequest(url: URL(string: server.baseURL.absoluteString + path)!,
                                                            headers: ["trakt-api-version": "2", "trakt-api-key": V2TestServer.clientID]))
        #expect(response.status == 200, "\(path)")
        return response.body
    }

    static func engine(input: String) -> Engine {
        var settings = Settings()
        settings.timeZone = TimeZone(identifier: "UTC")!
        var configuration = EngineConfiguration(apiURL: URL(string: "http://127.0.0.1:1")!, settings: settings, clock: { TestServer.now })
        configuration.input = input
        return Engine(configuration: configuration)
    }

    /// The input is read once: its first bytes tell its shape, and the rest is read on from
    /// there. A pipe, which can be read only once, holds a v2 history array (before, the first
    /// 16 KB were read to tell the shape and the file read again from its start: over a pipe
    /// that second read began in the middle of the JSON, and over standard input v2 was not
    /// looked for at all), in both readers.
    @Test(arguments: [true, false]) func aV2InputIsReadOnceSoAPipeWorks(streaming: Bool) async throws {
        let server = try await V2TestServer.unlimited.value
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let history = try await Self.get(server, "/users/\(user)/history?limit=250")
        #expect(history.count > 2 * V2Input.shapePrefix, "\(history.count) bytes")
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("v2input-\(UUID().uuidString).fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let writer = Thread {
            // Plain write(2): a reader that closes early (the old double read) ends the writing
            // with EPIPE, not with a trap in the test process.
            let fd = open(fifo, O_WRONLY)
            guard fd >= 0 else { return }
            defer { close(fd) }
            history.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n <= 0 { return }
                    offset += n
                }
            }
        }
        writer.start()
        var settings = Settings()
        settings.timeZone = TimeZone(identifier: "UTC")!
        var configuration = EngineConfiguration(apiURL: URL(string: "http://127.0.0.1:1")!, settings: settings, clock: { TestServer.now })
        configuration.input = fifo
        configuration.streamingInput = streaming
        let fromPipe = try await Engine(configuration: configuration).run("activity | count")
        #expect(fromPipe.warnings.first?.contains("as a v2 array of history (250)") == true, "\(fromPipe.warnings)")
        #expect(fromPipe.rows == [[.int(250)]], "\(fromPipe.rows)")
    }

    @Test func aHistoryArrayAndAnExportAreReadAndNamed() async throws {
        let server = try await V2TestServer.unlimited.value
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("v2input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let history = try await Self.get(server, "/users/\(user)/history?limit=250")
        let historyFile = directory.appendingPathComponent("history.json")
        try history.write(to: historyFile)
        let fromFile = try await Self.engine(input: historyFile.path).run("activity action:seen | count")
        #expect(fromFile.warnings.first?.contains("as a v2 array of history (250)") == true, "\(fromFile.warnings)")
        // The same 250 entries through the API, filtered the same way.
        let api = V2TestServer.engine(server, api: .v2)
        let newest = try await api.run("activity user:\(user) actions:seen,scrobble,checkin | limit 250 | where action == \"seen\" | count")
        #expect(fromFile.rows == newest.rows && !fromFile.rows.isEmpty, "\(fromFile.rows) \(newest.rows)")

        // An export object of raw arrays.
        var export = Data("{\"user\":{\"username\":\"\(user)\"},\"history\":".utf8)
        export += history
        export += Data(",\"ratings\":".utf8) + (try await Self.get(server, "/users/\(user)/ratings"))
        export += Data(",\"watchlist\":".utf8) + (try await Self.get(server, "/users/\(user)/watchlist"))
        export += Data(",\"comments\":".utf8) + (try await Self.get(server, "/users/\(user)/comments?limit=250"))
        export += Data(",\"lists\":".utf8) + (try await Self.get(server, "/users/\(user)/lists"))
        export += Data("}".utf8)
        let exportFile = directory.appendingPathComponent("export.json")
        try export.write(to: exportFile)
        let counts = try await Self.engine(input: exportFile.path).run("activity | count by action | sort action")
        #expect(counts.warnings.first?.hasPrefix("read \(exportFile.path) as a v2 export of \(user): history (250), ratings (") == true, "\(counts.warnings)")
        let actions = counts.rows.compactMap { $0.first?.stringValue }
        #expect(Set(actions).isSuperset(of: ["seen", "rating"]), "\(actions)")
        let ratings = try await Self.engine(input: exportFile.path).run("activity action:rating | select who | limit 1")
        #expect(ratings.rows.first?.first == .string(user))
        let apiRatings = try await api.run("activity user:\(user) action:rating | limit all | count")
        let fileRatings = try await Self.engine(input: exportFile.path).run("activity action:rating | count")
        #expect(apiRatings.rows == fileRatings.rows)
    }

    /// Writes `data` to a fresh file in a directory removed when `body` returns.
    static func withFile<T>(_ data: Data, _ body: (String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("v2input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("input.json")
        try data.write(to: file)
        return try await body(file.path)
    }

    static func queryError(_ input: String, _ query: String) async -> TraktQLError? {
        do {
            _ = try await engine(input: input).run(query)
            return nil
        } catch {
            return error
        }
    }

    /// A history array names no user: `user:` cannot be checked there, which is an error at
    /// the qualifier (never 0 rows); an export's profile names the user, whose rows they all are.
    @Test func userOnAFileIsTheFilesUserOrAnError() async throws {
        let server = try await V2TestServer.unlimited.value
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let history = try await Self.get(server, "/users/\(user)/history?limit=250")
        try await Self.withFile(history) { path in
            let all = try await Self.engine(input: path).run("activity type:movie | count")
            #expect((all.rows.first?.first?.intValue ?? 0) > 0)
            for query in ["activity user:\(user) type:movie | count", "activity user:me | count", "activity -user:\(user) | count"] {
                let error = await Self.queryError(path, query)
                guard case .query(let diagnostics, let source)? = error else {
                    Issue.record("\(query): expected a query error, got \(String(describing: error))")
                    continue
                }
                #expect(source == query, "the error points into the statement")
                let message = diagnostics.first?.message ?? ""
                #expect(message.contains("name no user") || message.contains("names no account"), "\(query): \(message)")
                #expect(diagnostics.first?.help?.isEmpty == false)
            }
        }
        // An export whose profile names the user: user:NAME and user:me are the whole file.
        var export = Data("{\"type\":\"full\",\"profile\":{\"username\":\"\(user)\",\"private\":false},\"history\":".utf8)
        export += history
        export += Data(",\"ratings\":".utf8) + (try await Self.get(server, "/users/\(user)/ratings"))
        export += Data(",\"followers\":[{\"followed_at\":\"2024-01-01T00:00:00.000Z\",\"user\":{\"username\":\"x\"}}],\"stats\":{\"movies\":{\"plays\":1}}}".utf8)
        try await Self.withFile(export) { path in
            let whole = try await Self.engine(input: path).run("activity | count")
            let named = try await Self.engine(input: path).run("activity user:\(user) | count")
            let me = try await Self.engine(input: path).run("activity user:me | count")
            #expect(whole.rows == named.rows && whole.rows == me.rows, "\(whole.rows) \(named.rows) \(me.rows)")
            #expect((whole.rows.first?.first?.intValue ?? 0) > 250)
            let other = try await Self.engine(input: path).run("activity user:somebody-else | count")
            #expect(other.rows.first?.first?.intValue == 0)
            // The parts that are not activity are named, not silently dropped.
            #expect(whole.warnings.first?.contains("not activity: stats") == true, "\(whole.warnings)")
            #expect(whole.warnings.first?.contains("followers, following or friends") == true, "\(whole.warnings)")
        }
    }

    /// `/watched/shows` and `/watched/movies` are read with their meaning: one row per episode
    /// or movie, its last time watched as the time and `seen` as the action, its plays counted.
    @Test func watchedSummariesBecomeRowsWithTimeAndAction() async throws {
        let server = try await V2TestServer.unlimited.value
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let shows = try await Self.get(server, "/users/\(user)/watched/shows")
        try await Self.withFile(shows) { path in
            let rows = try await Self.engine(input: path).run("activity | select time, action, type, sxe, plays | limit all")
            #expect(rows.rows.count > 10)
            #expect(rows.rows.allSatisfy { !$0[0].isNull && $0[1] == .string("seen") && $0[2] == .string("episode") && !$0[3].isNull },
                    "\(rows.rows.prefix(3))")
            // The plays add up to the user's episode plays in the history.
            let plays = try await Self.engine(input: path).run("activity | stats sum(plays)")
            let api = V2TestServer.engine(server, api: .v2)
            let history = try await api.run("activity user:\(user) action:seen,scrobble,checkin type:episode | limit all | count")
            #expect(plays.rows.first?.first?.intValue == history.rows.first?.first?.intValue, "\(plays.rows) \(history.rows)")
        }
        let movies = try await Self.get(server, "/users/\(user)/watched/movies")
        try await Self.withFile(movies) { path in
            let rows = try await Self.engine(input: path).run("activity type:movie | select time, action, title | limit all")
            #expect(!rows.rows.isEmpty && rows.rows.allSatisfy { !$0[0].isNull && $0[1] == .string("seen") })
        }
    }

    /// Playback progress is not activity: a file of it is refused, naming what it holds.
    @Test func playbackProgressIsRefusedByName() async throws {
        let playback = Data(#"[{"progress":10.5,"paused_at":"2024-11-01T10:00:00.000Z","id":13,"type":"movie","movie":{"title":"Heat","year":1995,"ids":{"trakt":1,"slug":"heat-1995"}}}]"#.utf8)
        try await Self.withFile(playback) { path in
            let error = await Self.queryError(path, "activity | count")
            guard case .usage(let message)? = error else { Issue.record("expected a refusal, got \(String(describing: error))"); return }
            #expect(message.contains("playback progress from /sync/playback"), "\(message)")
        }
    }

    /// Entries recorded before Trakt added `type` take it from the object they carry, so a
    /// `type:` filter keeps them; a nested export part (`collection: {movies, shows}`) is read.
    @Test func entriesWithoutATypeAndNestedExportParts() async throws {
        let ratings = #"[{"rated_at":"2015-03-01T10:00:00.000Z","rating":8,"movie":{"title":"Heat","year":1995,"ids":{"trakt":1,"slug":"heat-1995"}}},"# +
            #"{"rated_at":"2015-03-02T10:00:00.000Z","rating":6,"episode":{"season":1,"number":2,"ids":{"trakt":9}},"show":{"title":"Lost","year":2004,"ids":{"trakt":5,"slug":"lost"}}},"# +
            #"{"rated_at":"2015-03-03T10:00:00.000Z","rating":9,"show":{"title":"Lost","year":2004,"ids":{"trakt":5,"slug":"lost"}}}]"#
        try await Self.withFile(Data(ratings.utf8)) { path in
            let types = try await Self.engine(input: path).run("activity | select type | limit all")
            #expect(types.rows.map { $0[0] } == [.string("movie"), .string("episode"), .string("show")], "\(types.rows)")
            let movies = try await Self.engine(input: path).run("activity type:movie rating:love | count")
            #expect(movies.rows.first?.first?.intValue == 1)
        }
        let export = #"{"profile":{"username":"ana"},"collection":{"movies":[{"collected_at":"2020-01-01T00:00:00.000Z","movie":{"title":"Heat","year":1995,"ids":{"trakt":1,"slug":"heat-1995"}}}],"# +
            #""shows":[{"last_collected_at":"2020-02-01T00:00:00.000Z","show":{"title":"Lost","year":2004,"ids":{"trakt":5,"slug":"lost"}},"seasons":[{"number":1,"episodes":[{"number":1,"collected_at":"2020-02-01T00:00:00.000Z"},{"number":2,"collected_at":"2020-02-02T00:00:00.000Z"}]}]}]},"# +
            #""watched":{"movies":[{"plays":2,"last_watched_at":"2021-01-01T00:00:00.000Z","movie":{"title":"Heat","year":1995,"ids":{"trakt":1,"slug":"heat-1995"}}}]}}"#
        try await Self.withFile(Data(export.utf8)) { path in
            let result = try await Self.engine(input: path).run("activity user:ana | count by action, type | sort action, type")
            #expect(result.rows == [[.string("collection"), .string("episode"), .int(2)], [.string("collection"), .string("movie"), .int(1)],
                                    [.string("seen"), .string("movie"), .int(1)]], "\(result.rows)")
            #expect(result.warnings.first?.contains("collection.movies (1), collection.shows (2), watched.movies (1)") == true, "\(result.warnings)")
        }
    }
}
