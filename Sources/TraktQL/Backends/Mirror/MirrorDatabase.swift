import Foundation

/// The SQLite mirror as the mirror backend sees it: SQL with parameters, rows of column values,
/// and the account the mirror holds. `TraktQLMirror` implements it over the system SQLite (the
/// engine library stays Foundation-only); a test may implement it over anything that runs SQL.
public protocol MirrorDatabase: Sendable {
    /// Where the mirror is (a file path), for `explain`, the banner and messages.
    var location: String { get }
    /// Whose account the mirror holds, from which server, and when it was last synced.
    func account() throws(TraktQLError) -> MirrorAccount
    /// Runs `body` in one read transaction: every statement it runs sees the same snapshot,
    /// even while `traktql sync` saves a section (WAL).
    func read<T>(_ body: (any MirrorConnection) throws(TraktQLError) -> T) throws(TraktQLError) -> T
}

/// One read transaction of a ``MirrorDatabase``.
public protocol MirrorConnection {
    /// Steps the rows of `sql` with `parameters` bound to its `?`s, in order; `body` answers
    /// whether more rows are wanted. Statements may nest (an object looked up per row).
    func rows(_ sql: String, _ parameters: [MirrorValue], _ body: (_ row: [MirrorValue]) throws(TraktQLError) -> Bool) throws(TraktQLError)
    /// The rows of `sql` one at a time, stepped when asked: several cursors (and ``rows(_:_:_:)``
    /// lookups) can be stepped in turn, so that statements merged newest first are read only as
    /// far as the answer needs.
    func cursor(_ sql: String, _ parameters: [MirrorValue]) throws(TraktQLError) -> any MirrorCursor
}

/// One statement of a ``MirrorConnection`` being stepped (prepared when made, finalized after
/// its last row, at ``close()``, or when it goes).
public protocol MirrorCursor: AnyObject {
    /// The next row; nil after the last.
    func next() throws(TraktQLError) -> [MirrorValue]?
    /// The next row as `read` reads it in place (``MirrorCurrentRow``, valid only during the call),
    /// without an array of values in between; nil after the last. The mirror steps tens of
    /// thousands of plays this way.
    func next<Row>(_ read: (any MirrorCurrentRow) -> Row) throws(TraktQLError) -> Row?
    /// Stops before the last row: the statement is finalized, later ``next()``s answer nil.
    func close()
}

extension MirrorCursor {
    /// From ``next()``: for a cursor with no row of its own to read in place.
    public func next<Row>(_ read: (any MirrorCurrentRow) -> Row) throws(TraktQLError) -> Row? {
        try next().map { read(MirrorValues(values: $0)) }
    }
}

/// The row a ``MirrorCursor`` is on, its columns read where they are.
public protocol MirrorCurrentRow {
    /// How many columns the row has.
    var count: Int { get }
    /// Column `index` (from 0) as a value.
    func value(_ index: Int) -> MirrorValue
    /// Column `index` as an integer (as ``MirrorValue/integer``); nil when NULL or not one.
    func integer(_ index: Int) -> Int64?
    /// Column `index` as a short text in one word (``MirrorTextWord``), without a String or a
    /// closure: the mirror tells tens of thousands of plays apart by their action and type.
    func textWord(_ index: Int) -> MirrorTextWord
}

extension MirrorCurrentRow {
    /// Every column, in order.
    public var values: [MirrorValue] { (0..<count).map(value) }

    /// From ``value(_:)``: for a row with no faster way to its bytes.
    public func textWord(_ index: Int) -> MirrorTextWord {
        value(index).text.map(MirrorTextWord.init) ?? .notText
    }
}

/// A column's text of at most 7 bytes packed into one word (all of Trakt's actions and types,
/// and an empty `extra`, `{}`), so that comparing or hashing it costs no String.
public enum MirrorTextWord: Sendable, Hashable {
    /// The bytes from the low end, the length plus one in the top byte (`""` is not 0).
    case word(UInt64)
    /// Text of more than 7 bytes.
    case long
    /// NULL, a number or a blob.
    case notText

    /// The word of `bytes` (text).
    public init(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count <= 7 else {
            self = .long
            return
        }
        var word = UInt64(bytes.count + 1) << 56
        for (n, byte) in bytes.enumerated() { word |= UInt64(byte) << UInt64(8 * n) }
        self = .word(word)
    }

    /// The word of a string.
    init(_ text: String) {
        var text = text
        self = text.withUTF8 { MirrorTextWord(UnsafeRawBufferPointer($0)) }
    }
}

/// A row already copied out (``MirrorCursor/next()``), read as a ``MirrorCurrentRow``.
struct MirrorValues: MirrorCurrentRow {
    let values: [MirrorValue]
    var count: Int { values.count }
    func value(_ index: Int) -> MirrorValue { values[index] }
    func integer(_ index: Int) -> Int64? { values[index].integer }
}

/// A SQLite value: a parameter or a column of a row.
public enum MirrorValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var integer: Int64? {
        switch self {
        case .integer(let n): return n
        case .real(let d) where d.rounded() == d && abs(d) < 9e18: return Int64(d)
        default: return nil
        }
    }

    public var text: String? {
        if case .text(let s) = self { return s }
        return nil
    }

    /// As `explain` shows a parameter: numbers bare, text quoted as SQL writes it.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .integer(let n): return String(n)
        case .real(let d): return String(d)
        case .text(let s): return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        }
    }
}

/// What the mirror's `account` and sync tables say about it.
public struct MirrorAccount: Sendable, Hashable {
    /// The API's base URL the account was read from.
    public var server: String
    /// The user's slug (`me` is resolved before the sync saves it).
    public var user: String
    /// Read through `/sync` with the user's token (true), or from public routes (`sync --user`).
    public var own: Bool
    /// When the last sync that completed finished (nil: none has: an import not yet completed).
    public var syncedAt: Date?
    /// An export file the mirror was built from and no online sync has completed yet.
    public var importedFrom: String?

    public init(server: String, user: String, own: Bool, syncedAt: Date?, importedFrom: String? = nil) {
        self.server = server
        self.user = user
        self.own = own
        self.syncedAt = syncedAt
        self.importedFrom = importedFrom
    }

    /// `3 h 12 min`, `2 d 4 h`: how long ago `syncedAt` was, at `now`.
    public func age(at now: Date) -> String {
        guard let syncedAt else { return "never synced online" }
        return Self.duration(max(0, now.timeIntervalSince(syncedAt)))
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(min(seconds, 1e12))
        if s < 60 { return "\(s) s" }
        if s < 3_600 { return "\(s / 60) min" }
        if s < 86_400 { return s % 3_600 / 60 == 0 ? "\(s / 3_600) h" : "\(s / 3_600) h \(s % 3_600 / 60) min" }
        return s % 86_400 / 3_600 == 0 ? "\(s / 86_400) d" : "\(s / 86_400) d \(s % 86_400 / 3_600) h"
    }
}
