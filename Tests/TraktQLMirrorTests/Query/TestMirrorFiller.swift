import Foundation
import TraktEmulator
@testable import TraktQL
@testable import TraktQLMirror

/// TEST-ONLY stand-in for `traktql sync` (the writing half of issue 26, built elsewhere): fills
/// a mirror with one account's v2 answers (`extended=full`) from the emulator core, following
/// the comments of ``MirrorSchema`` to the letter: one row per route element, times in ms,
/// members without a column in `extra`, carried shows/movies/seasons/episodes/lists once in
/// `objects`. No incremental logic, no last_activities: a whole read, once.
///
/// When the real sync lands, the parity tests should fill their mirror with it instead.
struct TestMirrorFiller {
    /// Where the v2 answers come from: the emulator core in this process, or any server over
    /// HTTP (the benchmarks fill a mirror from the `trakt-emulator` they measure v2 against).
    enum Source {
        case core(Emulator)
        case server(URL, any HTTPTransport)
    }

    let source: Source
    let clientID: String
    let token: String

    init(emulator: Emulator, clientID: String, token: String) {
        self.init(source: .core(emulator), clientID: clientID, token: token)
    }

    init(source: Source, clientID: String, token: String) {
        self.source = source
        self.clientID = clientID
        self.token = token
    }

