import Foundation
import GRDB
import TraktQL

/// The mirror backend's ``MirrorDatabase`` over a ``MirrorStore``: its SQL runs on GRDB's
/// pool (WAL: a query reads a consistent snapshot while `traktql sync` saves a section).
public struct MirrorStoreDatabase: MirrorDatabase {
    public let store: MirrorStore

    public init(store: MirrorStore) {
        self.store = store
    }

    /// Opens the mirror at `path` for queries; a missing file is the error that says to run
    /// `traktql sync` (no empty mirror is created by reading).
    public static func open(path: String, server: String) throws(TraktQLError) -> MirrorStoreDatabase {
        guard FileManager.default.fileExists(atPath: path) else { throw MirrorAccess.missing(at: path, server: server) }
        do {
            return MirrorStoreDatabase(store: try MirrorStore(path: path))
        } catch {
            throw .usage("cannot open the mirror \(path): \(error)")
        }
    }

    /// An access for an engine: the mirror at `path`, opened at the first query that reads it.
    public static func access(path: String, server: String) -> MirrorAccess {
        MirrorAccess(location: path) { () throws(TraktQLError) -> any MirrorDatabase in try open(path: path, server: server) }
    }

    public var location: String { store.path }

    public func account() throws(TraktQLError) -> MirrorAccount {
        let found: MirrorAccount?
        do {
            found = try store.pool.read { db -> MirrorAccount? in
                guard let row = try Row.fetchOne(db, sql: "SELECT server, user, own, imported_from FROM account WHERE id = 1") else { return nil }
                let finished = try Int64.fetchOne(db, sql: "SELECT max(finished_at) FROM sync_runs WHERE outcome = 'ok'")
                let saved = try Int64.fetchOne(db, sql: "SELECT max(synced_at) FROM sync_sections")
                let synced = (finished ?? saved).map { Date(timeIntervalSince1970: Double($0) / 1000) }
                return MirrorAccount(server: row["server"], user: row["user"], own: (row["own"] as Int64? ?? 0) != 0,
                                     syncedAt: synced, importedFrom: row["imported_from"])
            }
        } catch {
            throw .usage("cannot read the mirror \(store.path): \(error)")
        }
        guard let found else {
            throw .usage("the mirror \(store.path) holds no account yet (its first sync did not finish): run `traktql sync`")
        }
        return found
    }

    public func read<T>(_ body: (any MirrorConnection) throws(TraktQLError) -> T) throws(TraktQLError) -> T {
        var failure: TraktQLError?
        do {
            let value: T? = try store.pool.read { db -> T? in
                do throws(TraktQLError) {
                    return try body(Connection(db: db))
                } catch {
                    failure = error
                    return nil
                }
            }
            if let failure { throw failure }
            guard let value else { throw TraktQLError.usage("the mirror \(store.path) gave no answer") }
            return value
        } catch let error as TraktQLError {
            throw error
        } catch {
            throw .usage("cannot read the mirror \(store.path): \(error)")
        }
    }

    /// One read transaction: statements are prepared once per connection (GRDB's cache).
    struct Connection: MirrorConnection {
        let db: Database

        func rows(_ sql: String, _ parameters: [MirrorValue], _ body: ([MirrorValue]) throws(TraktQLError) -> Bool) throws(TraktQLError) {
            var failure: TraktQLError?
            do {
                let statement = try db.cachedStatement(sql: sql)
                try statement.setArguments(StatementArguments(parameters.map(Self.databaseValue)))
                let cursor = try Row.fetchCursor(statement)
                var values: [MirrorValue] = []
                while let row = try cursor.next() {
                    values.removeAll(keepingCapacity: true)
                    for index in 0..<row.count { values.append(Self.value(row[index] as DatabaseValue)) }
                    do throws(TraktQLError) {
                        guard try body(values) else { break }
                    } catch {
                        failure = error
                        break
                    }
                }
            } catch {
                throw .usage("the mirror's SQL failed: \(error)")
            }
            if let failure { throw failure }
        }

        static func databaseValue(_ value: MirrorValue) -> DatabaseValue {
            switch value {
            case .null: return .null
            case .integer(let n): return n.databaseValue
            case .real(let d): return d.databaseValue
            case .text(let s): return s.databaseValue
            }
        }

        static func value(_ value: DatabaseValue) -> MirrorValue {
            switch value.storage {
            case .null: return .null
            case .int64(let n): return .integer(n)
            case .double(let d): return .real(d)
            case .string(let s): return .text(s)
            case .blob(let data): return .text(String(decoding: data, as: UTF8.self))
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
            return try open(path: path, server: server.absoluteString)
        }
    }
}
