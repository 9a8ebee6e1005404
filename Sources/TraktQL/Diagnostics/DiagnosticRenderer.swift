/// Renders diagnostics like a compiler: the message, the location, the source line, a caret
/// under the span and the hint.
///
/// ```
/// error: unknown qualifier 'sesaon'
///  --> 1:32
///   |
/// 1 | activity show:the-walking-dead sesaon:1
///   |                                ^^^^^^
///   = help: did you mean 'season'?
/// ```
public struct DiagnosticRenderer: Sendable {
    /// Shown before `line:column` (a script's path), or nothing for typed input.
    public var fileName: String?
    public var colors: Bool
    /// Added to every line number: a statement read from line 12 of a file starts at 12.
    public var lineOffset: Int

    public init(fileName: String? = nil, colors: Bool = false, lineOffset: Int = 0) {
        self.fileName = fileName
        self.colors = colors
        self.lineOffset = lineOffset
    }

    /// More problems than this are summarised in one line: after a few, the rest are noise.
    public static let maximumShown = 20

    public func render(_ diagnostics: [Diagnostic], source: String) -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        var out = diagnostics.prefix(Self.maximumShown).map { render($0, lines: lines) }.joined(separator: "\n")
        if diagnostics.count > Self.maximumShown {
            out += "\n… and \(diagnostics.count - Self.maximumShown) more errors\n"
        }
        return out
    }

    private func render(_ diagnostic: Diagnostic, lines: [Substring]) -> String {
        let start = diagnostic.span.start
        let lineNumber = start.line + lineOffset
        let gutter = String(repeating: " ", count: String(lineNumber).count)
        let label = diagnostic.severity == .error ? paint("error", "1;31") : paint("warning", "1;33")
        var out = "\(label): \(paint(Lexer.printable(diagnostic.message), "1"))\n"
        out += "\(gutter)\(paint("-->", "34")) \(fileName.map { "\($0):" } ?? "")\(lineNumber):\(start.column)\n"
        if start.line - 1 < lines.count {
            var sourceLine = String(lines[start.line - 1])
            if sourceLine.hasSuffix("\r") { sourceLine.removeLast() }
            let (shown, caretStart, caretWidth) = window(sourceLine, column: start.column, span: diagnostic.span)
            out += "\(gutter) \(paint("|", "34"))\n"
            out += "\(paint(String(lineNumber), "34")) \(paint("|", "34")) \(shown)\n"
            out += "\(gutter) \(paint("|", "34")) \(String(repeating: " ", count: caretStart))\(paint(String(repeating: "^", count: caretWidth), "1;31"))\n"
        }
        if let help = diagnostic.help {
            out += "\(gutter) \(paint("= help:", "1;36")) \(Lexer.printable(help))\n"
        }
        return out
    }

    /// The line as shown (control characters escaped, long lines cut around the span), the
    /// caret's display column, and its width.
    private func window(_ line: String, column: Int, span: SourceSpan) -> (String, Int, Int) {
        // Columns count Unicode scalars (as the lexer does), so the window does too.
        let scalars = Array(line.unicodeScalars)
        let startIndex = min(max(0, column - 1), scalars.count)
        var width = 1
        if span.start.line == span.end.line {
            width = max(1, span.end.column - span.start.column)
        } else {
            width = max(1, scalars.count - startIndex)
        }
        let maximum = 100
        var from = 0
        var shown = ""
        var caret = 0
        if startIndex > maximum - 20 {
            from = startIndex - 40
            shown = "…"
            caret = 1
        }
        let to = min(scalars.count, from + maximum)
        var shownWidth = caret
        for i in from..<to {
            let scalar = scalars[i]
            // Tabs print as one space so the caret lines up; other controls as visible escapes.
            var piece: String
            if scalar == "\t" {
                piece = " "
            } else if Lexer.isSafeToPrint(scalar) {
                piece = String(scalar)
            } else {
                piece = Lexer.printable(String(scalar))
            }
            let pieceWidth = piece.unicodeScalars.count
            if i < startIndex { caret += pieceWidth }
            shownWidth += pieceWidth
            shown += piece
        }
        if to < scalars.count {
            shown += "…"
            shownWidth += 1
        }
        width = min(width, max(1, shownWidth - caret))
        return (shown, caret, width)
    }

    private func paint(_ text: String, _ code: String) -> String {
        colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