    /// Reads every section of the token's account and saves it into `store`.
    func fill(_ store: MirrorStore, server: String, syncedAt: Date) async throws {
        let user = try await get("/users/settings")["user"]?["username"]?.stringValue ?? "me"
        let history = try await pages("/sync/history")
        let ratings = try await pages("/sync/ratings")
        let watchlist = try await pages("/sync/watchlist")
        let movies = try await pages("/sync/collection/movies")
        let shows = try await pages("/sync/collection/shows")
        let comments = try await pages("/users/\(user)/comments")
        let lists = try await pages("/users/\(user)/lists")
        var items: [(list: Int64, element: Value)] = []
        for list in lists {
            guard let id = list["ids"]?["trakt"]?.intValue else { continue }
            items += try await pages("/users/\(user)/lists/\(id)/items").map { (id, $0) }
        }
        let ms = Int64(syncedAt.timeIntervalSince1970 * 1000)
        let listItems = items
        let db = store.connection
        try db.transaction {
            try db.execute("INSERT INTO account (id, server, user, own, created_at) VALUES (1, ?, ?, 1, ?)", values(server, user, ms))
            for element in history {
                let type = element["type"]?.stringValue ?? ""
                let e = element["episode"]
                try db.execute("INSERT INTO history (id, watched_at, action, type, movie, show, episode, season, number, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               values(element["id"]?.intValue, Self.ms(element["watched_at"]), element["action"]?.stringValue, type,
                                           try save(db, "movie", element["movie"]), try save(db, "show", element["show"]),
                                           try save(db, "episode", e, show: element["show"]), e?["season"]?.intValue, e?["number"]?.intValue,
                                           Self.extra(element, ["id", "watched_at", "action", "type", "movie", "show", "episode"])))
            }
            for element in ratings {
                let (type, item, movie, show, season, number) = try carried(db, element)
                try db.execute("INSERT INTO ratings (type, item, rated_at, rating, movie, show, season, number, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               values(type, item, Self.ms(element["rated_at"]), element["rating"]?.intValue, movie, show, season, number,
                                           Self.extra(element, ["rated_at", "rating", "type", "movie", "show", "season", "episode"])))
            }
            for element in watchlist {
                let (type, item, movie, show, season, number) = try carried(db, element)
                try db.execute("INSERT INTO watchlist (id, rank, listed_at, type, item, movie, show, season, number, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               values(element["id"]?.intValue, element["rank"]?.intValue, Self.ms(element["listed_at"]), type, item, movie, show, season, number,
                                           Self.extra(element, ["id", "rank", "listed_at", "type", "movie", "show", "season", "episode"])))
            }
            for element in movies {
                let movie = try save(db, "movie", element["movie"])
                try db.execute("INSERT INTO collection (type, item, collected_at, updated_at, movie, extra) VALUES ('movie', ?, ?, ?, ?, ?)",
                               values(movie, Self.ms(element["collected_at"]), Self.ms(element["updated_at"]), movie,
                                           Self.extra(element, ["collected_at", "updated_at", "movie"])))
            }
            for element in shows {
                guard let show = try save(db, "show", element["show"]), case .array(let seasons)? = element["seasons"] else { continue }
                for season in seasons {
                    guard let s = season["number"]?.intValue, case .array(let episodes)? = season["episodes"] else { continue }
                    for episode in episodes {
                        guard let n = episode["number"]?.intValue else { continue }
                        try db.execute("INSERT INTO collection (type, item, collected_at, updated_at, show, season, number, extra) VALUES ('episode', ?, ?, ?, ?, ?, ?, ?)",
                                       values(episode["ids"]?["trakt"]?.intValue ?? show * 1_000_000 + s * 1_000 + n, Self.ms(episode["collected_at"]),
                                                   Self.ms(element["last_updated_at"]), show, s, n, Self.extra(episode, ["number", "collected_at"])))
                    }
                }
            }
            for element in comments {
                let (type, item, movie, show, season, number) = try carried(db, element)
                let comment = element["comment"] ?? .null
                try db.execute("INSERT INTO comments (id, created_at, type, review, item, movie, show, season, number, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               values(comment["id"]?.intValue, Self.ms(comment["created_at"]), type, comment["review"] == .bool(true) ? 1 : 0,
                                           item, movie, show, season, number, comment.jsonText(timeZone: Self.utc)))
            }
            for list in lists {
                let id = try save(db, "list", list)
                try db.execute("INSERT INTO lists (trakt, created_at, updated_at) VALUES (?, ?, ?)",
                               values(id, Self.ms(list["created_at"]), Self.ms(list["updated_at"])))
            }
            for (list, element) in listItems {
                let (type, item, movie, show, season, number) = try carried(db, element)
                try db.execute("INSERT INTO list_items (id, list, rank, listed_at, type, item, movie, show, season, number, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               values(element["id"]?.intValue, list, element["rank"]?.intValue, Self.ms(element["listed_at"]), type, item, movie, show,
                                           season, number, Self.extra(element, ["id", "rank", "listed_at", "type", "movie", "show", "season", "episode"])))
            }
            let counts = [("history", history.count), ("ratings", ratings.count), ("watchlist", watchlist.count),
                          ("collection", movies.count + shows.count), ("comments", comments.count), ("lists", lists.count + listItems.count)]
            for (section, count) in counts {
                try db.execute("INSERT INTO sync_sections (section, synced_at, item_count) VALUES (?, ?, ?)", values(section, ms, count))
            }
            try db.execute("INSERT INTO sync_runs (started_at, finished_at, full, outcome) VALUES (?, ?, 1, 'ok')", values(ms, ms))
        }
    }

    static let utc = TimeZone(identifier: "UTC")!

    /// SQL parameters from Swift values (Int, Int64, String, Bool; nil is NULL).
    static func values(_ items: Any?...) -> [SQLiteValue] {
        items.map { item in
            switch item {
            case let n as Int64: return .integer(n)
            case let n as Int: return .integer(Int64(n))
            case let s as String: return .text(s)
            case let b as Bool: return .integer(b ? 1 : 0)
            default: return .null
            }
        }
    }

    private func values(_ items: Any?...) -> [SQLiteValue] {
        items.map { Self.values($0).first ?? .null }
    }

    /// An element's carried object: its type, the object's trakt id, and the movie, show,
    /// season and number columns (a show's own rating or listing has show = its id).
    private func carried(_ db: SQLiteConnection, _ element: Value) throws -> (String, Int64?, Int64?, Int64?, Int64?, Int64?) {
        let type = element["type"]?.stringValue ?? ""
        let show = try save(db, "show", element["show"])
        switch type {
        case "movie":
            let movie = try save(db, "movie", element["movie"])
            return (type, movie, movie, nil, nil, nil)
        case "season":
            let season = element["season"]
            return (type, try save(db, "season", season, show: element["show"]), nil, show, season?["number"]?.intValue, nil)
        case "episode":
            let episode = element["episode"]
            return (type, try save(db, "episode", episode, show: element["show"]), nil, show, episode?["season"]?.intValue, episode?["number"]?.intValue)
        case "list":
            return (type, try save(db, "list", element["list"]), nil, nil, nil, nil)
        default:
            return (type, show, nil, show, nil, nil)
        }
    }

    /// Saves an object once (kind, trakt id) as v2 sent it; returns its trakt id.
    @discardableResult
    private func save(_ db: SQLiteConnection, _ kind: String, _ object: Value?, show: Value? = nil) throws -> Int64? {
        guard let object, case .object = object, let trakt = object["ids"]?["trakt"]?.intValue else { return nil }
        let showTrakt = kind == "season" || kind == "episode" ? show?["ids"]?["trakt"]?.intValue : nil
        let season = kind == "season" ? object["number"]?.intValue : kind == "episode" ? object["season"]?.intValue : nil
        try db.execute("""
            INSERT OR REPLACE INTO objects (kind, trakt, slug, title, year, runtime, show_trakt, season, number, json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, values(kind, trakt, object["ids"]?["slug"]?.stringValue, (object["title"] ?? object["name"])?.stringValue,
                             object["year"]?.intValue, object["runtime"]?.intValue, showTrakt, season,
                             kind == "episode" ? object["number"]?.intValue : nil, object.jsonText(timeZone: Self.utc)))
        return trakt
    }

    /// The members no column holds, as a JSON object (`{}` when none).
    static func extra(_ element: Value, _ columns: Set<String>) -> String {
        guard case .object(let members) = element else { return "{}" }
        return Value.object(members.filter { !columns.contains($0.key) }).jsonText(timeZone: utc)
    }

    static func ms(_ value: Value?) -> Int64? {
        guard let text = value?.stringValue, let seconds = V2Time.seconds(text) else { return nil }
        return Int64((seconds * 1000).rounded())
    }

    private var headers: [(String, String)] {
        [("trakt-api-version", "2"), ("trakt-api-key", clientID), ("Authorization", "Bearer " + token)]
    }

    /// One GET: its status, the page count it reports, and its body.
    private func answer(_ target: String) async throws -> (status: Int, pageCount: Int?, body: [UInt8]) {
        switch source {
        case .core(let emulator):
            let answer = await emulator.respond(EmulatorRequest(target: target, headers: EmulatorHeaders(headers), fromLoopback: true))
            let count = answer.headers.fields.first { $0.name.lowercased() == "x-pagination-page-count" }.flatMap { Int($0.value) }
            return (answer.status, count, answer.body)
        case .server(let base, let transport):
            var request = HTTPRequest(method: "GET", url: URL(string: base.absoluteString + target)!)
            for (name, value) in headers { request.headers[name] = value }
            let response = try await transport.send(request)
            return (response.status, response.header("x-pagination-page-count").flatMap { Int($0) }, [UInt8](response.body))
        }
    }

    private func get(_ target: String) async throws -> Value {
        let answer = try await answer(target)
        guard answer.status == 200 else { throw FillFailure(target: target, status: answer.status) }
        return try JSONReader.parse(answer.body)
    }

    /// Every page of a route, `extended=full`, 250 at a time.
    private func pages(_ path: String) async throws -> [Value] {
        var out: [Value] = []
        var page = 1
        while true {
            let answer = try await answer("\(path)?extended=full&page=\(page)&limit=250")
            if answer.status == 204 { return out }
            guard answer.status == 200, case .array(let elements) = try JSONReader.parse(answer.body) else {
                throw FillFailure(target: path, status: answer.status)
            }
            out += elements
            let pageCount = answer.pageCount ?? 1
            if page >= pageCount || elements.isEmpty { return out }
            page += 1
        }
    }

    struct FillFailure: Error {
        var target: String
        var status: Int
    }
}
