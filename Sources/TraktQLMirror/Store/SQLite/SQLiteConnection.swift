import CSQLite
import Foundation

/// One connection to a SQLite database, over the system's libsqlite3.
///
/// Why not GRDB (mirrored here, and the first choice): linked into the `traktql` binary it adds
/// 12.4 MB (a release, statically linked probe: 70.2 MB for Foundation alone, 82.6 MB with GRDB
/// opening a pool, migrating and querying), where the command must stay within 90 MB (issue 23),
/// and every Swift conformance it brings lengthens the start-up scan. The mirror needs a small
/// part of it: statements with parameters, rows stepped in place, transactions and a schema
/// version, which is this file.
///
/// All use is serialised by a lock: a connection may be shared by tasks, one statement at a time.
/// Prepared statements are cached per SQL text, so a sync's thousands of inserts compile once.
public final class SQLiteConnection: @unchecked Sendable {
    /// `sqlite3*`; owned, closed in `deinit`.
    private let handle: OpaquePointer
    /// Serialises every use; ``SQLiteCursor`` takes it for each step.
    let lock = NSRecursiveLock()
    private var statements: [String: OpaquePointer] = [:]
    /// The file, as opened.
    public let path: String

    /// How to open the file.
    public enum Mode: Sendable {
        /// Read and write, creating the file when missing.
        case readWriteCreate
        /// Read and write an existing file.
        case readWrite
        /// Read only (a query over the mirror).
        case readOnly
    }

    /// Opens `path`. A busy database (a sync writing while a query reads) is waited for up to
    /// `busyTimeout` seconds before failing.
    public init(path: String, mode: Mode = .readWriteCreate, busyTimeout: TimeInterval = 5) throws(SQLiteError) {
        var db: OpaquePointer?
        let flags: Int32
        switch mode {
        case .readWriteCreate: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags = SQLITE_OPEN_READWRITE
        case .readOnly: flags = SQLITE_OPEN_READONLY
        }
        let status = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let db else {
            let threadErrno = errno
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            let systemErrno = db.map { SQLiteError.systemErrno(of: $0, code: status, threadErrno: threadErrno) } ?? 0
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: status, message: message, sql: nil, path: path, systemErrno: systemErrno)
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, Int32(max(0, min(busyTimeout, 3600)) * 1000))
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without parameters (a schema, pragmas).
    public func executeScript(_ sql: String) throws(SQLiteError) {
        lock.lock()
        defer { lock.unlock() }
        var errorMessage: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if status != SQLITE_OK {
            let threadErrno = errno
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            let code = sqlite3_extended_errcode(handle)
            throw SQLiteError(code: code, message: message, sql: sql, path: path,
                              systemErrno: SQLiteError.systemErrno(of: handle, code: code, threadErrno: threadErrno)).locatingFullDisk()
        }
    }

