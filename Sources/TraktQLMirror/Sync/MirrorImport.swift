import Foundation
import TraktQL

/// `traktql sync --from FILE`: builds or updates a mirror from an account export — one JSON
/// object whose members hold raw v2 arrays (`history`, `ratings`, `watchlist`, `collection`
/// (an array, or `{movies, shows}`), `comments`, `lists`), the shape `--input` reads.
///
/// Each section the file holds replaces that section's rows, in one transaction with a
/// `sync_sections` row that has no `/sync/last_activities` times: the next online sync reads
/// those sections in full, and then clears `account.imported_from`. Parts of other shapes
/// (`watched`, `followers`, `profile`, …) are left out and named in the report.
public enum MirrorImport {
    public struct Report: Sendable {
        /// Rows per section imported.
        public var sections: [(section: MirrorSection, rows: Int)] = []
        /// Export members not imported.
        public var skipped: [String] = []
        /// The account the file names, if it does.
        public var username: String?

        public var text: String {
            var lines = sections.map { "\($0.section.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0))\(String($0.rows).leftPadded(8)) rows  imported" }
            if !skipped.isEmpty { lines.append("not imported: " + skipped.joined(separator: ", ")) }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// The largest export read (a 100,000-play export with full objects is about 300 MB).
    public static let maximumBytes = 1 << 30

    /// Reads `path` (checking its shape before anything is saved).
    public static func read(_ path: String) throws -> Value {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw MirrorError("cannot read \(path)") }
        defer { try? handle.close() }
        let data = try handle.readToEnd() ?? Data()
        guard data.count <= maximumBytes else { throw MirrorError("\(path) is larger than 1 GiB") }
        let value: Value
        do {
            value = try JSONReader.parse(data)
        } catch {
            throw MirrorError("\(path): \(error.description)")
        }
        guard case .object = value else {
            throw MirrorError("\(path) is not an account export (a JSON object with history, ratings, watchlist, collection, comments or lists)")
        }
        return value
    }

    /// The account an export names (`profile`, `username`, `user`, `settings.user`).
    public static func username(of export: Value) -> String? {
        let candidates: [Value?] = [export["profile"]?["username"], export["profile"]?["user"]?["username"], export["username"],
                                    export["user"]?["username"], export["settings"]?["user"]?["username"]]
        return candidates.lazy.compactMap { $0?.stringValue }.first { !$0.isEmpty }
    }

    /// Imports `export` (read from `path`) into `store`, for `account`.
    public static func run(_ export: Value, from path: String, into store: MirrorStore, account: MirrorSync.Account,
                           now: Date = Date()) throws -> Report {
        guard case .object(let members) = export else { throw MirrorError("\(path) is not an account export") }
        var report = Report(username: username(of: export))
        var parts: [MirrorSection: [(route: V2Route, elements: [Value])]] = [:]
        for (key, member) in members {
            switch (key, member) {
            case ("history", .array(let elements)): parts[.history, default: []].append((.history, elements))
            case ("ratings", .array(let elements)): parts[.ratings, default: []].append((.ratings, elements))
            case ("watchlist", .array(let elements)): parts[.watchlist, default: []].append((.watchlist, elements))
            case ("comments", .array(let elements)): parts[.comments, default: []].append((.userComments, elements))
            case ("lists", .array(let elements)): parts[.lists, default: []].append((.lists, elements))
            case ("collection", .array(let elements)):
                let shows = elements.filter { $0["seasons"] != nil || $0["last_collected_at"] != nil }
                let movies = elements.filter { $0["seasons"] == nil && $0["last_collected_at"] == nil }
                parts[.collection, default: []] += [(.collectionMovies, movies), (.collectionShows, shows)]
            case ("collection", .object):
                if case .array(let movies)? = member["movies"] { parts[.collection, default: []].append((.collectionMovies, movies)) }
                if case .array(let shows)? = member["shows"] { parts[.collection, default: []].append((.collectionShows, shows)) }
            default:
                if !["type", "username", "user", "profile", "settings", "exported_at", "version"].contains(key) { report.skipped.append(key) }
            }
        }
        guard !parts.isEmpty else { throw MirrorError("\(path) holds none of history, ratings, watchlist, collection, comments or lists") }
        // Every element is checked before anything is saved.
        var decomposed: [MirrorSection: [MirrorDecomposition.Parts]] = [:]
        for (section, routes) in parts {
            for (route, elements) in routes {
                for (index, element) in elements.enumerated() {
                    do {
                        decomposed[section, default: []].append(try MirrorDecomposition.decompose(element, route: route))
                    } catch {
                        throw MirrorError("\(path): \(key(of: section)) element \(index + 1): \(error.message)")
                    }
                }
            }
        }
        let stamp = MirrorSync.millis(now)
        try store.write { db in
            if let row = try db.rows("SELECT server, user FROM account WHERE id = 1").first {
                let server = row[0].text ?? "", user = row[1].text ?? ""
                guard server == account.server.absoluteString, user.lowercased() == account.user.lowercased() else {
                    throw MirrorError("this mirror is of \(user) on \(server), not of \(account.user); give another --mirror-file")
                }
                _ = try db.execute("UPDATE account SET imported_from = ? WHERE id = 1", [(path).sqliteValue])
            } else {
                _ = try db.execute("INSERT INTO account (id, server, user, own, imported_from, created_at) VALUES (1, ?, ?, ?, ?, ?)", [(account.server.absoluteString).sqliteValue, (account.user).sqliteValue, (account.own ? 1 : 0).sqliteValue, (path).sqliteValue, (stamp).sqliteValue])
            }
        }
        for section in MirrorSection.allCases {
            guard let all = decomposed[section] else { continue }
            // One transaction per section, as a sync saves it.
            try store.write { db in
                for table in section.tables { _ = try db.execute("DELETE FROM \(table.rawValue)") }
                for parts in all {
                    for object in parts.objects { try object.upsert(db) }
                    for row in parts.rows { try row.insert(db) }
                }
                try MirrorSync.saveSection(section, remote: nil, syncedAt: stamp, db)
                _ = try db.execute("DELETE FROM sync_pending WHERE section = ?", [(section.rawValue).sqliteValue])
                report.sections.append((section, try MirrorSync.rowCount(section, db)))
            }
        }
        return report
    }

    private static func key(of section: MirrorSection) -> String { section.rawValue }
}
