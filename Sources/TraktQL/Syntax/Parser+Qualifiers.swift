/// Qualifier words (`[-]key[:value]`) and their values for the parser.
extension Parser {
    /// Splits one qualifier word: `[-]key[:value]`.
    ///
    /// Qualifier words are scanned as UTF-8 bytes (``QualifierText``) rather than as
    /// `Character`s: grapheme breaking and index validation dominated the parser's time.
    mutating func parseQualifier(_ token: Token) -> Qualifier? {
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
            guard let value = parseValue(text, from: colon + 1, keyName: keyText, written: text.string(0..<(colon + 1))) else { return nil }
            return Qualifier(key: key, negated: negated, value: value, span: token.span)
        }
    }

    /// Parses a `let`/`set` value word; `written` is what precedes it (`let crew = `).
    mutating func parseValue(of token: Token, keyName: String, written: String) -> QualifierValue? {
        var source = token.text
        return source.withUTF8 { bytes in
            parseValue(QualifierText(bytes, token: token), from: 0, keyName: keyName, written: written)
        }
    }

    /// Parses `term(,term)*` in `text[start...]`. `written` is what precedes the value
    /// (`user:`, `let crew = `), for the fix a hint shows.
    mutating func parseValue(_ text: QualifierText, from start: Int, keyName: String, written: String) -> QualifierValue? {
        let count = text.bytes.count
        // `[a,b]` and `a, b` are how lists are written after `where … in`, not here: one error
        // for the whole list (its words after a space too), with the list as it is written here.
        if count > start, text.isCharacter(start, "[") || (text.isCharacter(count - 1, ",") && continuesWithWord) {
            let bracketed = text.isCharacter(start, "[")
            var words = [text.string(start..<count)]
            var span = text.span(start..<count)
            var open = bracketed && !words[0].contains("]")
            while !atStatementBoundary && current.kind != .pipe && (open || words.last!.hasSuffix(",")) {
                let next = advance()
                words.append(next.text)
                span = span.merged(with: next.span)
                if next.text.contains("]") { open = false }
            }
            let list = words.joined().filter { $0 != "[" && $0 != "]" && $0 != " " }
            error(bracketed ? "a list after '\(written.trimmingCharacters(in: .whitespaces))' is written without brackets" : "a list has no spaces after its commas",
                  at: span, help: "write \(written)\(list.isEmpty ? "a,b" : list)")
            return nil
        }
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

    /// Whether the next token is a word of the same statement (a list's next element, written
    /// after a space).
    private var continuesWithWord: Bool {
        [.qualifier, .rawWord, .identifier, .number, .variable].contains(current.kind)
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
}