    /// Runs one statement with `arguments` bound to its `?` parameters, stepping it to the end.
    /// Returns the number of rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) -> Int {
        lock.lock()
        defer { lock.unlock() }
        do {
            try forEachRow(sql, arguments) { _ in true }
        } catch {
            // The body throws nothing: whatever came is SQLite's.
            throw error as? SQLiteError ?? SQLiteError(code: SQLITE_ERROR, message: "\(error)", sql: sql)
        }
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query, calling `body` with each row in turn. The row is valid only during the
    /// call (its values are read in place, not copied); `body` may stop early by returning false.
    public func forEachRow(_ sql: String, _ arguments: [SQLiteValue] = [],
                           _ body: (SQLiteRow) throws -> Bool) throws {
        lock.lock()
        defer { lock.unlock() }
        let statement = try prepared(sql)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        try bind(arguments, to: statement, sql: sql)
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw error(sql) }
            if try !body(SQLiteRow(statement: statement)) { return }
        }
    }

    /// The rows of a query one at a time (``SQLiteCursor``), stepped when asked: several cursors
    /// of one connection can be stepped in turn (a merge of queries). The cursor compiles its own
    /// statement (not the cache's, which ``forEachRow(_:_:_:)`` may use meanwhile) and finalizes
    /// it at its end, at ``SQLiteCursor/close()`` or when it goes.
    public func cursor(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) -> SQLiteCursor {
        lock.lock()
        defer { lock.unlock() }
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, 0, &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(sql) }
        do {
            try bind(arguments, to: statement, sql: sql)
        } catch {
            sqlite3_finalize(statement)
            throw error
        }
        return SQLiteCursor(connection: self, statement: statement, sql: sql)
    }

    /// Every row of a query, copied out.
    public func rows(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        var out: [[SQLiteValue]] = []
        try forEachRow(sql, arguments) { row in
            out.append((0..<row.count).map { row[$0] })
            return true
        }
        return out
    }

    /// Every row of a query, copied out, each as column name → value.
    public func namedRows(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> [[String: SQLiteValue]] {
        var out: [[String: SQLiteValue]] = []
        try forEachRow(sql, arguments) { row in
            var named: [String: SQLiteValue] = [:]
            for index in 0..<row.count { named[row.name(index)] = row[index] }
            out.append(named)
            return true
        }
        return out
    }

    /// The first column of the first row, or `.null` when there is no row.
    public func scalar(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> SQLiteValue {
        var value = SQLiteValue.null
        try forEachRow(sql, arguments) { row in
            value = row[0]
            return false
        }
        return value
    }

    /// Runs `body` in one transaction (`BEGIN IMMEDIATE`: the write lock is taken at once, so
    /// two writers never deadlock half-way): committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        try executeScript("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try executeScript("COMMIT")
            return result
        } catch {
            try? executeScript("ROLLBACK")
            throw error
        }
    }

    /// The schema version the file records (`PRAGMA user_version`).
    public func userVersion() throws -> Int {
        Int(try scalar("PRAGMA user_version").integer ?? 0)
    }

    /// Brings the file to the last of `migrations` (scripts in order; the file records how many
    /// it has run as its `user_version`), each in its own transaction. A file newer than this
    /// program is refused rather than guessed at.
    public func migrate(_ migrations: [String]) throws {
        let current = try userVersion()
        if current > migrations.count {
            throw SQLiteError(code: SQLITE_ERROR, message: "the database has schema version \(current), newer than this traktql knows (\(migrations.count)); use a newer traktql or move the file away", sql: nil)
        }
        for (index, script) in migrations.enumerated().dropFirst(current) {
            try transaction {
                try executeScript(script)
                try executeScript("PRAGMA user_version = \(index + 1)")
            }
        }
    }

    /// The rowid of the last inserted row.
    public var lastInsertedRowID: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return sqlite3_last_insert_rowid(handle)
    }

    // MARK: Statements

    private func prepared(_ sql: String) throws(SQLiteError) -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(sql) }
        statements[sql] = statement
        return statement
    }

    /// SQLite copies text and blobs it is given with this destructor (`SQLITE_TRANSIENT`, a C
    /// macro Swift cannot import).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ arguments: [SQLiteValue], to statement: OpaquePointer, sql: String) throws(SQLiteError) {
        let expected = Int(sqlite3_bind_parameter_count(statement))
        guard expected == arguments.count else {
            throw SQLiteError(code: SQLITE_RANGE, message: "the statement takes \(expected) parameters, \(arguments.count) given", sql: sql)
        }
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch argument {
            case .null: status = sqlite3_bind_null(statement, index)
            case .integer(let value): status = sqlite3_bind_int64(statement, index, value)
            case .real(let value): status = sqlite3_bind_double(statement, index, value)
            case .text(let value): status = sqlite3_bind_text(statement, index, value, -1, Self.transient)
            case .blob(let bytes):
                status = bytes.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
            }
            if status != SQLITE_OK { throw error(sql) }
        }
    }

    func error(_ sql: String?) -> SQLiteError {
        let threadErrno = errno
        let code = sqlite3_extended_errcode(handle)
        return SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)), sql: sql, path: path,
                           systemErrno: SQLiteError.systemErrno(of: handle, code: code, threadErrno: threadErrno)).locatingFullDisk()
    }
}
