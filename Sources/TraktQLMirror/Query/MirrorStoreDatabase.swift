import Foundation
import TraktQL

/// The mirror backend's ``MirrorDatabase`` over a mirror file: its own read-only
/// ``SQLiteConnection`` (a query never writes, never migrates; WAL lets it read while
/// `traktql sync` saves a section, and a busy file is waited for).
public final class MirrorStoreDatabase: MirrorDatabase, @unchecked Sendable {
    // Sendable: the connection serialises every use (``SQLiteConnection``); nothing else changes.
    let connection: SQLiteConnection
    public let location: String
    /// The command that writes this mirror, for the errors that say to run it.
    let syncCommand: String

    init(connection: SQLiteConnection, syncCommand: String = "traktql sync") {
        self.connection = connection
        self.location = connection.path
        self.syncCommand = syncCommand
    }

    /// `traktql sync`, or `traktql sync --mirror-file PATH` for a mirror the user named.
    static func syncCommand(file: String?) -> String {
        guard let file else { return "traktql sync" }
        let plain = file.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "/._-+,:@".unicodeScalars.contains($0) }
        return "traktql sync --mirror-file " + (plain ? file : "'" + file.replacingOccurrences(of: "'", with: "'\\''") + "'")
    }

    /// Opens the mirror at `path` for queries; a missing file is the error that says to run
    /// `traktql sync` (reading creates nothing), and a file of another schema version is refused.
    public static func open(path: String, server: String, syncCommand: String = "traktql sync") throws(TraktQLError) -> MirrorStoreDatabase {
        guard FileManager.default.fileExists(atPath: path) else { throw MirrorAccess.missing(at: path, server: server, syncCommand: syncCommand) }
        let connection: SQLiteConnection
        let version: Int
        do {
            connection = try SQLiteConnection(path: path, mode: .readOnly)
            version = try connection.userVersion()
        } catch {
            throw .usage("cannot open the mirror \(path): \(error)")
        }
        let current = MirrorSchema.migrations.count
        if version > current {
            throw .usage("the mirror \(path) has schema version \(version), newer than this traktql reads (\(current)): use a newer traktql")
        }
        if version < current {
            throw .usage("the mirror \(path) has schema version \(version), older than this traktql reads (\(current)): run `\(syncCommand)` to bring it up to date")
        }
        return MirrorStoreDatabase(connection: connection, syncCommand: syncCommand)
    }

    /// An access for an engine: the mirror at `path`, opened at the first query that reads it.
    public static func access(path: String, server: String) -> MirrorAccess {
        MirrorAccess(location: path) { () throws(TraktQLError) -> any MirrorDatabase in try open(path: path, server: server) }
    }

    public func account() throws(TraktQLError) -> MirrorAccount {
        do {
            let rows = try connection.rows("SELECT server, user, own, imported_from FROM account WHERE id = 1")
            guard let row = rows.first, let server = row[0].text, let user = row[1].text else {
                throw TraktQLError.usage("the mirror \(location) holds no account yet (its first sync did not finish): run `\(syncCommand)`")
            }
            let finished = try connection.scalar("SELECT max(finished_at) FROM sync_runs WHERE outcome = 'ok'").integer
            let saved = try connection.scalar("SELECT max(synced_at) FROM sync_sections").integer
            let synced = (finished ?? saved).map { Date(timeIntervalSince1970: Double($0) / 1000) }
            return MirrorAccount(server: server, user: user, own: (row[2].integer ?? 0) != 0, syncedAt: synced, importedFrom: row[3].text)
        } catch let error as TraktQLError {
            throw error
        } catch {
            throw .usage("cannot read the mirror \(location): \(error)")
        }
    }

    /// `body` in one read transaction (`BEGIN` … `COMMIT`): every statement sees one snapshot.
    public func read<T>(_ body: (any MirrorConnection) throws(TraktQLError) -> T) throws(TraktQLError) -> T {
        do {
            try connection.executeScript("BEGIN")
        } catch {
            throw .usage("cannot read the mirror \(location): \(error)")
        }
        defer { try? connection.executeScript("COMMIT") }
        return try body(Connection(connection: connection))
    }

    /// The statements of one read transaction.
    struct Connection: MirrorConnection {
        let connection: SQLiteConnection

        func rows(_ sql: String, _ parameters: [MirrorValue], _ body: ([MirrorValue]) throws(TraktQLError) -> Bool) throws(TraktQLError) {
            var failure: TraktQLError?
            var values: [MirrorValue] = []
            do {
                try connection.forEachRow(sql, parameters.map(Self.argument)) { row in
                    values.removeAll(keepingCapacity: true)
                    for index in 0..<row.count { values.append(Self.value(row[index])) }
                    do throws(TraktQLError) {
                        return try body(values)
                    } catch {
                        failure = error
                        return false
                    }
                }
            } catch {
                throw .usage("the mirror's SQL failed: \(error)")
            }
            if let failure { throw failure }
        }

        func cursor(_ sql: String, _ parameters: [MirrorValue]) throws(TraktQLError) -> any MirrorCursor {
            do {
                return Cursor(cursor: try connection.cursor(sql, parameters.map(Self.argument)))
            } catch {
                throw .usage("the mirror's SQL failed: \(error)")
            }
        }

        /// A ``SQLiteCursor`` with the mirror's values.
        final class Cursor: MirrorCursor {
            let cursor: SQLiteCursor

            init(cursor: SQLiteCursor) { self.cursor = cursor }

            func next() throws(TraktQLError) -> [MirrorValue]? {
                do {
                    return try cursor.next { row in (0..<row.count).map { Connection.value(row[$0]) } }
                } catch {
                    throw .usage("the mirror's SQL failed: \(error)")
                }
            }

            func next<Row>(_ read: (any MirrorCurrentRow) -> Row) throws(TraktQLError) -> Row? {
                do {
                    return try cursor.next { row in read(InPlace(row: row)) }
                } catch {
                    throw .usage("the mirror's SQL failed: \(error)")
                }
            }

            func close() { cursor.close() }

            /// The row being stepped, read in place.
            struct InPlace: MirrorCurrentRow {
                let row: SQLiteRow
                var count: Int { row.count }
                func value(_ index: Int) -> MirrorValue { Connection.value(row[index]) }
                func integer(_ index: Int) -> Int64? { row.storedInteger(index) ?? value(index).integer }
                func textWord(_ index: Int) -> MirrorTextWord {
                    row.textBytes(index).map(MirrorTextWord.init) ?? .notText
                }
            }
        }

        static func argument(_ value: MirrorValue) -> SQLiteValue {
            switch value {
            case .null: return .null
            case .integer(let n): return .integer(n)
            case .real(let d): return .real(d)
            case .text(let s): return .text(s)
            }
        }

        static func value(_ value: SQLiteValue) -> MirrorValue {
            switch value {
            case .null: return .null
            case .integer(let n): return .integer(n)
            case .real(let d): return .real(d)
            case .text(let s): return .text(s)
            case .blob(let bytes): return .text(String(decoding: bytes, as: UTF8.self))
            }
        }
    }
}

extension MirrorStoreDatabase {
    /// The access `traktql --mirror` uses: `file` when given (`--mirror-file`), else the
    /// account's mirror of `server` (``MirrorLocator``); opened at the first statement that reads it.
    public static func access(file: String?, server: URL) -> MirrorAccess {
        let location = file ?? (MirrorStore.defaultPath(server: server, user: "me") as NSString).deletingLastPathComponent + "/"
        return MirrorAccess(location: location) { () throws(TraktQLError) -> any MirrorDatabase in
            let path: String
            if let file { path = file } else { path = try MirrorLocator.path(server: server) }
            return try open(path: path, server: server.absoluteString, syncCommand: syncCommand(file: file))
        }
    }
}
