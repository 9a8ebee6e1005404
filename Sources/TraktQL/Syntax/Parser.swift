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
    private var depth = 0
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
        case "exit", "quit", "bye", "logout": return "commands start with '.': type .quit to leave, or press Ctrl-D"
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
        let valueToken = advance()
        var value: QualifierValue?
        if valueToken.kind == .string {
            value = QualifierValue(terms: [QualifierTerm(kind: .scalar(Scalar(kind: .quoted(valueToken.text), span: valueToken.span)), span: valueToken.span)], span: valueToken.span)
        } else {
            value = parseValue(of: valueToken, keyName: name.name)
        }
        if !atStatementBoundary {
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

    /// Splits one qualifier word: `[-]key[:value]`.
    ///
    /// Qualifier words are scanned as UTF-8 bytes (``QualifierText``) rather than as
    /// `Character`s: grapheme breaking and index validation dominated the parser's time.
    private mutating func parseQualifier(_ token: Token) -> Qualifier? {
        var source = token.text
        return source.withUTF8 { bytes in
            let text = QualifierText(bytes, token: token)
            var keyStart = 0
            var negated = false
            if text.isCharacter(0, "-") && bytes.count > 1 {  // `-` alone is a key, not a negation
                negated = true
                keyStart = 1
            }
            let colon = text.firstCharacter(":", in: keyStart..<bytes.count)
            let keyEnd = colon ?? bytes.count
            let keyText = text.string(keyStart..<keyEnd)
            let keySpan = text.span(keyStart..<keyEnd)
            guard keyStart < keyEnd, bytes[keyStart..<keyEnd].allSatisfy({ ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 || $0 == UInt8(ascii: "_") }) else {
                if keyStart == keyEnd {
                    error("missing qualifier name before ':'", at: token.span, help: "qualifiers are written key:value, like season:1")
                } else {
                    error("'\(Lexer.printable(keyText))' is not a qualifier", at: keySpan,
                          help: colon == nil ? "qualifiers are written key:value, like show:the-walking-dead; use '|' before a stage" : nil)
                }
                return nil
            }
            let key = Identifier(keyText, span: keySpan)
            guard let colon else {
                return Qualifier(key: key, negated: negated, value: nil, span: token.span)
            }
            guard colon + 1 < bytes.count else {
                error("missing value after '\(keyText):'", at: token.span, help: "write \(keyText):VALUE")
                return nil
            }
            guard let value = parseValue(text, from: colon + 1, keyName: keyText) else { return nil }
            return Qualifier(key: key, negated: negated, value: value, span: token.span)
        }
    }

    /// Parses a `let`/`set` value word.
    private mutating func parseValue(of token: Token, keyName: String) -> QualifierValue? {
        var source = token.text
        return source.withUTF8 { bytes in
            parseValue(QualifierText(bytes, token: token), from: 0, keyName: keyName)
        }
    }

    /// Parses `term(,term)*` in `text[start...]`.
    private mutating func parseValue(_ text: QualifierText, from start: Int, keyName: String) -> QualifierValue? {
        var terms: [QualifierTerm] = []
        // One more term than commas (quoted commas make this an overestimate, which is harmless).
        terms.reserveCapacity(1 + text.bytes[start...].reduce(0) { $1 == UInt8(ascii: ",") ? $0 + 1 : $0 })
        var termStart = start
        var i = start
        var inQuotes = false
        var failed = false
        func finishTerm(_ parser: inout Parser, _ end: Int) {
            if termStart == end {
                parser.error("empty element in the list for '\(keyName)'", at: text.span(termStart..<end), help: "remove the extra ','")
                failed = true
            } else if let term = parser.parseTerm(text, termStart..<end) {
                terms.append(term)
            } else {
                failed = true
            }
        }
        let count = text.bytes.count
        while i < count {
            if inQuotes {
                if text.isCharacter(i, "\\") {
                    i += 1
                    if i == count { break }
                } else if text.isCharacter(i, "\"") {
                    inQuotes = false
                }
            } else if text.isCharacter(i, "\"") {
                inQuotes = true
            } else if text.isCharacter(i, ",") {
                finishTerm(&self, i)
                termStart = i + 1
            }
            i += 1
        }
        finishTerm(&self, count)
        guard !failed else { return nil }
        return QualifierValue(terms: terms, span: text.span(start..<count))
    }

    /// One term: a comparison, a range or a scalar.
    private mutating func parseTerm(_ text: QualifierText, _ range: Range<Int>) -> QualifierTerm? {
        let span = text.span(range)
        let start = range.lowerBound, end = range.upperBound
        if let op = text.comparisonPrefix(in: range) {
            let scalarStart = start + op.rawValue.utf8.count
            guard scalarStart < end else {
                error("missing value after '\(op.rawValue)'", at: span)
                return nil
            }
            guard let scalar = parseScalar(text, scalarStart..<end) else { return nil }
            return QualifierTerm(kind: .comparison(op, scalar), span: span)
        }
        if !text.isCharacter(start, "\""), let dots = text.firstDoubleDot(in: range) {
            let low = dots.lowerBound == start ? nil : parseScalar(text, start..<dots.lowerBound)
            let high = dots.upperBound == end ? nil : parseScalar(text, dots.upperBound..<end)
            if (dots.lowerBound != start && low == nil) || (dots.upperBound != end && high == nil) { return nil }
            if low == nil && high == nil {
                error("a range needs at least one end", at: span, help: "write a..b, a.. or ..b")
                return nil
            }
            return QualifierTerm(kind: .range(low, high), span: span)
        }
        guard let scalar = parseScalar(text, range) else { return nil }
        return QualifierTerm(kind: .scalar(scalar), span: span)
    }

    private mutating func parseScalar(_ text: QualifierText, _ range: Range<Int>) -> Scalar? {
        let span = text.span(range)
        let start = range.lowerBound, end = range.upperBound
        let bytes = text.bytes
        if text.isCharacter(start, "\"") {
            // A closing quote that is not itself escaped (`\"` is; `\\"` is not).
            let closed = end - start >= 2 && text.isCharacter(end - 1, "\"")
                && (!(end - start >= 2 && text.isCharacter(end - 2, "\\"))
                    || (end - start >= 3 && text.isCharacter(end - 3, "\\")))
            guard closed else {
                error("unterminated string", at: span, help: "close it with '\"'")
                return nil
            }
            switch StringEscapes.unescape(Substring(text.string(start + 1..<end - 1))) {
            case .success(let value):
                return Scalar(kind: .quoted(value), span: span)
            case .failure(let failure):
                error(failure.message, at: span, help: failure.help)
                return nil
            }
        }
        if text.isCharacter(start, "$") {
            let name = bytes[start + 1..<end]
            guard !name.isEmpty, name.allSatisfy({ ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 || $0 == UInt8(ascii: "_") || ($0 >= 48 && $0 <= 57) }) else {
                error("'\(Lexer.printable(text.string(range)))' is not a variable name", at: span, help: "variables are written $name")
                return nil
            }
            return Scalar(kind: .variable(text.string(start + 1..<end)), span: span)
        }
        if text.isCharacter(start, "'") {
            let quoted = text.string(range)
            let inner = quoted.drop { $0 == "'" }.reversed().drop { $0 == "'" }.reversed()
            error("strings take double quotes, not single quotes", at: span, help: "write \"\(Lexer.printable(String(inner)))\"")
            return nil
        }
        if bytes[range].contains(UInt8(ascii: "\"")) {
            error("unexpected '\"' inside '\(Lexer.printable(text.string(range)))'", at: span, help: "quote the whole value")
            return nil
        }
        return Scalar(kind: .word(text.string(range)), span: span)
    }

    // MARK: - Stages

    private mutating func parseStage(after pipe: Token) -> Stage? {
        guard current.kind == .identifier else {
            error("expected a stage after '|', found \(found)", at: atStatementBoundary ? pipe.span : current.span,
                  help: "stages are: \(Self.stageKeywords.joined(separator: ", "))")
            skipToStageEnd()
            return nil
        }
        let keywordToken = advance()
        let keyword = Identifier(keywordToken.text, span: keywordToken.span)
        let kind: Stage.Kind
        switch ASCIICase.lowercased(keyword.name) {
        case "where":
            guard let expression = parseExpression() else { skipToStageEnd(); return nil }
            kind = .where(expression)
        case "select":
            var items: [SelectItem] = []
            items.reserveCapacity(listLengthAhead)
            repeat {
                guard let field = parseFieldPath(context: "select") else { skipToStageEnd(); return nil }
                var alias: Identifier?
                if isKeyword("as") {
                    advance()
                    guard current.kind == .identifier else {
                        error("expected a column name after 'as', found \(found)", at: current.span)
                        skipToStageEnd()
                        return nil
                    }
                    let token = advance()
                    alias = Identifier(token.text, span: token.span)
                }
                items.append(SelectItem(field: field, alias: alias))
            } while consumeComma()
            kind = .select(items)
        case "sort":
            var keys: [SortKey] = []
            keys.reserveCapacity(listLengthAhead)
            repeat {
                guard let field = parseFieldPath(context: "sort") else { skipToStageEnd(); return nil }
                var descending = false
                if isKeyword("desc") {
                    advance()
                    descending = true
                } else if isKeyword("asc") {
                    advance()
                }
                keys.append(SortKey(field: field, descending: descending))
            } while consumeComma()
            kind = .sort(keys)
        case "limit":
            if isKeyword("all") {
                advance()
                kind = .limit(nil)
            } else if current.kind == .number, let n = Int(current.text), n >= 0 {
                advance()
                kind = .limit(n)
            } else if current.kind == .variable {
                let variable = advance()
                kind = .limitVariable(Identifier(variable.text, span: variable.span))
            } else {
                error("expected a count or 'all' after 'limit', found \(found)", at: current.span, help: "write 'limit 20', 'limit all' or 'limit $n'")
                skipToStageEnd()
                return nil
            }
        case "count":
            var fields: [FieldPath] = []
            if isKeyword("by") {
                advance()
                fields.reserveCapacity(listLengthAhead)
                repeat {
                    guard let field = parseFieldPath(context: "count by") else { skipToStageEnd(); return nil }
                    fields.append(field)
                } while consumeComma()
            }
            kind = .count(by: fields)
        case "distinct":
            var fields: [FieldPath] = []
            fields.reserveCapacity(listLengthAhead)
            repeat {
                guard let field = parseFieldPath(context: "distinct") else { skipToStageEnd(); return nil }
                fields.append(field)
            } while consumeComma()
            kind = .distinct(fields)
        case "flatten":
            guard let field = parseFieldPath(context: "flatten") else { skipToStageEnd(); return nil }
            kind = .flatten(field)
        case "stats":
            guard let clause = parseStats(keyword: keyword) else { skipToStageEnd(); return nil }
            kind = .stats(clause)
        case "chart":
            guard let chart = parseChart() else { skipToStageEnd(); return nil }
            kind = .chart(chart)
        default:
            error("unknown stage '\(keyword.name)'", at: keyword.span,
                  help: Suggestion.didYouMean(keyword.name, in: Self.stageKeywords) ?? "stages are: \(Self.stageKeywords.joined(separator: ", "))")
            skipToStageEnd()
            return nil
        }
        let end = position > 0 ? tokens[position - 1].span : keyword.span
        return Stage(kind: kind, keyword: keyword, span: keyword.span.merged(with: end))
    }

    mutating func consumeComma() -> Bool {
        guard current.kind == .comma else { return false }
        advance()
        return true
    }

    /// `name ( .name | [index] )*`
    mutating func parseFieldPath(context: String) -> FieldPath? {
        if current.kind == .identifier, peekKind() == .leftParen { return parseBucket(context: context) }
        guard current.kind == .identifier else {
            error("expected a field after '\(context)', found \(found)", at: current.span, help: "fields look like show.title, episode.season or time")
            return nil
        }
        let first = advance()
        var components: [FieldPath.Component] = [.key(first.text)]
        var span = first.span
        while true {
            if current.kind == .dot {
                advance()
                guard current.kind == .identifier else {
                    error("expected a field name after '.', found \(found)", at: current.span)
                    return nil
                }
                let name = advance()
                components.append(.key(name.text))
                span = span.merged(with: name.span)
            } else if current.kind == .leftBracket {
                advance()
                guard current.kind == .number, let index = Int(current.text), index >= 0 else {
                    error("expected an index after '[', found \(found)", at: current.span, help: "write episodes[0]")
                    return nil
                }
                advance()
                guard current.kind == .rightBracket else {
                    error("expected ']', found \(found)", at: current.span)
                    return nil
                }
                span = span.merged(with: advance().span)
                components.append(.index(index))
            } else {
                break
            }
        }
        return FieldPath(components: components, span: span)
    }

    // MARK: - Expressions

    private mutating func parseExpression() -> Expression? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumExpressionDepth else {
            error("expression is nested too deeply (limit \(Self.maximumExpressionDepth))", at: current.span)
            return nil
        }
        return parseOr()
    }

    private mutating func parseOr() -> Expression? {
        guard var left = parseAnd() else { return nil }
        while isKeyword("or") {
            advance()
            guard let right = parseAnd() else { return nil }
            left = Expression(kind: .binary(.or, left, right), span: left.span.merged(with: right.span))
        }
        return left
    }

    private mutating func parseAnd() -> Expression? {
        guard var left = parseNot() else { return nil }
        while isKeyword("and") {
            advance()
            guard let right = parseNot() else { return nil }
            left = Expression(kind: .binary(.and, left, right), span: left.span.merged(with: right.span))
        }
        return left
    }

    private mutating func parseNot() -> Expression? {
        if isKeyword("not") {
            let keyword = advance()
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumExpressionDepth else {
                error("expression is nested too deeply (limit \(Self.maximumExpressionDepth))", at: keyword.span)
                return nil
            }
            guard let operand = parseNot() else { return nil }
            return Expression(kind: .not(operand), span: keyword.span.merged(with: operand.span))
        }
        return parseComparison()
    }

    private mutating func parseComparison() -> Expression? {
        guard let left = parsePrimary() else { return nil }
        let op: BinaryOperator?
        switch current.kind {
        case .equal: op = .equal
        case .notEqual: op = .notEqual
        case .less: op = .less
        case .lessEqual: op = .lessEqual
        case .greater: op = .greater
        case .greaterEqual: op = .greaterEqual
        case .tilde: op = .contains
        case .match: op = .matches
        case .notMatch: op = .notMatches
        case .identifier where isKeyword("in"): op = .in
        case .identifier where isKeyword("not") && ASCIICase.equals(tokens[min(position + 1, tokens.count - 1)].text, "in"):
            advance()
            op = .notIn
        default: op = nil
        }
        guard let op else { return left }
        advance()
        guard let right = parsePrimary() else { return nil }
        if op == .in || op == .notIn, case .list = right.kind {} else if op == .in || op == .notIn {
            if case .variable = right.kind {} else {
                error("expected a list after '\(op.rawValue)'", at: right.span, help: "write x in [\"a\", \"b\"]")
                return nil
            }
        }
        return Expression(kind: .binary(op, left, right), span: left.span.merged(with: right.span))
    }

    private mutating func parsePrimary() -> Expression? {
        let token = current
        switch token.kind {
        case .string:
            advance()
            return Expression(kind: .literal(.string(token.text)), span: token.span)
        case .number:
            advance()
            guard let literal = Self.classifyNumber(token.text) else {
                error("'\(token.text)' is not a number, duration or date", at: token.span, help: "numbers: 8, 7.5; durations: 7d, 6h, 30min; dates: 2024-01-01, 2024-01-01T20:00Z")
                return nil
            }
            return Expression(kind: .literal(literal), span: token.span)
        case .variable:
            advance()
            return Expression(kind: .variable(token.text), span: token.span)
        case .leftParen:
            advance()
            guard let inner = parseExpression() else { return nil }
            guard current.kind == .rightParen else {
                error("expected ')', found \(found)", at: current.span, help: "the '(' at \(token.span.start) is not closed")
                return nil
            }
            let close = advance()
            return Expression(kind: inner.kind, span: token.span.merged(with: close.span))
        case .leftBracket:
            advance()
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumExpressionDepth else {
                error("expression is nested too deeply (limit \(Self.maximumExpressionDepth))", at: token.span)
                return nil
            }
            var elements: [Expression] = []
            if current.kind != .rightBracket {
                repeat {
                    guard let element = parsePrimary() else { return nil }
                    elements.append(element)
                } while consumeComma()
            }
            guard current.kind == .rightBracket else {
                error("expected ']' to close the list, found \(found)", at: current.span)
                return nil
            }
            let close = advance()
            return Expression(kind: .list(elements), span: token.span.merged(with: close.span))
        case .identifier:
            switch ASCIICase.lowercased(token.text) {
            case "true", "false":
                advance()
                return Expression(kind: .literal(.bool(ASCIICase.equals(token.text, "true"))), span: token.span)
            case "null":
                advance()
                return Expression(kind: .literal(.null), span: token.span)
            case "and", "or", "not", "in":
                error("expected a value, found '\(token.text)'", at: token.span)
                return nil
            default:
                guard let path = parseFieldPath(context: "where") else { return nil }
                return Expression(kind: .field(path), span: path.span)
            }
        default:
            error("expected a value, found \(found)", at: token.span, help: "compare a field with a value, like rating_advanced >= 8")
            return nil
        }
    }

    /// Integers, decimals, durations (`7d`) and dates (`2024-01-01…`) share the number token.
    static func classifyNumber(_ text: String) -> Literal? {
        if let i = Int64(text) { return .integer(i) }
        let utf8 = Array(text.utf8)
        if utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") }), let d = Double(text), d.isFinite { return .number(d) }
        if utf8.count >= 10, utf8[4] == UInt8(ascii: "-") { return .dateTime(text) }
        if let firstLetter = utf8.firstIndex(where: { ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 }), firstLetter > 0,
           utf8[..<firstLetter].allSatisfy({ $0 >= 48 && $0 <= 57 }),
           utf8[firstLetter...].allSatisfy({ ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 })
        {
            return .duration(text)
        }
        if utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return .number(Double(text) ?? .infinity) }
        return nil
    }
}
