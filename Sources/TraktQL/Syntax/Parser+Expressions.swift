/// `where` expressions for the parser: `or`, `and`, `not`, comparisons and literals.
extension Parser {
    mutating func parseExpression() -> Expression? {
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
        // `time in this-year`, `time not in 2026-03`: a calendar period rather than a list.
        if op == .in || op == .notIn, let period = parsePeriod() {
            return Expression(kind: .binary(op, left, period), span: left.span.merged(with: period.span))
        }
        guard let right = parsePrimary() else { return nil }
        if op == .in || op == .notIn, case .list = right.kind {} else if op == .in || op == .notIn {
            if case .variable = right.kind {} else {
                error("expected a list after '\(op.rawValue)'", at: right.span,
                      help: "write x in [\"a\", \"b\"], x in $variable, or for a time a period: time in this-year, time in 2024-03")
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

    /// A period after `in`: a number token that is a year, month, week or date, or a period
    /// word (`this-year`, `today`); nil (nothing taken) for anything else.
    private mutating func parsePeriod() -> Expression? {
        let token = current
        switch token.kind {
        case .number:
            let utf8 = Array(token.text.utf8)
            let isYear = utf8.count == 4 && utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
            guard isYear || (utf8.count >= 7 && utf8[4] == UInt8(ascii: "-")) else { return nil }
        case .identifier:
            // The period words, and this-…/last-… misspelt (the checker names them, with a did-you-mean).
            let word = ASCIICase.lowercased(token.text)
            guard word.hasPrefix("this-") || word.hasPrefix("last-") || word == "today" || word == "yesterday" else { return nil }
        default:
            return nil
        }
        advance()
        return Expression(kind: .literal(.period(token.text)), span: token.span)
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
