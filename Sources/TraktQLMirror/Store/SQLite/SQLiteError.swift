import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure SQLite reported: its result code, its message, the statement it was for, and,
/// when a system call failed underneath, its `errno`.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// SQLite's extended result code (`SQLITE_FULL` is 13, `SQLITE_BUSY` 5, `SQLITE_IOERR_WRITE` 778, …).
    public let code: Int32
    public let message: String
    /// The statement that failed, when there was one.
    public let sql: String?
    /// The database file, when the error came from a connection.
    public let path: String?
    /// The `errno` of the system call that failed underneath (`sqlite3_system_errno`; 0: none).
    public let systemErrno: Int32

    /// Set when the failure is a full disk, a quota or a file-size limit (see ``StorageFull``).
    public let storageFull: StorageFull?
    /// For a full disk: SQLite's directory of temporary files (statement journals, `VACUUM`'s
    /// copy) when that is the disk that filled, not the database's (see ``locatingFullDisk()``).
    public private(set) var fullTemporaryDirectory: String?

    public init(code: Int32, message: String, sql: String?, path: String? = nil, systemErrno: Int32 = 0) {
        self.code = code
        self.message = message
        self.sql = sql
        self.path = path
        self.systemErrno = systemErrno
        self.storageFull = Self.storageFull(code: code, systemErrno: systemErrno)
    }

    /// Why a write could not grow a file: the disk, a quota, or a file-size limit.
    public enum StorageFull: Sendable, Equatable {
        /// No space left on the filesystem (`SQLITE_FULL`, `ENOSPC`).
        case diskFull
        /// The user's disk quota is used up (`EDQUOT`).
        case quotaExceeded
        /// The file would pass the largest size this process may write (`EFBIG`: `ulimit -f`,
        /// or the filesystem's own limit).
        case fileSizeLimit
    }

    /// SQLite says `SQLITE_FULL` for a disk that fills (and clears `errno`), and
    /// `SQLITE_IOERR_…` with `EFBIG` or `EDQUOT` for the others.
    static func storageFull(code: Int32, systemErrno: Int32) -> StorageFull? {
        switch (code & 0xff, systemErrno) {
        case (13, _): .diskFull
        case (10, EFBIG): .fileSizeLimit
        case (10, EDQUOT): .quotaExceeded
        case (10, ENOSPC): .diskFull
        default: nil
        }
    }

    /// The `errno` behind `code`, read just after the failed call, for the codes that come from
    /// a system call (`SQLITE_IOERR_…`, `SQLITE_CANTOPEN`); 0 for others.
    ///
    /// `threadErrno` is `errno` as the failed call left it, read before anything else ran.
    /// `sqlite3_system_errno` is only set on some paths: a write that fails in `COMMIT` leaves
    /// it 0 (SQLite 3.40). The thread's `errno` then still holds the failed write's (the
    /// rollback after it makes no failing call): it is used when it names a full disk, a
    /// quota or a file-size limit.
    static func systemErrno(of handle: OpaquePointer, code: Int32, threadErrno: Int32) -> Int32 {
        let primary = code & 0xff
        guard primary == 10 || primary == 14 else { return 0 }
        let recorded = sqlite3_system_errno(handle)
        if recorded != 0 { return recorded }
        return primary == 10 && [EFBIG, ENOSPC, EDQUOT].contains(threadErrno) ? threadErrno : 0
    }

    /// The disk, its quota or a file-size limit is full (see ``storageFull``).
    public var isDiskFull: Bool { storageFull != nil }

    public var description: String {
        storageFull == nil ? sqliteText : described(retry: "try again")
    }

    /// SQLite's own words: `disk I/O error (SQLite 778, EFBIG: File too large, in: COMMIT)`.
    public var sqliteText: String {
        message + " (" + details + ")"
    }

    /// `SQLite 778, EFBIG: File too large, in: COMMIT`.
    private var details: String {
        var text = "SQLite \(code)"
        if systemErrno != 0 { text += ", " + Self.errnoText(systemErrno) }
        if let sql { text += ", in: \(sql.prefix(120))" }
        return text
    }

    /// For a full disk, quota or file-size limit: which file, why in words, and what to do,
    /// ending with `retry` (`run traktql sync again`). Other errors: ``description``.
    public func described(retry: String, keeps: String? = nil) -> String {
        guard let storageFull else { return description }
        let file = path ?? "the database"
        let directory = path.map(Self.directory) ?? "its disk"
        let cause, remedy: String
        switch storageFull {
        case .diskFull where fullTemporaryDirectory != nil:
            cause = "no space left for SQLite's temporary files in \(fullTemporaryDirectory ?? "") (SQLITE_TMPDIR, else TMPDIR, else /var/tmp)"
            remedy = "free some space there, or set SQLITE_TMPDIR to a directory with room,"
        case .diskFull:
            cause = "no space left on the disk that holds it"
            remedy = "free some space on \(directory)"
        case .quotaExceeded:
            cause = "the disk quota is used up"
            remedy = "free some space on \(directory) (within your quota)"
        case .fileSizeLimit:
            var limit = rlimit()
            // Unlimited is all ones on Linux, 2⁶³ − 1 on Darwin.
            if getrlimit(Self.fileSizeResource, &limit) == 0, limit.rlim_cur < rlim_t(1) << 62 {
                cause = "it would grow past this process's file-size limit (\(limit.rlim_cur) bytes: `ulimit -f`)"
                remedy = "raise the limit"
            } else {
                cause = "it would grow past the largest file the filesystem allows"
                remedy = "move it to another filesystem"
            }
        }
        return "cannot write \(file): \(cause) (\(message), \(details)); \(remedy) and \(retry)" + (keeps.map { ": \($0)" } ?? "")
    }

    #if canImport(Glibc)
    private static let fileSizeResource = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
    #else
    private static let fileSizeResource = RLIMIT_FSIZE
    #endif

    /// For a full disk, which one: SQLite's temporary files go to another directory, and on
    /// another filesystem it may be that one that filled (a small tmpfs `/tmp`, while the
    /// mirror's disk has room). SQLite's code does not say which file failed; the filesystem
    /// with less room left is taken (the failed write's temporary file is gone by now, the
    /// database's `-wal` stays, so the full one still shows less).
    public func locatingFullDisk() -> SQLiteError {
        guard storageFull == .diskFull, let path, let temporary = Self.sqliteTemporaryDirectory() else { return self }
        let mine = Self.directory(path)
        var mineStatus = stat(), temporaryStatus = stat()
        guard stat(mine, &mineStatus) == 0, stat(temporary, &temporaryStatus) == 0, mineStatus.st_dev != temporaryStatus.st_dev,
              let mineFree = Self.freeBytes(mine), let temporaryFree = Self.freeBytes(temporary), temporaryFree < mineFree else { return self }
        var located = self
        located.fullTemporaryDirectory = temporary
        return located
    }

    /// Where SQLite's unix VFS puts temporary files: the first usable of `SQLITE_TMPDIR`,
    /// `TMPDIR`, `/var/tmp`, `/usr/tmp`, `/tmp` and `.` (`unixTempFileDir`).
    static func sqliteTemporaryDirectory() -> String? {
        let candidates = [getenv("SQLITE_TMPDIR"), getenv("TMPDIR")].compactMap { $0.map { String(cString: $0) } }
            + ["/var/tmp", "/usr/tmp", "/tmp", "."]
        return candidates.first { candidate in
            var status = stat()
            return stat(candidate, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR && access(candidate, W_OK | X_OK) == 0
        }
    }

    /// The bytes this process may still write on the filesystem of `directory` (root may use
    /// the blocks reserved for it).
    static func freeBytes(_ directory: String) -> UInt64? {
        var status = statvfs()
        guard statvfs(directory, &status) == 0 else { return nil }
        return UInt64(geteuid() == 0 ? status.f_bfree : status.f_bavail) * UInt64(status.f_frsize)
    }

    /// `EFBIG: File too large`.
    static func errnoText(_ number: Int32) -> String {
        let name: String
        switch number {
        case EFBIG: name = "EFBIG"
        case ENOSPC: name = "ENOSPC"
        case EDQUOT: name = "EDQUOT"
        case EIO: name = "EIO"
        case EACCES: name = "EACCES"
        case EROFS: name = "EROFS"
        default: name = "errno \(number)"
        }
        return name + ": " + String(cString: strerror(number))
    }

    /// The directory of `path` (`.` for a bare name).
    static func directory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
