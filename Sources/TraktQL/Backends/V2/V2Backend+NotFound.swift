import Foundation

extension V2Backend {
    /// v2 names things through its own routes (`me`, slugs looked up, 404s that say which): its
    /// 404 for a user, show or movie the query names points at that value.
    public func explained(_ error: TraktQLError, running query: Query, source: String, variables: [String: QualifierValue],
                          in session: ExecutionSession) async -> TraktQLError {
        await Self.pointingAtTheNamedValue(error, in: query, source: source, variables: variables) { key, name in
            await closestNames(to: name, kind: key, in: session)
        }
    }

    /// The API's 404 for a user, show or movie the query names ("user 'x' not found", which v2
    /// says where v1 has the catalog check) points at that value, with the call as the hint and,
    /// where `closest` knows some, the names the server has that are close to it.
    /// A `$variable` points there when one of its values is the one named.
    static func pointingAtTheNamedValue(_ error: TraktQLError, in query: Query, source: String,
                                        variables: [String: QualifierValue] = [:],
                                        closest: (QualifierKey, String) async -> [String] = { _, _ in [] }) async -> TraktQLError {
        guard case .api(404, let message, let call) = error else { return error }
        for qualifier in query.qualifiers where !qualifier.negated {
            guard let key = QualifierKey(spelling: qualifier.key.name), [.user, .show, .movie].contains(key), let value = qualifier.value else { continue }
            for (name, span) in ServerCatalog.names(in: value, variables: variables) where message.contains("'\(name)'") {
                let answered = call.isEmpty ? nil : "the API answered 404 to \(call)"
                let names = await closest(key, name)
                let suggestion = names.isEmpty ? nil : "did you mean " + names.map { "'\($0)'" }.joined(separator: " or ") + "?"
                let help = [suggestion, answered].compactMap { $0 }.joined(separator: " (") + (suggestion != nil && answered != nil ? ")" : "")
                return .notFound(diagnostics: [.error(message, at: span, help: help.isEmpty ? nil : help)], source: source)
            }
        }
        return error
    }
}
