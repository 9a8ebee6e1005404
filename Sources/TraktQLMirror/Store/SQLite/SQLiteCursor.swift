import CSQLite
import Foundation

/// One query's rows, stepped one at a time when asked (``SQLiteConnection/cursor(_:_:)``), so
/// that several queries of one connection can be read in turn: the mirror's merge of routes
/// newest first reads from each only as far as the answer needs.
///
/// Each step holds the connection's lock; the statement is finalized after the last row, at
/// ``close()``, or when the cursor goes (it keeps its connection open until then).
public final class SQLiteCursor: @unchecked Sendable {
    // Sendable: every use of `statement` holds the connection's lock.
    private let connection: SQLiteConnection
    /// `sqlite3_stmt*`, owned; nil once finalized.
    private var statement: OpaquePointer?
    /// The query, for errors.
    public let sql: String

    init(connection: SQLiteConnection, statement: OpaquePointer, sql: String) {
        self.connection = connection
        self.statement = statement
        self.sql = sql
    }

    deinit { close() }

    /// The next row, its values copied out; nil after the last row (the statement is then finalized).
    public func next() throws(SQLiteError) -> [SQLiteValue]? {
        try next { row in (0..<row.count).map { row[$0] } }
    }

    /// The next row as `read` copies it out (the row is valid only during the call); nil
    /// after the last row. The mirror reads its rows straight into its own values this way,
    /// without an array of ``SQLiteValue`` per row in between.
    public func next<Row>(_ read: (SQLiteRow) -> Row) throws(SQLiteError) -> Row? {
        connection.lock.lock()
        defer { connection.lock.unlock() }
        guard let statement else { return nil }
        let status = sqlite3_step(statement)
        if status == SQLITE_DONE {
            finalize()
            return nil
        }
        guard status == SQLITE_ROW else {
            let failure = connection.error(sql)
            finalize()
            throw failure
        }
        return read(SQLiteRow(statement: statement))
    }

    /// Finalizes the statement before its last row (reading stopped early); later ``next()``s answer nil.
    public func close() {
        connection.lock.lock()
        defer { connection.lock.unlock() }
        finalize()
    }

    private func finalize() {
        if let statement { sqlite3_finalize(statement) }
        statement = nil
    }
}
