/// `activity` followed by qualifiers and stages.
public struct Query: Sendable, Hashable {
    public var qualifiers: [Qualifier]
    public var stages: [Stage]
    public var span: SourceSpan

    public init(qualifiers: [Qualifier], stages: [Stage], span: SourceSpan) {
        self.qualifiers = qualifiers
        self.stages = stages
        self.span = span
    }
}

/// `key:value`, `-key:value` (negated) or a bare flag such as `min`.
public struct Qualifier: Sendable, Hashable {
    public var key: Identifier
    public var negated: Bool
    /// `nil` for a flag.
    public var value: QualifierValue?
    public var span: SourceSpan

    public init(key: Identifier, negated: Bool, value: QualifierValue?, span: SourceSpan) {
        self.key = key
        self.negated = negated
        self.value = value
        self.span = span
    }
}

/// The value of a qualifier, `let` or `set`: one term, or a comma list of terms.
public struct QualifierValue: Sendable, Hashable {
    public var terms: [QualifierTerm]
    public var span: SourceSpan

    public init(terms: [QualifierTerm], span: SourceSpan) {
        self.terms = terms
        self.span = span
    }
}

/// One element of a qualifier value.
public struct QualifierTerm: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A word, quoted string or variable.
        case scalar(Scalar)
        /// `>=v`, `>v`, `<v`, `<=v`.
        case comparison(ComparisonOperator, Scalar)
        /// `a..b`; either end may be open.
        case range(Scalar?, Scalar?)
    }

    public var kind: Kind
    public var span: SourceSpan

    public init(kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}

/// The atoms of qualifier values.
public struct Scalar: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case word(String)
        case quoted(String)
        case variable(String)
    }

    public var kind: Kind
    public var span: SourceSpan

    public init(kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }

    /// The text for words and quoted strings; `nil` for a variable.
    public var text: String? {
        switch kind {
        case .word(let s), .quoted(let s): return s
        case .variable: return nil
        }
    }
}

/// The comparison a qualifier term or an expression makes.
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
}
