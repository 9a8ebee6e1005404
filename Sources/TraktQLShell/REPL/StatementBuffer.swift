import TraktQL

/// Collects the lines of one REPL entry until the statement is complete.
///
/// A statement is complete at the end of a line unless
/// - it ends with `|` (the next line holds the stage; it is joined with a space),
/// - a string, parenthesis or bracket is still open (the parser reports an unterminated
///   string, or an expected `)` / `]` at the end of input; joined with a newline), or
/// - the line ends with a backslash (the backslash is dropped; joined with a space).
///
/// A first line starting with `|` is refused: it would otherwise run as a statement of its own.
struct StatementBuffer {
    enum Verdict: Equatable {
        /// Nothing but blanks or comments: show the prompt again.
        case empty
        /// Keep reading with the continuation prompt.
        case needsMore
        /// The statement text to run.
        case complete(String)
        /// A first line that starts with `|`.
        case strayPipe
    }

    /// The text so far (lines joined as described above).
    private(set) var text = ""
    private var separator = "\n"

    var isEmpty: Bool { text.isEmpty }

    mutating func reset() {
        text = ""
        separator = "\n"
    }

    mutating func add(_ line: String) -> Verdict {
        var line = line
        if text.isEmpty {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.first == "|" { return .strayPipe }
            if Self.isBlank(line) { return .empty }
        }
        var backslash = false
        let trailing = line.reversed().prefix { $0 == " " || $0 == "\t" }.count
        if line.dropLast(trailing).last == "\\" {
            line = String(line.dropLast(trailing + 1))
            backslash = true
        }
        text += text.isEmpty ? line : separator + line
        if backslash {
            separator = " "
            return .needsMore
        }
        switch Self.openness(of: text) {
        case .endsWithPipe:
            separator = " "
            return .needsMore
        case .open:
            separator = "\n"
            return .needsMore
        case .complete:
            let done = text
            reset()
            return Self.isBlank(done) ? .empty : .complete(done)
        }
    }

    enum Openness {
        case complete, endsWithPipe, open
    }

    /// Whether `text` is a finished statement, by the lexer (a trailing `|`, an unclosed
    /// parenthesis or bracket) and the parser (an unterminated string, or an expected `)` or `]`
    /// at the end of input).
    static func openness(of text: String) -> Openness {
        var lexer = Lexer(text)
        let tokens = lexer.tokenize().filter { $0.kind != .endOfInput }
        if tokens.last?.kind == .pipe { return .endsWithPipe }
        // Still inside ( or [ of an expression (the lexer already reads newlines there as space).
        var depth = 0
        for token in tokens {
            switch token.kind {
            case .leftParen, .leftBracket: depth += 1
            case .rightParen, .rightBracket: depth = max(0, depth - 1)
            case .statementEnd: depth = 0
            default: break
            }
        }
        if depth > 0 { return .open }
        let end = text.utf8.count
        for diagnostic in Parser.parse(text).diagnostics {
            if diagnostic.message.hasPrefix("unterminated string") && diagnostic.span.end.offset >= end { return .open }
            if (diagnostic.message.hasPrefix("expected ')'") || diagnostic.message.hasPrefix("expected ']'"))
                && diagnostic.message.hasSuffix("found end of input")
            {
                return .open
            }
        }
        return .complete
    }

    /// Blank or only comments: the lexer finds nothing in it.
    static func isBlank(_ text: String) -> Bool {
        var lexer = Lexer(text)
        return lexer.tokenize().allSatisfy { $0.kind == .endOfInput || $0.kind == .statementEnd }
    }

    /// The statement on one line when that means the same (newlines inside parentheses are
    /// only space); otherwise unchanged (a comment or a string spanning lines). History keeps
    /// this form, so Up recalls a runnable single line.
    static func compact(_ text: String) -> String {
        guard text.contains("\n") else { return text }
        let oneLine = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingSpaces }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
        func shape(_ s: String) -> [String] {
            var lexer = Lexer(s)
            return lexer.tokenize().map { "\($0.kind)\u{0}\($0.text)" }
        }
        return shape(oneLine) == shape(text) ? oneLine : text
    }
}

extension Substring {
    var trimmingSpaces: String {
        let start = firstIndex { $0 != " " && $0 != "\t" && $0 != "\r" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" && $0 != "\r" }.map { index(after: $0) } ?? start
        return start < end ? String(self[start..<end]) : ""
    }
}
