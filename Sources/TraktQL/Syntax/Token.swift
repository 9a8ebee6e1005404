/// One lexical unit of a statement.
public struct Token: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A name: keyword, stage name, field path component, setting name.
        case identifier
        /// One whitespace-delimited `key:value` or flag word after `activity`; split by the parser.
        case qualifier
        /// A raw word after `=` in `let`/`set`, or an argument of a meta-command.
        case rawWord
        /// A digit-initial word in an expression: `12`, `1.5`, `7d`, `2024-01-01T20:00Z`.
        case number
        /// A double-quoted string; ``Token/text`` holds it unescaped.
        case string
        /// `$name`; ``Token/text`` holds the name without `$`.
        case variable
        /// `.name` at the start of a statement; ``Token/text`` holds the name without `.`.
        case metaCommand
        case pipe, leftParen, rightParen, leftBracket, rightBracket, comma, dot
        case equal, notEqual, less, lessEqual, greater, greaterEqual
        /// `~` (contains) and `=~` / `!~` (regular expression match, negated).
        case tilde, match, notMatch
        /// `=` in `let`/`set`.
        case assign
        /// The end of a statement: a newline not followed by a `|` continuation line, or `;`.
        case statementEnd
        case endOfInput
    }

    // `kind` is stored last: first, its padding made every token copy move stale stack bytes
    // (a store-forwarding stall that was the lexer's largest cost).
    /// The token's text: for strings the unescaped contents, for variables the bare name,
    /// otherwise the source text.
    public var text: String
    public var span: SourceSpan
    public var kind: Kind

    public init(kind: Kind, text: String, span: SourceSpan) {
        self.kind = kind
        self.text = text
        self.span = span
    }

    public var description: String { "\(kind)(\(text))@\(span)" }
}
