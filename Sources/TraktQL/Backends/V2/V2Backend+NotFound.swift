import Foundation

extension V2Backend {
    /// v2 has no catalog to check names against first: its 404 for the user, show or movie a
    /// call was made for points at that name in the statement (a literal, or the `$variable`
    /// that holds it), with the call as the hint and, where ``closestNames(to:kind:in:)`` finds
    /// some, the names the server has that are close to it. The call carries its name
    /// (``CallFailure/subject``): the server's message is shown, never searched, so a bare 404
    /// points there too. Any other failure is reported as it is.
    func pointing(_ failure: CallFailure, at names: [NamedValue], source: String, in session: ExecutionSession) async -> TraktQLError {
        guard case .api(404, let reply, let call) = failure.error, let named = failure.named(in: names) else { return failure.error }
        // The server's own words ("user 'x' not found"); for a bare 404, ours.
        let what = named.key == .user ? "user" : named.key == .movie ? "movie" : "show"
        let message = reply == HTTPStatus.reason(404) ? "no \(what) '\(Lexer.printable(named.name))' on the server" : reply
        let answered = call.isEmpty ? nil : "the API answered 404 to \(call)"
        let closest = await closestNames(to: named.name, kind: named.key, in: session)
        let suggestion = closest.isEmpty ? nil : "did you mean " + closest.map { "'\($0)'" }.joined(separator: " or ") + "?"
        let help = [suggestion, answered].compactMap { $0 }.joined(separator: " (") + (suggestion != nil && answered != nil ? ")" : "")
        return .notFound(diagnostics: [.error(message, at: named.span, help: help.isEmpty ? nil : help)], source: source)
    }
}
