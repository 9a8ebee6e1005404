/// A value SQLite stores or returns: its five storage classes.
public enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The integer, or nil (a real is not truncated).
    public var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The text, or nil.
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The number as a Double (an integer or a real), or nil.
    public var real: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .real(let value): return value
        default: return nil
        }
    }

    public var isNull: Bool { self == .null }
}

extension SQLiteValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByNilLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension SQLiteValue {
    /// An optional integer: `.null` for nil.
    public init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    /// An optional integer: `.null` for nil.
    public init(_ value: Int64?) { self = value.map { .integer($0) } ?? .null }
    /// Optional text: `.null` for nil.
    public init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    /// An optional real: `.null` for nil.
    public init(_ value: Double?) { self = value.map { .real($0) } ?? .null }
}
