import Foundation
import GRDB
import Testing
@testable import TraktQLMirror

@Suite struct MirrorStoreTests {
    private func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "traktql-mirror-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aNewMirrorIsPrivateWALAndMigrated() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = MirrorStore.defaultPath(server: URL(string: "https://api.trakt.tv")!, user: "Justin",
                                           environment: ["XDG_DATA_HOME": root])
        #expect(path == root + "/traktql/mirror/api.trakt.tv/justin.sqlite")
        let store = try MirrorStore(path: path)

        let fileMode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(fileMode & 0o777 == 0o600)
        let directory = (path as NSString).deletingLastPathComponent
        let directoryMode = try #require(FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int)
        #expect(directoryMode & 0o777 == 0o700)

        try store.pool.read { db in
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            for table in ["account", "collection", "comments", "history", "list_items", "lists", "objects", "ratings",
                          "sync_pending", "sync_runs", "sync_sections", "watchlist"] {
                #expect(tables.contains(table), "missing table \(table)")
            }
            #expect(try MirrorSchema.migrator.hasCompletedMigrations(db))
        }
    }

    @Test func reopeningAMirrorKeepsItsRows() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/m.sqlite"
        do {
            let store = try MirrorStore(path: path)
            try store.pool.write { db in
                try db.execute(sql: "INSERT INTO history (id, watched_at, action, type, movie) VALUES (1, 1000, 'watch', 'movie', 12601)")
            }
        }
        let again = try MirrorStore(path: path)
        let count = try again.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM history") }
        #expect(count == 1)
    }
}
