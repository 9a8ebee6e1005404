/// A `where` expression.
public struct Expression: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        case field(FieldPath)
        case literal(Literal)
        case variable(String)
        case list([Expression])
        case not(Expression)
        case binary(BinaryOperator, Expression, Expression)
    }

    public var kind: Kind
    public var span: SourceSpan

    public init(kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}

/// A literal as written; the checker resolves durations and dates against the session.
public enum Literal: Sendable, Hashable {
    case string(String)
    case number(Double)
    case integer(Int64)
    case bool(Bool)
    case null
    /// `7d`, `30min`: resolved by the checker.
    case duration(String)
    /// `2024-01-01`, `2024-01-01T20:00Z`: resolved by the checker.
    case dateTime(String)
    /// A calendar period after `in`/`not in`: `this-year`, `2026-03`, `2026-W10`, `2026`,
    /// `2026-03-14`, `today`: resolved by the checker to its first and last instant.
    case period(String)
}

/// Binary operators, loosest first: `or`, `and`, then the comparisons.
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case or
    case and
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    /// Case-insensitive substring (or element) containment.
    case contains = "~"
    /// Regular-expression match.
    case matches = "=~"
    case notMatches = "!~"
    case `in`
    case notIn = "not in"
}
