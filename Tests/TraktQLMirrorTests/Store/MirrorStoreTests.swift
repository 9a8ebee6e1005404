import Foundation
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

        #expect(try store.connection.scalar("PRAGMA journal_mode") == .text("wal"))
        let tables = try store.connection.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap { $0[0].text }
        for table in ["account", "collection", "comments", "history", "list_items", "lists", "objects", "ratings",
                      "sync_pending", "sync_runs", "sync_sections", "watchlist"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
        #expect(try store.connection.userVersion() == MirrorSchema.migrations.count)
    }

    @Test func reopeningAMirrorKeepsItsRowsAndDoesNotMigrateAgain() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/m.sqlite"
        do {
            let store = try MirrorStore(path: path)
            try store.connection.execute("INSERT INTO history (id, watched_at, action, type, movie) VALUES (?, ?, ?, ?, ?)",
                                         [1, 1000, "watch", "movie", 12601])
        }
        let again = try MirrorStore(path: path)
        #expect(try again.connection.scalar("SELECT count(*) FROM history") == .integer(1))
    }

    @Test func aVersionOneMirrorIsMigratedKeepingItsRowsAndItsPlaysAreReadNewestFirstFromAnIndex() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/m.sqlite"
        do {
            let old = try SQLiteConnection(path: path)
            try old.migrate([MirrorSchema.version1])
            for (id, time) in [(1, 2000), (2, 1000), (3, 2000)] {
                try old.execute("INSERT INTO history (id, watched_at, action, type, movie) VALUES (?, ?, ?, ?, ?)",
                                [.integer(Int64(id)), .integer(Int64(time)), "watch", "movie", 12601])
            }
            #expect(try old.userVersion() == 1)
        }
        let store = try MirrorStore(path: path)
        #expect(try store.connection.userVersion() == MirrorSchema.migrations.count)
        let order = "SELECT id, watched_at, action, type, movie, show, episode, extra FROM history ORDER BY watched_at DESC, id"
        #expect(try store.connection.rows(order).map { $0[0] } == [.integer(1), .integer(3), .integer(2)])
        // The mirror backend's history statement: one scan of the covering index, no sort.
        let plan = try store.connection.rows("EXPLAIN QUERY PLAN " + order).compactMap { $0.last?.text }.joined(separator: "; ")
        #expect(plan.contains("COVERING INDEX history_newest") && !plan.contains("TEMP B-TREE"), "\(plan)")
    }

    @Test func aFileFromANewerTraktQLIsRefused() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/m.sqlite"
        do {
            let store = try MirrorStore(path: path)
            try store.connection.executeScript("PRAGMA user_version = 99")
        }
        #expect(throws: SQLiteError.self) { try MirrorStore(path: path) }
    }

    @Test func aTransactionThatThrowsLeavesNothing() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try MirrorStore(path: root + "/m.sqlite")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try store.connection.transaction {
                try store.connection.execute("INSERT INTO history (id, watched_at, action, type) VALUES (1, 1, 'watch', 'movie')")
                throw Stop()
            }
        }
        #expect(try store.connection.scalar("SELECT count(*) FROM history") == .integer(0))
        // A wrong parameter count is an error, not a silent NULL.
        #expect(throws: SQLiteError.self) { try store.connection.execute("SELECT ?, ?", [1]) }
    }
}
