/// A hand-written recursive-descent parser from tokens to ``Script``.
///
/// It recovers at statement boundaries and between qualifiers and stages, so one pass reports
/// several independent errors. The grammar it implements is `Grammar/traktql.ebnf`.
public struct Parser {
    /// Statement keywords, for messages and completion.
    public static let statementKeywords = ["activity", "explain", "let", "set"]
    /// Stage keywords, for messages and completion.
    public static let stageKeywords = ["where", "select", "sort", "limit", "count", "distinct", "flatten", "stats", "chart"]
    /// Nesting deeper than this in a `where` expression is an error, not a stack overflow.
    public static let maximumExpressionDepth = 64

    var tokens: [Token]
    var position = 0
    var depth = 0
    private(set) public var diagnostics: [Diagnostic] = []

    /// Parses `source`; problems are in the returned diagnostics (lexer's first).
    public static func parse(_ source: String) -> (script: Script, diagnostics: [Diagnostic]) {
        var lexer = Lexer(source)
        let tokens = lexer.tokenize()
        var parser = Parser(tokens: tokens)
        let script = parser.parseScript()
        return (script, lexer.diagnostics + parser.diagnostics)
    }

    public init(tokens: [Token]) {
        self.tokens = tokens
    }

    // MARK: - Token stream

    /// The token at the cursor, borrowed (a copy would retain its text at every look).
    var current: Token {
        _read { yield tokens[position] }
    }

