import Testing
@testable import TraktQLMirror

/// A `VACUUM` that fails after a finished sync is a warning that says where room is needed
/// (no fault test reaches it: the sync's own writes fill a disk first).
@Suite struct MirrorSyncCompactionTests {
    @Test func aFailedCompactionSaysWhereRoomIsNeeded() {
        let full = SQLiteError(code: 13, message: "database or disk is full", sql: "VACUUM", path: "/data/mirror/justin.sqlite")
        #expect(MirrorSync.compactionWarning(full)
                == "the mirror is complete, but compacting it (VACUUM) failed: database or disk is full (SQLite 13, in: VACUUM); "
                + "it needs room for a copy of the mirror in /data/mirror and in the temporary directory (SQLITE_TMPDIR, TMPDIR or /var/tmp): "
                + "free some space there, and the next sync compacts it")
        let busy = SQLiteError(code: 5, message: "database is locked", sql: "VACUUM", path: "/data/mirror/justin.sqlite")
        #expect(MirrorSync.compactionWarning(busy)
                == "the mirror is complete, but compacting it (VACUUM) failed: database is locked (SQLite 5, in: VACUUM); the next sync tries again")
    }
}
