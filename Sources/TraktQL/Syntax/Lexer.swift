/// Turns statement text into tokens.
///
/// The language has three lexical regions, and the lexer tracks which one it is in from the
/// tokens it has produced (no feedback from the parser is needed):
///
/// - after `activity`, whitespace-separated qualifier words (`show:the-walking-dead`,
///   `since:2024-01-01T20:00-05:00`), which may contain `:`, `,`, `..` and quoted parts;
/// - after `|`, expression tokens (`user.username != "justin"`);
/// - after `=` in `let`/`set` and after a meta-command, raw words to the end of the line.
///
/// A newline ends a statement unless the next non-blank line starts with `|`, or an
/// expression parenthesis or bracket is still open. `#` starts a comment to the end of the line.
public struct Lexer {
    private enum Mode {
        case head, qualifiers, expression, rawWords
    }

    /// Limits that keep hostile input from costing unbounded time or memory.
    public static let maximumSourceBytes = 1 << 20

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    private var mode = Mode.head
    private var nesting = 0
    /// After `let`/`set`, the first top-level `=` assigns.
    private var expectsAssignment = false
    /// The assignment is a `let`'s, whose value may be a query (`let seen = activity …`).
    private var assignmentIsLet = false
    /// A `|` at the end of a line continues the statement on the next line (as in the shell).
    private var afterPipe = false
    private(set) public var diagnostics: [Diagnostic] = []
    /// The tokens so far. Each scanning function appends its token here rather than returning
    /// it: passing tokens back through the call chain cost more than scanning them.
    private var tokens: [Token] = []

    public init(_ source: String) {
        self.bytes = Array(source.utf8)
    }

    /// Every token of the source, ending with ``Token/Kind/endOfInput``.
    public mutating func tokenize() -> [Token] {
        tokens = []
        tokens.reserveCapacity(bytes.count / 4 + 2)
        if bytes.count > Self.maximumSourceBytes {
            diagnostics.append(.error("input is too large (\(bytes.count) bytes; the limit is \(Self.maximumSourceBytes))", at: span(from: location)))
            tokens.append(Token(kind: .endOfInput, text: "", span: span(from: location)))
            return tokens
        }
        repeat {
            next()  // appends exactly one token
        } while tokens[tokens.count - 1].kind != .endOfInput
        let result = tokens
        tokens = []
        return result
    }

    // MARK: - Cursor

