import Foundation
import TraktQL
@testable import TraktQLMirror

/// Test-only: rebuilds v2 route elements from a mirror's rows, `extra` and `objects`, following
/// the rules in ``MirrorDecomposition`` — to check that what the writer saves is enough to get
/// every element back. (The mirror backend's reader has its own, in TraktQL.)
enum MirrorElementRebuild {
    typealias NamedRow = [String: SQLiteValue]

    static func object(_ db: SQLiteConnection, _ kind: String, _ trakt: Int64?) throws -> Value? {
        guard let trakt else { return nil }
        guard let json = try db.scalar("SELECT json FROM objects WHERE kind = ? AND trakt = ?", [.text(kind), .integer(trakt)]).text else {
            return nil
        }
        return try JSONReader.parse(json)
    }

    static func iso(_ millis: Int64?) -> Value {
        guard let millis else { return .null }
        return .string(V2Time.string(Date(timeIntervalSince1970: Double(millis) / 1000)))
    }

    static func extra(_ row: NamedRow, column: String = "extra") throws -> [(key: String, value: Value)] {
        guard case .object(let members) = try JSONReader.parse(row[column]?.text ?? "{}") else { return [] }
        return members
    }

    /// `type` + the carried objects, by the row's type, item, movie and show.
    static func carried(_ db: SQLiteConnection, _ row: NamedRow) throws -> [(key: String, value: Value)] {
        let type = row["type"]?.text ?? ""
        let item: Int64? = row["item"]?.integer ?? row["episode"]?.integer ?? row["movie"]?.integer
        var out: [(key: String, value: Value)] = [("type", .string(type))]
        switch type {
        case "movie": out.append(("movie", try object(db, "movie", row["movie"]?.integer ?? item) ?? .null))
        case "show": out.append(("show", try object(db, "show", row["show"]?.integer ?? item) ?? .null))
        case "season", "episode":
            out.append((type, try object(db, type, item) ?? .null))
            out.append(("show", try object(db, "show", row["show"]?.integer) ?? .null))
        default: out.append((type, try object(db, type, item) ?? .null))
        }
        return out
    }

    static func history(_ db: SQLiteConnection) throws -> [Value] {
        try db.namedRows("SELECT * FROM history ORDER BY watched_at DESC, id DESC").map { row in
            var members: [(key: String, value: Value)] = [("id", .int(row["id"]?.integer ?? 0)), ("watched_at", iso(row["watched_at"]?.integer)),
                                                           ("action", .string(row["action"]?.text ?? ""))]
            members += try carried(db, row)
            return .object(members + (try extra(row)))
        }
    }

    static func ratings(_ db: SQLiteConnection) throws -> [Value] {
        try db.namedRows("SELECT * FROM ratings").map { row in
            .object([("rated_at", iso(row["rated_at"]?.integer)), ("rating", .int(row["rating"]?.integer ?? 0))] + (try carried(db, row)) + (try extra(row)))
        }
    }

    static func listed(_ db: SQLiteConnection, table: String, list: Int64? = nil) throws -> [Value] {
        let rows = list == nil ? try db.namedRows("SELECT * FROM \(table)")
            : try db.namedRows("SELECT * FROM \(table) WHERE list = ?", [.integer(list!)])
        return try rows.map { row in
            let rank: Int64? = row["rank"]?.integer
            return .object([("rank", rank.map(Value.int) ?? .null), ("id", .int(row["id"]?.integer ?? 0)), ("listed_at", iso(row["listed_at"]?.integer))]
                           + (try carried(db, row)) + (try extra(row)))
        }
    }

    static func collectionMovies(_ db: SQLiteConnection) throws -> [Value] {
        try db.namedRows("SELECT * FROM collection WHERE type = 'movie'").map { row in
            .object([("collected_at", iso(row["collected_at"]?.integer)), ("updated_at", iso(row["updated_at"]?.integer)),
                     ("movie", try object(db, "movie", row["movie"]?.integer) ?? .null)] + (try extra(row)))
        }
    }

    static func collectionShows(_ db: SQLiteConnection) throws -> [Value] {
        let rows = try db.namedRows("SELECT * FROM collection WHERE type = 'episode' ORDER BY show, season, number")
        var byShow: [(Int64, [NamedRow])] = []
        for row in rows {
            let show = row["show"]?.integer ?? 0
            if byShow.last?.0 == show { byShow[byShow.count - 1].1.append(row) } else { byShow.append((show, [row])) }
        }
        return try byShow.map { show, rows in
            var showLevel: [(key: String, value: Value)] = []
            var seasons: [(Int64, [Value])] = []
            for row in rows {
                var episode: [(key: String, value: Value)] = [("number", .int(row["number"]?.integer ?? 0)), ("collected_at", iso(row["collected_at"]?.integer))]
                for member in try extra(row) {
                    if member.key.hasPrefix("last_") {
                        if !showLevel.contains(where: { $0.key == member.key }) { showLevel.append(member) }
                    } else {
                        episode.append(member)
                    }
                }
                let season = row["season"]?.integer ?? 0
                if seasons.last?.0 == season { seasons[seasons.count - 1].1.append(.object(episode)) } else { seasons.append((season, [.object(episode)])) }
            }
            return .object(showLevel + [("show", try object(db, "show", show) ?? .null),
                                        ("seasons", .array(seasons.map { .object([("number", .int($0.0)), ("episodes", .array($0.1))]) }))])
        }
    }

    static func lists(_ db: SQLiteConnection) throws -> [Value] {
        try db.rows("SELECT trakt FROM lists").compactMap { $0.first?.integer }.map { try object(db, "list", $0) ?? .null }
    }

    static func comments(_ db: SQLiteConnection) throws -> [Value] {
        try db.namedRows("SELECT * FROM comments").map { row in
            var members = try carried(db, row)
            members.insert(("comment", try JSONReader.parse(row["json"]?.text ?? "null")), at: 1)
            return .object(members)
        }
    }

    /// `value` as JSON with every object's members sorted: the reader looks members up by name.
    static func canonical(_ value: Value) -> String {
        func sorted(_ value: Value) -> Value {
            switch value {
            case .object(let members): return .object(members.map { ($0.key, sorted($0.value)) }.sorted { $0.key < $1.key })
            case .array(let elements): return .array(elements.map(sorted))
            default: return value
            }
        }
        return sorted(value).jsonText(timeZone: .gmt)
    }
}
