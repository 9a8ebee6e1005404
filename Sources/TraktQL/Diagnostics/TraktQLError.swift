/// Every error the engine reports to its caller.
///
/// Query problems carry their diagnostics (with spans) and the source they refer to, so a
/// caller can render them with ``DiagnosticRenderer``; the rest carry a message that never
/// contains the API key or password.
public enum TraktQLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The statement could not be parsed or checked. Exit code 3.
    case query(diagnostics: [Diagnostic], source: String)
    /// The query names a show, movie or user that the server does not have, as its catalog
    /// says (``ServerCatalog``); the diagnostics point at each name, with a "did you mean".
    /// Exit code 2, like the API's own 404 for an unknown user: the server's answer, not the
    /// query's form, is what is wrong.
    case notFound(diagnostics: [Diagnostic], source: String)
    /// The API answered with an error, in its own words (`invalid API key`). Exit code 2.
    case api(status: Int, message: String, call: String)
    /// The server could not be reached, timed out, or sent a body that is not valid JSON. Exit code 2.
    case network(message: String, call: String)
    /// The caller asked for something impossible outside query text (a bad flag value, an
    /// unreadable file). Exit code 1.
    case usage(String)

    /// The process exit code a command-line tool should use for this error.
    public var exitCode: Int32 {
        switch self {
        case .query: return 3
        case .notFound, .api, .network: return 2
        case .usage: return 1
        }
    }

    public var description: String {
        switch self {
        case .query(let diagnostics, let source), .notFound(let diagnostics, let source):
            return DiagnosticRenderer().render(diagnostics, source: source)
        case .api(let status, let message, let call):
            return "error: the API answered \(status): \(TerminalSafety.sanitize(message))" + Self.callLine(call)
        case .network(let message, let call):
            return "error: \(TerminalSafety.sanitize(message))" + Self.callLine(call)
        case .usage(let message):
            return "error: \(TerminalSafety.sanitizeKeepingLines(message))"
        }
    }

    /// Server text is sanitised when shown (``TerminalSafety``); the call is ours but holds
    /// user-typed slugs, so it is too.
    private static func callLine(_ call: String) -> String {
        call.isEmpty ? "" : "\n  in \(TerminalSafety.sanitize(call))"
    }

    /// The same error with every secret `redactor` knows (and every credential-shaped text)
    /// removed from its messages. Query diagnostics are left alone: their spans point into
    /// the source, which is the user's own text.
    public func redacted(by redactor: Redactor) -> TraktQLError {
        switch self {
        case .query, .notFound: return self
        case .api(let status, let message, let call): return .api(status: status, message: redactor.redact(message), call: redactor.redact(call))
        case .network(let message, let call): return .network(message: redactor.redact(message), call: redactor.redact(call))
        case .usage(let message): return .usage(redactor.redact(message))
        }
    }
}