    private var location: SourceLocation {
        // Only reached for sources within `maximumSourceBytes`, so every number fits.
        SourceLocation(uncheckedLine: line, column: column, offset: index)
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        let i = index + ahead
        return i < bytes.count ? bytes[i] : nil
    }

    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1  // count characters (scalar starts), not continuation bytes
        }
    }

    /// Advances over a run of identifier characters. They are ASCII and never newlines, so the
    /// column moves by the byte count (no per-byte bookkeeping as in ``advance()``).
    private mutating func skipIdentifierCharacters() {
        let end = bytes.withUnsafeBufferPointer { buffer in
            var i = index
            while i < buffer.count && isIdentifierContinue(buffer[i]) { i += 1 }
            return i
        }
        column += end - index
        index = end
    }

    private func span(from start: SourceLocation) -> SourceSpan { SourceSpan(start: start, end: location) }

    private func text(from start: SourceLocation) -> String {
        text(fromOffset: start.offset)
    }

    private func text(fromOffset offset: Int) -> String {
        String(decoding: bytes[offset..<index], as: UTF8.self)
    }

    /// Appends the token from `start` to the cursor, with its source text.
    private mutating func token(_ kind: Token.Kind, from start: SourceLocation) {
        tokens.append(Token(kind: kind, text: fixedText(kind, from: start) ?? text(from: start), span: span(from: start)))
    }

    /// The text of a punctuation token, which its kind (and length) determine: a literal costs
    /// nothing, where decoding the source bytes was a noticeable part of lexing.
    private func fixedText(_ kind: Token.Kind, from start: SourceLocation) -> String? {
        switch kind {
        case .pipe: return "|"
        case .leftParen: return "("
        case .rightParen: return ")"
        case .leftBracket: return "["
        case .rightBracket: return "]"
        case .comma: return ","
        case .dot: return "."
        case .equal: return index - start.offset == 2 ? "==" : "="
        case .notEqual: return "!="
        case .less: return "<"
        case .lessEqual: return "<="
        case .greater: return ">"
        case .greaterEqual: return ">="
        case .tilde: return "~"
        case .match: return "=~"
        case .notMatch: return "!~"
        case .assign: return "="
        case .statementEnd: return bytes[start.offset] == UInt8(ascii: ";") ? ";" : "\n"
        default: return nil
        }
    }

    /// Appends the token from `start` to the cursor, with `text` (unescaped or trimmed).
    private mutating func token(_ kind: Token.Kind, text: String, from start: SourceLocation) {
        tokens.append(Token(kind: kind, text: text, span: span(from: start)))
    }

    // MARK: - Dispatch

    /// Scans the next token (appending it to ``tokens``).
    private mutating func next() {
        skipBlanks()
        guard let byte = peek() else {
            return token(.endOfInput, text: "", from: location)
        }
        let start = location
        if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: ";") {
            return statementEnd()
        }
        if byte == UInt8(ascii: "|") && mode != .rawWords {
            advance()
            mode = .expression
            nesting = 0
            token(.pipe, from: start)
            skipBlanksAfterPipe()
            return
        }
        switch mode {
        case .head:
            return headToken()
        case .qualifiers:
            return word(.qualifier)
        case .rawWords:
            if byte == UInt8(ascii: "\"") { return string() }
            return word(.rawWord)
        case .expression:
            return expressionToken()
        }
    }

    /// Skips spaces, tabs, carriage returns and comments, and newlines that do not end the statement.
    private mutating func skipBlanks() {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                advance()
            case UInt8(ascii: "#"):
                while let b = peek(), b != UInt8(ascii: "\n") { advance() }
            case UInt8(ascii: "\n"):
                // Between statements, and inside open parentheses, newlines are only space.
                if mode == .head || (mode == .expression && nesting > 0) || afterPipe || continuesOnNextLine() {
                    advance()
                } else {
                    return
                }
            default:
                return
            }
        }
    }

    /// Spaces, comments and newlines after a `|`: the statement goes on.
    private mutating func skipBlanksAfterPipe() {
        afterPipe = true
        skipBlanks()
        afterPipe = false
    }

    /// Whether the next line that is not blank or a comment starts with `|`.
    private func continuesOnNextLine() -> Bool {
        var i = index + 1
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                i += 1
            case UInt8(ascii: "#"):
                while i < bytes.count, bytes[i] != UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "|"):
                return true
            default:
                return false
            }
        }
        return false
    }

    private mutating func statementEnd() {
        let start = location
        advance()
        mode = .head
        nesting = 0
        expectsAssignment = false
        return token(.statementEnd, from: start)
    }

    private mutating func headToken() {
        let start = location
        let byte = peek()!
        if byte == UInt8(ascii: "."), let after = peek(1), isIdentifierStart(after) {
            advance()
            skipIdentifierCharacters()
            mode = .rawWords
            return token(.metaCommand, text: text(fromOffset: start.offset + 1), from: start)  // without the '.'
        }
        if isIdentifierStart(byte) {
            identifier()
            switch ASCIICase.lowercased(tokens[tokens.count - 1].text) {
            case "activity": mode = .qualifiers
            case "let", "set":
                mode = .expression  // NAME, then `=` switches to raw words
                expectsAssignment = true
                assignmentIsLet = ASCIICase.equals(tokens[tokens.count - 1].text, "let")
            case "explain":
                break  // `activity` follows
            default:
                mode = .rawWords  // not a statement: the parser reports it once, not each character after it
            }
            return
        }
        return expressionToken()
    }

    private mutating func identifier() {
        let start = location
        skipIdentifierCharacters()
        // `this-year`, `last-month`, …: the period words are one word, hyphen and all.
        if index - start.offset == 4, let suffix = periodSuffix(), ["this", "last"].contains(ASCIICase.lowercased(text(fromOffset: start.offset))) {
            for _ in 0..<suffix { advance() }
        }
        return token(.identifier, from: start)
    }

    /// The length of `-word` at the cursor (`-year`, `-month`, `-week`, or a misspelling the
    /// checker names with a did-you-mean): a hyphen and letters, up to the word's end.
    private func periodSuffix() -> Int? {
        guard peek() == UInt8(ascii: "-"), let first = peek(1), isLetter(first) else { return nil }
        var i = index + 1
        while i < bytes.count, isLetter(bytes[i]) { i += 1 }
        guard i == bytes.count || !isIdentifierContinue(bytes[i]) else { return nil }
        return i - index
    }

    /// Whether the next word (after blanks) is the `activity` keyword.
    private func followsQueryKeyword() -> Bool {
        var i = index
        while i < bytes.count, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 }
        let keyword = Array("activity".utf8)
        guard i + keyword.count <= bytes.count, bytes[i..<(i + keyword.count)].elementsEqual(keyword, by: { $0 | 0x20 == $1 }) else { return false }
        return i + keyword.count == bytes.count || !isIdentifierContinue(bytes[i + keyword.count])
    }

    /// A whitespace-delimited word; quoted parts may contain spaces and `|`.
    private mutating func word(_ kind: Token.Kind) {
        let start = location
        var inQuotes = false
        while let b = peek() {
            if inQuotes {
                if b == UInt8(ascii: "\\"), peek(1) != nil { advance() } else if b == UInt8(ascii: "\"") { inQuotes = false }
                advance()
                continue
            }
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\n")
                || (b == UInt8(ascii: "|") && kind == .qualifier) || b == UInt8(ascii: ";")
            {
                break
            }
            if b == UInt8(ascii: "#") && index > start.offset && isSpace(bytes[index - 1]) { break }
            if b == UInt8(ascii: "\"") { inQuotes = true }
            advance()
        }
        if inQuotes {
            diagnostics.append(.error("unterminated string", at: span(from: start), help: "close it with '\"'"))
        }
        return token(kind, from: start)
    }

    private mutating func expressionToken() {
        let start = location
        let byte = peek()!
        if isIdentifierStart(byte) { return identifier() }
        if isDigit(byte) { return number() }
        advance()
        switch byte {
        case UInt8(ascii: "\""):
            index = start.offset; line = start.line; column = start.column
            return string()
        case UInt8(ascii: "$"):
            skipIdentifierCharacters()
            let name = text(fromOffset: start.offset + 1)  // without the '$'
            if name.isEmpty {
                diagnostics.append(.error("'$' must be followed by a variable name", at: span(from: start)))
            }
            return token(.variable, text: name, from: start)
        case UInt8(ascii: "("): nesting += 1; return token(.leftParen, from: start)
        case UInt8(ascii: ")"): nesting = max(0, nesting - 1); return token(.rightParen, from: start)
        case UInt8(ascii: "["): nesting += 1; return token(.leftBracket, from: start)
        case UInt8(ascii: "]"): nesting = max(0, nesting - 1); return token(.rightBracket, from: start)
        case UInt8(ascii: ","): return token(.comma, from: start)
        case UInt8(ascii: "."): return token(.dot, from: start)
        case UInt8(ascii: "~"): return token(.tilde, from: start)
        case UInt8(ascii: "="):
            if peek() == UInt8(ascii: "=") { advance(); return token(.equal, from: start) }
            if peek() == UInt8(ascii: "~") { advance(); return token(.match, from: start) }
            if expectsAssignment && nesting == 0 {
                expectsAssignment = false
                // `let NAME = activity …`: the value is a query, lexed as one.
                mode = assignmentIsLet && followsQueryKeyword() ? .head : .rawWords
                return token(.assign, from: start)
            }
            return token(.equal, from: start)
        case UInt8(ascii: "!"):
            if peek() == UInt8(ascii: "=") { advance(); return token(.notEqual, from: start) }
            if peek() == UInt8(ascii: "~") { advance(); return token(.notMatch, from: start) }
        case UInt8(ascii: "'"):
            return singleQuoted(from: start)
        case UInt8(ascii: "<"):
            if peek() == UInt8(ascii: "=") { advance(); return token(.lessEqual, from: start) }
            if peek() == UInt8(ascii: ">") {
                // SQL's "not equal": say what this language writes, and read on as if it were that.
                advance()
                diagnostics.append(.error("'<>' is not an operator", at: span(from: start), help: "write != for 'not equal'"))
                return token(.notEqual, text: "!=", from: start)
            }
            return token(.less, from: start)
        case UInt8(ascii: ">"):
            if peek() == UInt8(ascii: "=") { advance(); return token(.greaterEqual, from: start) }
            return token(.greater, from: start)
        default:
            break
        }
        // Skip the rest of a multi-byte character so the message names all of it.
        while let b = peek(), b & 0xC0 == 0x80 { advance() }
        let bad = text(from: start)
        diagnostics.append(.error("unexpected character '\(Self.printable(bad))'", at: span(from: start)))
        return next()
    }

    /// `'text'` (the opening quote already taken): strings are double-quoted, so this is an
    /// error, reported once over the whole quoted text; it reads on as that string.
    private mutating func singleQuoted(from start: SourceLocation) {
        let bodyStart = index
        while let b = peek(), b != UInt8(ascii: "'"), b != UInt8(ascii: "\n") { advance() }
        let body = text(fromOffset: bodyStart)
        if peek() == UInt8(ascii: "'") { advance() }
        diagnostics.append(.error("strings take double quotes, not single quotes", at: span(from: start),
                                  help: "write \"\(Self.printable(body))\""))
        return token(.string, text: body, from: start)
    }

    /// A digit-initial run: integers, decimals, durations (`7d`, `30min`), dates and times.
    private mutating func number() {
        let start = location
        // Every byte taken is ASCII and not a newline: the column moves by the byte count.
        var i = index
        while i < bytes.count {
            let b = bytes[i]
            if isDigit(b) || isLetter(b) || b == UInt8(ascii: ":") || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") {
                i += 1
            } else if b == UInt8(ascii: "."), i + 1 < bytes.count, isDigit(bytes[i + 1]) {
                i += 1
            } else {
                break
            }
        }
        column += i - index
        index = i
        return token(.number, from: start)
    }

    /// A double-quoted string; escapes are ``StringEscapes``'.
    private mutating func string() {
        let start = location
        advance()  // opening quote
        let bodyStart = index
        while let b = peek(), b != UInt8(ascii: "\"") {
            advance()
            if b == UInt8(ascii: "\\"), peek() != nil { advance() }
        }
        let body = String(decoding: bytes[bodyStart..<index], as: UTF8.self)
        guard peek() == UInt8(ascii: "\"") else {
            diagnostics.append(.error("unterminated string", at: span(from: start), help: "close it with '\"'"))
            return token(.string, text: body, from: start)
        }
        advance()
        switch StringEscapes.unescape(Substring(body)) {
        case .success(let value):
            return token(.string, text: value, from: start)
        case .failure(let failure):
            var escapeStart = start
            escapeStart.column += 1 + failure.offset
            escapeStart.offset = bodyStart + body.unicodeScalars.prefix(failure.offset).reduce(0) { $0 + UTF8.width($1) }
            var escapeEnd = escapeStart
            escapeEnd.column += failure.length
            escapeEnd.offset += failure.length
            diagnostics.append(.error(failure.message, at: SourceSpan(start: escapeStart, end: escapeEnd), help: failure.help))
            return token(.string, text: body, from: start)
        }
    }

    // MARK: - Character classes

    private func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }
    private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    private func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 97 && (b | 0x20) <= 122 }
    private func isIdentifierStart(_ b: UInt8) -> Bool { isLetter(b) || b == UInt8(ascii: "_") }
    private func isIdentifierContinue(_ b: UInt8) -> Bool {
        // [0-9A-Z_a-z] as bitmaps of bytes 0–63 and 64–127: one test instead of five comparisons.
        let digits: UInt64 = 0x03FF_0000_0000_0000
        let lettersAndUnderscore: UInt64 = 0x07FF_FFFE_87FF_FFFE
        if b < 64 { return (digits >> b) & 1 == 1 }
        if b < 128 { return (lettersAndUnderscore >> (b - 64)) & 1 == 1 }
        return false
    }

    /// Control characters (C0, DEL, C1) and bidi/line-separator controls shown as `\u{…}`
    /// escapes, so a message never carries raw terminal codes or reorders what follows.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if isSafeToPrint(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return out
    }

    static func isSafeToPrint(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return !(v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || (0x202A...0x202E).contains(v)
                 || (0x2066...0x2069).contains(v) || v == 0x2028 || v == 0x2029 || v == 0x200E || v == 0x200F || v == 0x061C)
    }
}
