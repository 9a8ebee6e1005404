/// `user:` over a saved file. A file's rows belong to the user the file names (an export's
/// profile); `me` is that user. Where neither the file nor its items name a user (a history
/// array saved from `/users/{id}/history` does not repeat the username), `user:` cannot be
/// checked: that is an error at the qualifier, never an empty answer.
extension LocalExecutor {
    /// `plan` with `me` bound to the file's user, or the error that says why `user:` cannot be
    /// answered from this file. `items` are the file's items when they are in memory (v2).
    static func bindingUsers(in plan: Plan, fileUser: String?, items: [Value]?, schema: any ItemSchema, name: String) throws(TraktQLError) -> Plan {
        var plan = plan
        for index in plan.residual.indices {
            guard case .users(var filter) = plan.residual[index] else { continue }
            if filter.values.contains(where: { ASCIICase.equals($0, "me") }) {
                guard let fileUser else {
                    throw .query(diagnostics: [.error(
                        "'me' is the logged-in account, and \(name) names no account", at: filter.origin.span,
                        help: "write the username (user:justin); an export file with a profile makes 'me' its user")], source: plan.source)
                }
                filter.values = filter.values.map { ASCIICase.equals($0, "me") ? fileUser : $0 }
                plan.residual[index] = .users(filter)
            }
            guard fileUser == nil, let items else { continue }
            if let anonymous = items.first(where: { schema.who($0).stringValue == nil }) {
                let kind = schema.type(of: anonymous).map { "\($0) " } ?? ""
                throw .query(diagnostics: [.error(
                    "\(filter.origin.text) cannot be checked: the \(kind)items of \(name) name no user (a v2 history, ratings or watchlist array is one account's data and does not repeat the username)",
                    at: filter.origin.span,
                    help: "remove \(filter.origin.text) to query the whole file, or read an export whose profile names the user")], source: plan.source)
            }
        }
        return plan
    }
}
