import Foundation

/// The v1 activity API (the API the project was specified against): positional URL segments
/// filled with `all`, the key in the path, "PST" timestamps, at most 100 items a call paged
/// backwards by `end_ts`, HTTP Basic auth with the SHA-1 of the password, and
/// `{"status":"failure","error":"…"}` error bodies.
public struct V1Backend: Backend {
    public typealias Calls = V1Plan

    public var baseURL: URL
    public var apiKey: String
    public var credentials: BasicCredentials?
    public var convention: TimestampConvention

    /// v1 puts its API key in every path, after the method (`…/activity/user.json/KEY/justin`).
    public static let urlPathSecrets = [URLPathSecret(marker: ".json/", label: "<key>", name: "the API key")]

    public init(baseURL: URL, apiKey: String, credentials: BasicCredentials? = nil, convention: TimestampConvention = .pacific) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.credentials = credentials
        self.convention = convention
    }

    public var schema: any ItemSchema { V1ItemSchema(convention: convention) }

    public func plan(_ query: CheckedQuery, source: String) throws(TraktQLError) -> Plan {
        // `me` is v2's name for the logged-in account; v1 names users only by username.
        if let users = query.users, users.values.contains(where: { ASCIICase.equals($0, "me") }) {
            throw .query(diagnostics: [.error("v1 has no 'me': it names users by their username", at: users.origin.span,
                                              help: "write your username (user:justin), or use --api v2, where user:me is the logged-in account")], source: source)
        }
        return V1Planner.plan(query, by: self, source: source)
    }

    /// v1's 404 for a fan-out names only the first unknown user: the server's catalog, when it
    /// has one, names every unknown show, movie and user before any call.
    public var checksNamesWithServerCatalog: Bool { true }

    public func execute(_ v1: V1Plan, of plan: Plan, in session: ExecutionSession) async throws(TraktQLError) -> QueryResult {
        let pagers = v1.calls.map { V1CallPager($0, base: baseURL, apiKey: apiKey, credentials: credentials, convention: v1.convention) }
        let key = apiKey
        let executor = Executor(session: session, schema: V1ItemSchema(convention: v1.convention),
                                redact: { Redactor.redactingPathKeys(in: $0, key: key) })
        do {
            return try await executor.run(plan, pagers: pagers)
        } catch {
            throw await withRemedy(error.error, plan: v1, session: session)
        }
    }

    /// An error with what the user can do about it.
    private func withRemedy(_ error: TraktQLError, plan: V1Plan, session: ExecutionSession) async -> TraktQLError {
        // A fan-out stops at the first 404: name every user the server does not have.
        if case .api(404, _, _) = error, let missing = await usersNotFound(in: plan, session: session), missing.count > 1 {
            return .api(status: 404, message: "users not found: " + missing.map { "'\($0)'" }.joined(separator: ", "),
                        call: "\(plan.calls.count) calls to \(plan.calls[0].endpoint.name), one per user")
        }
        // The streams that need auth answer 401 to anonymous calls: say what to do.
        if case .api(401, let message, let call) = error, credentials == nil,
           let endpoint = plan.calls.first?.endpoint, endpoint.auth == .required {
            return .api(status: 401, message: message + " (\(endpoint.name) needs your Trakt username and password: "
                        + "--username/--password or TRAKT_USERNAME/TRAKT_PASSWORD)", call: call)
        }
        return error
    }

    /// The users of a fan-out whose calls the server answers 404 (each call's first page asked
    /// again, within the session's concurrency limit); nil for a plan that is not one call per user.
    private func usersNotFound(in plan: V1Plan, session: ExecutionSession) async -> [String]? {
        let users = plan.calls.compactMap { call in call.segments.first { $0.segment == .username }?.value }
        guard plan.calls.count > 1, users.count == plan.calls.count else { return nil }
        let transport = session.transport, limiter = session.limiter, base = baseURL, key = apiKey
        let notFound = await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, call) in plan.calls.enumerated() {
                group.addTask {
                    guard let url = call.url(base: base, apiKey: key),
                          let response = try? await limiter.withPermit({ try await transport.send(HTTPRequest(url: url)) })
                    else { return (index, false) }
                    return (index, response.status == 404)
                }
            }
            var found = [Bool](repeating: false, count: plan.calls.count)
            for await (index, missing) in group { found[index] = missing }
            return found
        }
        return zip(users, notFound).filter(\.1).map(\.0)
    }
}
