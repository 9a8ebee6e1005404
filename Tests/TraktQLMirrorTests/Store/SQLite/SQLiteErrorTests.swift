#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import TraktQLMirror

/// How a failed write is told: a full disk, a quota or a file-size limit in words, with the
/// file, SQLite's code and what to do; other errors in SQLite's words with the `errno` behind them.
@Suite struct SQLiteErrorTests {
    @Test func aFullDiskIsToldWithItsFileAndWhatToDo() {
        // SQLite says SQLITE_FULL for ENOSPC and clears errno.
        let full = SQLiteError(code: 13, message: "database or disk is full", sql: "COMMIT", path: "/data/traktql/mirror/justin.sqlite")
        #expect(full.storageFull == .diskFull)
        #expect(full.described(retry: "run `traktql sync` again", keeps: "what the mirror had saved stays")
                == "cannot write /data/traktql/mirror/justin.sqlite: no space left on the disk that holds it (database or disk is full, SQLite 13, in: COMMIT); "
                + "free some space on /data/traktql/mirror and run `traktql sync` again: what the mirror had saved stays")
        // Even a stale errno on it does not change what it is.
        #expect(SQLiteError(code: 13, message: "database or disk is full", sql: nil, systemErrno: EIO).storageFull == .diskFull)
        #expect(SQLiteError(code: 778, message: "disk I/O error", sql: nil, systemErrno: ENOSPC).storageFull == .diskFull)
    }

    @Test func aQuotaAndAFileSizeLimitAreToldApart() {
        let quota = SQLiteError(code: 778, message: "disk I/O error", sql: "COMMIT", path: "/home/u/m.sqlite", systemErrno: EDQUOT)
        #expect(quota.storageFull == .quotaExceeded)
        #expect(quota.described(retry: "try again").contains("the disk quota is used up (disk I/O error, SQLite 778, EDQUOT: "))
        let big = SQLiteError(code: 4874, message: "disk I/O error", sql: nil, path: "m.sqlite", systemErrno: EFBIG)
        #expect(big.storageFull == .fileSizeLimit)
        #expect(big.description.hasPrefix("cannot write m.sqlite: it would grow past "))
        #expect(big.description.hasSuffix("and try again"))
    }

    @Test func otherErrorsKeepSQLitesWordsWithTheErrnoBehindThem() {
        let io = SQLiteError(code: 778, message: "disk I/O error", sql: "COMMIT", path: "/m.sqlite", systemErrno: EIO)
        #expect(io.storageFull == nil)
        #expect(io.description == "disk I/O error (SQLite 778, EIO: \(String(cString: strerror(EIO))), in: COMMIT)")
        let busy = SQLiteError(code: 5, message: "database is locked", sql: "BEGIN IMMEDIATE", path: "/m.sqlite")
        #expect(busy.storageFull == nil && !busy.isDiskFull)
        #expect(busy.description == "database is locked (SQLite 5, in: BEGIN IMMEDIATE)")
        #expect(busy.described(retry: "try again") == busy.description)
        #expect(SQLiteError.directory("/m.sqlite") == "/" && SQLiteError.directory("m.sqlite") == ".")
    }
}
