import CSQLite

/// The current row of a statement being stepped (``SQLiteConnection/forEachRow(_:_:_:)``): its
/// columns read in place. Valid only during the call it is passed to.
public struct SQLiteRow {
    let statement: OpaquePointer

    /// How many columns the row has.
    public var count: Int { Int(sqlite3_column_count(statement)) }

    /// The name of column `index` (from 0): its `AS` name, else the column's.
    public func name(_ index: Int) -> String {
        sqlite3_column_name(statement, Int32(index)).map { String(cString: $0) } ?? ""
    }

    /// Column `index` (from 0) as a value.
    public subscript(index: Int) -> SQLiteValue {
        let column = Int32(index)
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT: return .text(text(index) ?? "")
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let base = sqlite3_column_blob(statement, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
        default: return .null
        }
    }

    /// Column `index` when it holds an integer; `.some(nil)` when NULL; nil when it holds
    /// anything else (text, a real, a blob), which the caller reads as a value instead. One
    /// type check per column: the mirror reads tens of thousands of rows' ids this way.
    public func storedInteger(_ index: Int) -> Int64?? {
        let column = Int32(index)
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .some(sqlite3_column_int64(statement, column))
        case SQLITE_NULL: return .some(nil)
        default: return nil
        }
    }

    /// Column `index` as an integer; nil when NULL.
    public func integer(_ index: Int) -> Int64? {
        let column = Int32(index)
        guard sqlite3_column_type(statement, column) != SQLITE_NULL else { return nil }
        return sqlite3_column_int64(statement, column)
    }

    /// Column `index` as text; nil when NULL.
    public func text(_ index: Int) -> String? {
        let column = Int32(index)
        guard let bytes = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// Column `index`'s bytes when it is text, read in place (valid only during the call the
    /// row is passed to); nil otherwise.
    public func textBytes(_ index: Int) -> UnsafeRawBufferPointer? {
        let column = Int32(index)
        guard sqlite3_column_type(statement, column) == SQLITE_TEXT else { return nil }
        // Text first, then its length (SQLite's documented order).
        let base = sqlite3_column_text(statement, column)
        let count = Int(sqlite3_column_bytes(statement, column))
        return UnsafeRawBufferPointer(start: count > 0 ? UnsafeRawPointer(base) : nil, count: count)
    }
}
