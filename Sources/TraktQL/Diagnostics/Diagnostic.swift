/// A problem found in query text, with the span it concerns and an optional hint.
///
/// Every stage (lexer, parser, checker) reports problems as diagnostics; ``DiagnosticRenderer``
/// is the one place that turns them into text.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public var severity: Severity
    public var message: String
    public var span: SourceSpan
    /// A suggestion shown as `help: …`, such as "did you mean 'season'?".
    public var help: String?

    public init(_ severity: Severity = .error, _ message: String, at span: SourceSpan, help: String? = nil) {
        self.severity = severity
        self.message = message
        self.span = span
        self.help = help
    }

    static func error(_ message: String, at span: SourceSpan, help: String? = nil) -> Diagnostic {
        Diagnostic(.error, message, at: span, help: help)
    }

    /// `line:column: error: message`, one line, for logs and tests.
    public var description: String {
        "\(span.start): \(severity.rawValue): \(message)" + (help.map { " (help: \($0))" } ?? "")
    }
}
