/// A failure SQLite reported: its result code, its message, and the statement it was for.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// SQLite's extended result code (`SQLITE_FULL` is 13, `SQLITE_BUSY` 5, …).
    public let code: Int32
    public let message: String
    /// The statement that failed, when there was one.
    public let sql: String?

    public var description: String {
        sql.map { "\(message) (SQLite \(code), in: \($0.prefix(120)))" } ?? "\(message) (SQLite \(code))"
    }

    /// The disk or its quota is full (`SQLITE_FULL`), or a write failed underneath (`SQLITE_IOERR`).
    public var isDiskFull: Bool { code & 0xff == 13 || code & 0xff == 10 }
}
