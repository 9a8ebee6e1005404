import Foundation

/// Trakt API v2: JSON over HTTPS with `trakt-api-version: 2`, the app's client id as
/// `trakt-api-key`, an OAuth bearer token for 🔒 routes and `me`, ISO 8601 times, pages by
/// number with `X-Pagination-*` headers, and a rate limit (429, `Retry-After`).
///
/// Before the calls, the backend resolves what the plan left open: slugs to trakt ids
/// (`/shows/{slug}`, cached for the session in the response cache), `me` to a username
/// (`/users/settings`), and for `item_added` each list of the user (`/users/{id}/lists`).
public struct V2Backend: Backend {
    public typealias Calls = V2Plan

    public var baseURL: URL
    public var credentials: V2Credentials
    /// Shared by the statements of a session (the engine keeps one).
    let budget: V2RateBudget
    /// Hosts besides loopback that may get the token over plain http (see
    /// ``EngineConfiguration/plainHTTPSecretHosts``).
    public var plainHTTPHosts: Set<String> = []

    public init(baseURL: URL, credentials: V2Credentials) {
        self.init(baseURL: baseURL, credentials: credentials, budget: V2RateBudget())
    }

    init(baseURL: URL, credentials: V2Credentials, budget: V2RateBudget) {
        self.baseURL = baseURL
        self.credentials = credentials
        self.budget = budget
    }

    /// `me` is the logged-in user (`/users/settings` names them).
    public var accountAliases: [String] { ["me"] }

    public var schema: any ItemSchema { V2ItemSchema() }

    public func plan(_ query: CheckedQuery, source: String) throws(TraktQLError) -> Plan {
        try V2Planner.plan(query, by: self, source: source)
    }

    var base: String {
        var text = baseURL.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// Runs the plan; a 404 for a show, movie or user the query names points at that name
    /// (``V2Backend/pointing(_:at:source:in:)``).
    public func execute(_ v2: V2Plan, of plan: Plan, in session: ExecutionSession) async throws(TraktQLError) -> QueryResult {
        do throws(CallFailure) {
            return try await run(v2, of: plan, in: session)
        } catch {
            throw await pointing(error, at: v2.names, source: plan.source, in: session)
        }
    }

    private func run(_ v2: V2Plan, of plan: Plan, in session: ExecutionSession) async throws(CallFailure) -> QueryResult {
        guard !credentials.clientID.isEmpty else {
            throw CallFailure(.usage("Trakt API v2 needs your app's client id: --client-id or TRAKT_CLIENT_ID (register an app at https://trakt.tv/oauth/applications)"))
        }
        let token: String?
        do throws(TraktQLError) {
            token = try await credentials.bearer?.accessToken()
        } catch {
            throw CallFailure(error)
        }
        if let token, !token.isEmpty, !plainHTTPHosts.contains(baseURL.host ?? ""), let refusal = V2Auth.refusal(toSendSecretsTo: baseURL) {
            throw CallFailure(.usage(refusal))
        }
        if token == nil, v2.calls.contains(where: \.needsToken) {
            let why = await credentials.bearer?.missingLoginReason
            throw CallFailure(.api(status: 401, message: "user:me needs you to be logged in\(why.map { " (\($0))" } ?? ""): run `\(OAuthError.loginCommand)` (or set TRAKT_ACCESS_TOKEN)",
                                   call: v2.calls.first { $0.needsToken }.map { "GET " + $0.shownPath } ?? ""))
        }
        let auth = V2Auth(clientID: credentials.clientID, token: token)
        var session = session
        session.transport = V2RateLimitedTransport(base: session.transport, budget: budget, progress: session.progress,
                                                   deadline: session.deadline, timeout: session.timeout)
        let redactor = Redactor(apiKey: credentials.clientID, tokens: [token, credentials.clientSecret].compactMap { $0 })

        var lookups = Lookups(base: base, auth: auth, session: session)
        var pagers: [any CallPager] = []
        for call in v2.calls {
            guard try await lookups.resolve(call) else { continue }
            var context = V2Item.Context(username: call.username, subjectType: call.subjectType,
                                         subject: call.subjectSlug.map { .object([("ids", .object([("slug", .string($0))]))]) },
                                         episode: call.subjectEpisode)
            if call.needsToken { context.username = try await lookups.me() }
            if let subject = try await lookups.subject(of: call) { context.subject = subject }
            if call.pieces.contains(.eachList) {
                for list in try await lookups.lists(of: call) {
                    guard let id = list["ids"]?["trakt"]?.intValue, let path = call.path(ids: lookups.ids, list: String(id)) else { continue }
                    var each = context
                    each.subject = list
                    pagers.append(V2CallPager(call, path: path, base: base, auth: auth, pageLimit: v2.pageLimit, context: each))
                }
                continue
            }
            guard let path = call.path(ids: lookups.ids) else { throw CallFailure(.usage("cannot build the path of \(call.shownPath)")) }
            pagers.append(V2CallPager(call, path: path, base: base, auth: auth, pageLimit: v2.pageLimit, context: context))
        }
        // No calls left (a season the server does not have): the stages still run, over nothing.
        let executor = Executor(session: session, schema: V2ItemSchema(), redact: { redactor.redact($0) })
        var result = try await executor.run(plan, pagers: pagers)
        result.calls += lookups.calls
        result.cachedCalls += lookups.cached
        return result
    }
}
