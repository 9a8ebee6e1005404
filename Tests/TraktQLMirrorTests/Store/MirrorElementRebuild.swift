import Foundation
import GRDB
import TraktQL
@testable import TraktQLMirror

/// Test-only: rebuilds v2 route elements from a mirror's rows, `extra` and `objects`, following
/// the rules in ``MirrorDecomposition`` — to check that what the writer saves is enough to get
/// every element back. (The mirror backend's reader has its own, in TraktQL.)
enum MirrorElementRebuild {
    static func object(_ db: Database, _ kind: String, _ trakt: Int64?) throws -> Value? {
        guard let trakt else { return nil }
        guard let json = try String.fetchOne(db, sql: "SELECT json FROM objects WHERE kind = ? AND trakt = ?", arguments: [kind, trakt]) else {
            return nil
        }
        return try JSONReader.parse(json)
    }

    static func iso(_ millis: Int64?) -> Value {
        guard let millis else { return .null }
        return .string(V2Time.string(Date(timeIntervalSince1970: Double(millis) / 1000)))
    }

    static func extra(_ row: Row, column: String = "extra") throws -> [(key: String, value: Value)] {
        guard case .object(let members) = try JSONReader.parse(row[column] as String) else { return [] }
        return members
    }

    /// `type` + the carried objects, by the row's type, item, movie and show.
    static func carried(_ db: Database, _ row: Row) throws -> [(key: String, value: Value)] {
        let type: String = row["type"]
        let item: Int64? = row["item"] ?? row["episode"] ?? row["movie"]
        var out: [(key: String, value: Value)] = [("type", .string(type))]
        switch type {
        case "movie": out.append(("movie", try object(db, "movie", row["movie"] ?? item) ?? .null))
        case "show": out.append(("show", try object(db, "show", row["show"] ?? item) ?? .null))
        case "season", "episode":
            out.append((type, try object(db, type, item) ?? .null))
            out.append(("show", try object(db, "show", row["show"]) ?? .null))
        default: out.append((type, try object(db, type, item) ?? .null))
        }
        return out
    }

    static func history(_ db: Database) throws -> [Value] {
        try Row.fetchAll(db, sql: "SELECT * FROM history ORDER BY watched_at DESC, id DESC").map { row in
            var members: [(key: String, value: Value)] = [("id", .int(row["id"])), ("watched_at", iso(row["watched_at"])),
                                                           ("action", .string(row["action"]))]
            members += try carried(db, row)
            return .object(members + (try extra(row)))
        }
    }

    static func ratings(_ db: Database) throws -> [Value] {
        try Row.fetchAll(db, sql: "SELECT * FROM ratings").map { row in
            .object([("rated_at", iso(row["rated_at"])), ("rating", .int(row["rating"]))] + (try carried(db, row)) + (try extra(row)))
        }
    }

    static func listed(_ db: Database, table: String, list: Int64? = nil) throws -> [Value] {
        let rows = list == nil ? try Row.fetchAll(db, sql: "SELECT * FROM \(table)")
            : try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE list = ?", arguments: [list])
        return try rows.map { row in
            let rank: Int64? = row["rank"]
            return .object([("rank", rank.map(Value.int) ?? .null), ("id", .int(row["id"])), ("listed_at", iso(row["listed_at"]))]
                           + (try carried(db, row)) + (try extra(row)))
        }
    }

    static func collectionMovies(_ db: Database) throws -> [Value] {
        try Row.fetchAll(db, sql: "SELECT * FROM collection WHERE type = 'movie'").map { row in
            .object([("collected_at", iso(row["collected_at"])), ("updated_at", iso(row["updated_at"])),
                     ("movie", try object(db, "movie", row["movie"]) ?? .null)] + (try extra(row)))
        }
    }

    static func collectionShows(_ db: Database) throws -> [Value] {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM collection WHERE type = 'episode' ORDER BY show, season, number")
        var byShow: [(Int64, [Row])] = []
        for row in rows {
            let show: Int64 = row["show"]
            if byShow.last?.0 == show { byShow[byShow.count - 1].1.append(row) } else { byShow.append((show, [row])) }
        }
        return try byShow.map { show, rows in
            var showLevel: [(key: String, value: Value)] = []
            var seasons: [(Int64, [Value])] = []
            for row in rows {
                var episode: [(key: String, value: Value)] = [("number", .int(row["number"])), ("collected_at", iso(row["collected_at"]))]
                for member in try extra(row) {
                    if member.key.hasPrefix("last_") {
                        if !showLevel.contains(where: { $0.key == member.key }) { showLevel.append(member) }
                    } else {
                        episode.append(member)
                    }
                }
                let season: Int64 = row["season"]
                if seasons.last?.0 == season { seasons[seasons.count - 1].1.append(.object(episode)) } else { seasons.append((season, [.object(episode)])) }
            }
            return .object(showLevel + [("show", try object(db, "show", show) ?? .null),
                                        ("seasons", .array(seasons.map { .object([("number", .int($0.0)), ("episodes", .array($0.1))]) }))])
        }
    }

    static func lists(_ db: Database) throws -> [Value] {
        try Int64.fetchAll(db, sql: "SELECT trakt FROM lists").map { try object(db, "list", $0) ?? .null }
    }

    static func comments(_ db: Database) throws -> [Value] {
        try Row.fetchAll(db, sql: "SELECT * FROM comments").map { row in
            var members = try carried(db, row)
            members.insert(("comment", try JSONReader.parse(row["json"] as String)), at: 1)
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