    func peekKind(_ ahead: Int = 1) -> Token.Kind {
        let i = min(position + ahead, tokens.count - 1)
        return tokens[i].kind
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    var atStatementBoundary: Bool {
        current.kind == .statementEnd || current.kind == .endOfInput
    }

    func isKeyword(_ word: StaticString) -> Bool {
        current.kind == .identifier && ASCIICase.equals(current.text, word)
    }

    mutating func error(_ message: String, at span: SourceSpan, help: String? = nil) {
        diagnostics.append(.error(message, at: span, help: help))
    }

    /// Describes the current token for "expected …, found …" messages.
    var found: String {
        switch current.kind {
        case .endOfInput: return "end of input"
        case .statementEnd: return current.text == ";" ? "';'" : "end of line"
        case .string: return "a string"
        default: return "'\(Lexer.printable(current.text))'"
        }
    }

    /// How many tokens of kind `counted` come before the first token that fails `condition`
    /// (for reserving array capacity: arrays grown one append at a time reallocate).
    private func countAhead(while condition: (Token.Kind) -> Bool, counting counted: Token.Kind) -> Int {
        var count = 0
        var i = position
        while i < tokens.count && condition(tokens[i].kind) {
            if tokens[i].kind == counted { count += 1 }
            i += 1
        }
        return count
    }

    /// An upper bound on the length of the comma list the stage at the cursor holds.
    var listLengthAhead: Int {
        1 + countAhead(while: { $0 != .pipe && $0 != .statementEnd && $0 != .endOfInput }, counting: .comma)
    }

    private mutating func skipToStatementEnd() {
        while !atStatementBoundary { advance() }
    }

    mutating func skipToStageEnd() {
        while !atStatementBoundary && current.kind != .pipe { advance() }
    }

    // MARK: - Statements

    public mutating func parseScript() -> Script {
        var statements: [Statement] = []
        while current.kind != .endOfInput {
            if current.kind == .statementEnd {
                advance()
                continue
            }
            if let statement = parseStatement() {
                statements.append(statement)
            }
            if !atStatementBoundary {
                error("unexpected \(found) after the statement", at: current.span, help: "put each statement on its own line or separate them with ';'")
                skipToStatementEnd()
            }
        }
        return Script(statements: statements)
    }

    private mutating func parseStatement() -> Statement? {
        let start = current.span
        switch current.kind {
        case .metaCommand:
            let name = advance()
            var arguments: [Identifier] = []
            while !atStatementBoundary {
                let token = advance()
                arguments.append(Identifier(token.text, span: token.span))
            }
            let end = arguments.last?.span ?? name.span
            return Statement(kind: .meta(name: Identifier(name.text, span: name.span), arguments: arguments), span: start.merged(with: end))
        case .identifier:
            switch ASCIICase.lowercased(current.text) {
            case "activity":
                let query = parseQuery()
                return Statement(kind: .query(query), span: query.span)
            case "explain":
                advance()
                guard isKeyword("activity") else {
                    error("expected a query after 'explain', found \(found)", at: current.span, help: "write 'explain activity …'")
                    skipToStatementEnd()
                    return nil
                }
                let query = parseQuery()
                return Statement(kind: .explain(query), span: start.merged(with: query.span))
            case "let", "set":
                return parseAssignment()
            default:
                let word = current.text
                error("unknown statement '\(word)'", at: current.span, help: Self.unknownStatementHelp(word))
                skipToStatementEnd()
                return nil
            }
        default:
            error("expected a statement, found \(found)", at: current.span, help: "a statement starts with activity, explain, let, set or a .command")
            skipToStatementEnd()
            return nil
        }
    }

    /// The hint for a word that starts no statement: the commands a newcomer types from other
    /// shells (`exit`, `quit`, `help`) are meta-commands here.
    static func unknownStatementHelp(_ word: String) -> String {
        switch ASCIICase.lowercased(word) {
        case "exit", "quit", "bye": return "commands start with '.': type .quit to leave, or press Ctrl-D"
        case "logout": return "commands start with '.': .logout signs out of Trakt; .quit leaves the shell (so does Ctrl-D)"
        case "auth", "login", "whoami":
            return "commands start with '.': .login, .whoami and .logout do what `traktql auth login|status|logout` does (or .auth login|status|logout)"
        case "help", "man", "usage": return "commands start with '.': type .help, or .help TOPIC"
        default:
            return Suggestion.didYouMean(word, in: statementKeywords) ?? "a statement starts with activity, explain, let, set or a .command"
        }
    }

    private mutating func parseAssignment() -> Statement? {
        let keyword = advance()
        let isLet = ASCIICase.equals(keyword.text, "let")
        guard current.kind == .identifier else {
            error("expected a name after '\(keyword.text)', found \(found)", at: current.span,
                  help: isLet ? "write 'let NAME = value'" : "write 'set OPTION = value'")
            skipToStatementEnd()
            return nil
        }
        let nameToken = advance()
        let name = Identifier(nameToken.text, span: nameToken.span)
        guard current.kind == .assign else {
            error("expected '=' after '\(name.name)', found \(found)", at: current.span)
            skipToStatementEnd()
            return nil
        }
        advance()
        guard !atStatementBoundary else {
            error("expected a value after '='", at: current.span)
            return nil
        }
        // `let seen = activity … | distinct show.ids.slug`: the variable holds the query's answer.
        if isLet, current.kind == .identifier, isKeyword("activity") {
            let query = parseQuery()
            return Statement(kind: .letQuery(name: name, query: query), span: keyword.span.merged(with: query.span))
        }
        let valueToken = advance()
        var value: QualifierValue?
        if valueToken.kind == .string {
            value = QualifierValue(terms: [QualifierTerm(kind: .scalar(Scalar(kind: .quoted(valueToken.text), span: valueToken.span)), span: valueToken.span)], span: valueToken.span)
        } else {
            value = parseValue(of: valueToken, keyName: name.name, written: "\(keyword.text) \(name.name) = ")
        }
        if !atStatementBoundary, value == nil {
            skipToStatementEnd()  // the value's own error says what is wrong
        } else if !atStatementBoundary {
            error("expected one value after '=', found \(found)", at: current.span, help: "quote a value that contains spaces")
            skipToStatementEnd()
        }
        guard let value else { return nil }
        let kind: Statement.Kind = isLet ? .let(name: name, value: value) : .set(name: name, value: value)
        return Statement(kind: kind, span: keyword.span.merged(with: value.span))
    }

    // MARK: - Queries

    private mutating func parseQuery() -> Query {
        let keyword = advance()  // activity
        var span = keyword.span
        var qualifiers: [Qualifier] = []
        qualifiers.reserveCapacity(countAhead(while: { $0 == .qualifier }, counting: .qualifier))
        while current.kind == .qualifier {
            let token = advance()
            span = span.merged(with: token.span)
            if let qualifier = parseQualifier(token) { qualifiers.append(qualifier) }
        }
        var stages: [Stage] = []
        stages.reserveCapacity(countAhead(while: { $0 != .statementEnd && $0 != .endOfInput }, counting: .pipe))
        while current.kind == .pipe {
            let pipe = advance()
            span = span.merged(with: pipe.span)
            if let stage = parseStage(after: pipe) {
                stages.append(stage)
                span = span.merged(with: stage.span)
            }
            if !atStatementBoundary && current.kind != .pipe {
                error("unexpected \(found) in the stage", at: current.span, help: "stages are separated by '|'")
                skipToStageEnd()
            }
        }
        return Query(qualifiers: qualifiers, stages: stages, span: span)
    }
}
