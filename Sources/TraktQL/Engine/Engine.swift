import Foundation

/// Runs traktql statements against a v1 API server: the library's front door.
///
/// An engine is one session: it keeps settings (`set`), variables (`let`) and a response cache
/// between statements.
///
/// ```swift
/// var configuration = EngineConfiguration(apiURL: serverURL, apiKey: "my-key")
/// configuration.transport = CurlTransport.retrying(for: configuration)  // import TraktQLCurl
/// let engine = Engine(configuration: configuration)
/// let result = try await engine.run("activity show:the-walking-dead season:1 since:30d | select time, who, sxe | limit 5")
/// for row in result.rows {
///     print(row.map(\.description).joined(separator: "  "))
/// }
/// ```
public actor Engine {
    public nonisolated let configuration: EngineConfiguration
    public private(set) var settings: Settings
    public private(set) var variables: [String: QualifierValue] = [:]
    /// The variables that hold a query's answer (`let seen = activity …`).
    public private(set) var results: [String: VariableResult] = [:]
    private let cache = ResponseCache()
    private let transport: any HTTPTransport
    private let limiter: ConcurrencyLimiter
    /// The v2 rate limit as this session has met it (shared by its statements).
    private let rateBudget = V2RateBudget()
    /// Standard input can be read once, by the first query over `--input -`.
    var standardInputConsumed = false

    public init(configuration: EngineConfiguration) {
        self.configuration = configuration
        self.settings = configuration.settings
        self.limiter = ConcurrencyLimiter(limit: max(1, configuration.maximumConcurrentCalls))
        // The library has no HTTP client of its own (Foundation only): without one, statements
        // that call the API fail with the reason. Credentials are not the transport's: the
        // backend attaches them to the calls that need them (``V1Auth``).
        self.transport = configuration.transport ?? UnconfiguredTransport()
    }

    /// Runs every statement of `text` and returns the last query's result (an empty result
    /// when there is none). The first error stops the run.
    @discardableResult
    public func run(_ text: String) async throws(TraktQLError) -> QueryResult {
        let script = try QueryCompiler.parse(text)
        var last = QueryResult(columns: [], rows: [], items: nil, warnings: [], calls: 0, cachedCalls: 0)
        for statement in script.statements {
            if case .rows(let result) = try await execute(statement, source: text) { last = result }
        }
        return last
    }

    /// Runs one parsed statement. `source` is the text its spans point into.
    public func execute(_ statement: Statement, source: String) async throws(TraktQLError) -> StatementOutcome {
        switch statement.kind {
        case .query(let query):
            let plan = try compile(query, source: source)
            return .rows(try await execute(plan, checkingNamesIn: (query, source)))
        case .explain(let query):
            return .plan(try compile(query, source: source))
        case .let(let name, let value):
            variables[name.name] = value
            results[name.name] = nil
            return .defined(variable: name.name)
        case .letQuery(let name, let query):
            let result = try await answer(query, for: name, source: source)
            results[name.name] = result
            variables[name.name] = nil
            return .defined(variable: name.name)
        case .set(let name, let value):
            let text = value.terms.count == 1 ? (Self.scalarText(value.terms[0]) ?? Printer.print(value)) : Printer.print(value)
            if let failure = settings.apply(name: name.name, value: text) {
                let span = failure.message.hasPrefix("unknown setting") ? name.span : value.span
                throw .query(diagnostics: [.error(failure.message, at: span, help: failure.help)], source: source)
            }
            return .set(name: name.name.lowercased(), value: settings.value(of: name.name.lowercased()) ?? text)
        case .meta(let name, let arguments):
            return .meta(name: name.name, arguments: arguments.map(\.name))
        }
    }

    /// Runs the query of `let NAME = activity …` and keeps its one column: every value, or an
    /// error that says why the answer cannot be a variable (several columns, a partial answer,
    /// more than ``VariableResult/maximumValues`` values).
    private func answer(_ query: Query, for name: Identifier, source: String) async throws(TraktQLError) -> VariableResult {
        let plan = try compile(query, source: source)
        let result = try await execute(plan, checkingNamesIn: (query, source))
        func refuse(_ message: String, help: String) -> TraktQLError {
            .query(diagnostics: [.error(message, at: query.span, help: help)], source: source)
        }
        guard result.items == nil, result.columns.count == 1 else {
            throw refuse("$\(name.name) holds one column, but this query's answer has \(result.items != nil ? "whole items" : "\(result.columns.count) columns")",
                         help: "end the query with '| distinct FIELD' (each value once) or '| select FIELD'")
        }
        guard !result.isPartial, !result.isIncomplete else {
            throw refuse("$\(name.name) would hold part of the answer: \(result.warnings.first ?? "the API's answer was cut short")",
                         help: "read the whole answer: '| distinct FIELD' and '| limit all' page through everything (raise 'set max_pages' if needed)")
        }
        guard result.rows.count <= VariableResult.maximumValues else {
            throw refuse("$\(name.name) would hold \(result.rows.count) values; a variable holds at most \(VariableResult.maximumValues)",
                         help: "narrow the query (since:, type:, a where), or use '| distinct FIELD' so each value counts once")
        }
        return VariableResult(values: result.rows.map { $0[0] }, kind: plan.resultColumnKinds?.first ?? .any, column: result.columns[0],
                              query: Printer.print(query), explanation: plan.explanation(),
                              calls: result.calls, cachedCalls: result.cachedCalls)
    }

    /// The plan for a query, without running it.
    public func plan(_ text: String) throws(TraktQLError) -> Plan {
        var plan = try QueryCompiler.plan(text, context: context(), backend: backend())
        plan.runtimeFallback = settings.runtimeFallback
        return plan
    }

    /// The backend statements run against now: the local input when one is configured,
    /// otherwise the API the `api` setting names (v1 with the session's timestamp convention).
    public func backend() -> any Backend {
        if let input = configuration.input {
            return LocalBackend(path: input, convention: settings.convention, streaming: configuration.streamingInput)
        }
        if settings.api == .v2 {
            var backend = V2Backend(baseURL: configuration.apiURL, credentials: configuration.v2 ?? V2Credentials(clientID: ""), budget: rateBudget)
            backend.plainHTTPHosts = configuration.plainHTTPSecretHosts
            return backend
        }
        return V1Backend(baseURL: configuration.apiURL, apiKey: configuration.apiKey,
                         credentials: configuration.credentials, convention: settings.convention)
    }

    /// Checks and plans a query for the current backend, with the session's runtime fallback.
    private func compile(_ query: Query, source: String) throws(TraktQLError) -> Plan {
        var plan = try QueryCompiler.plan(query, source: source, context: context(), backend: backend())
        plan.runtimeFallback = settings.runtimeFallback
        return plan
    }

    /// Runs a plan.
    public func execute(_ plan: Plan) async throws(TraktQLError) -> QueryResult {
        try await execute(plan, checkingNamesIn: nil)
    }

    /// Runs a plan; first, for a remote plan, checks the names `query` gives against the
    /// server's catalog. Both count against the statement's time budget.
    private func execute(_ plan: Plan, checkingNamesIn query: (Query, String)?) async throws(TraktQLError) -> QueryResult {
        if let local = plan.local, local.path == "-" {
            guard !standardInputConsumed else {
                throw .usage("standard input was already read by an earlier query; save the data to a file to query it more than once")
            }
            standardInputConsumed = true
        }
        // Answers of another API are not this one's: the first statement after `set api`
        // starts from an empty cache (the keys differ anyway; this frees what no longer applies).
        if cachedAPI != settings.api {
            if cachedAPI != nil { await cache.clear() }
            cachedAPI = settings.api
        }
        let format = settings.format.flatMap(OutputFormat.init(rawValue:))
        var bounded = ExecutionSession(
            transport: transport, cache: cache, cacheTTL: settings.cacheTTL, maxPages: settings.maxPages,
            limiter: limiter, now: configuration.clock(), progress: configuration.progress,
            wholeItems: format == nil || format == .json || format == .ndjson)
        bounded.deadline = Date().addingTimeInterval(min(settings.timeout, Self.longestTimeout))
        bounded.timeout = settings.timeout
        bounded.fetchBudget = FetchBudget(limit: settings.maxFetch)
        let session = bounded
        let backend = backend()
        do {
            // A local input has no calls to bound; a remote statement gets the time budget.
            var result: QueryResult
            if plan.local != nil {
                result = try await backend.execute(plan, in: session)
            } else {
                result = try await Self.withinBudget(settings.timeout) { () async throws(TraktQLError) -> QueryResult in
                    if let (query, source) = query { try await self.checkNames(in: query, source: source) }
                    return try await backend.execute(plan, in: session)
                }
            }
            // A final `chart` stage: how a terminal shows the rows.
            result.chart = plan.chartStyle
            return result
        } catch {
            var error = error
            // v1 checks names against the catalog first, and its fan-out 404 names every unknown user.
            if settings.api == .v2, configuration.input == nil, let (query, source) = query {
                error = await Self.pointingAtTheNamedValue(error, in: query, source: source, variables: variables) { key, name in
                    await backend.closestNames(to: name, kind: key, in: session)
                }
            }
            // A backend that finds a problem with a qualifier while running (a file that names
            // no user) points into the statement's own text.
            if case .query(let diagnostics, let text) = error, text.isEmpty, let (_, source) = query {
                error = .query(diagnostics: diagnostics, source: source)
            }
            throw error.redacted(by: configuration.redactor)
        }
    }

    /// The API the cached responses were fetched with (nil before the first statement).
    private var cachedAPI: APIVersion?

    /// The server's catalog: nil until asked for, then loaded or known to be missing.
    private var serverCatalog: ServerCatalog??

    /// The server's ``ServerCatalog``, fetched once per session (nil when it has none, or
    /// could not be reached: the query's own calls then report that).
    public func catalog() async -> ServerCatalog? {
        if let known = serverCatalog { return known }
        var url = configuration.apiURL
        for component in ServerCatalog.path.split(separator: "/") { url.appendPathComponent(String(component)) }
        let response = try? await transport.send(HTTPRequest(url: url, timeout: configuration.requestTimeout))
        let loaded = response.flatMap { $0.isSuccess ? ServerCatalog(json: $0.body) : nil }
        serverCatalog = .some(loaded)
        return loaded
    }

    /// Refuses a query that names a show, movie or user the server's catalog lacks (when the
    /// server has a catalog), naming every such value at once.
    private func checkNames(in query: Query, source: String) async throws(TraktQLError) {
        // v2 names things through its own routes (`me`, slugs looked up, 404s that say which).
        guard settings.api == .v1 || configuration.input != nil else { return }
        guard configuration.checksNamesWithServerCatalog, ServerCatalog.namesAnything(query), let catalog = await catalog() else { return }
        let diagnostics = catalog.diagnostics(for: query, variables: variables)
        if !diagnostics.isEmpty { throw .notFound(diagnostics: diagnostics, source: source) }
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

    /// No statement's budget is longer than this (a year): the sleep that bounds it counts
    /// nanoseconds in 64 bits.
    static let longestTimeout: TimeInterval = 365 * 86_400

    /// Runs `body`, cancelling it when it takes longer than `seconds`: then it fails with a
    /// message naming the `timeout` setting (no partial result).
    static func withinBudget<T: Sendable>(_ seconds: TimeInterval, _ body: @escaping @Sendable () async throws(TraktQLError) -> T) async throws(TraktQLError) -> T {
        let outcome: Result<T, TraktQLError>? = await withTaskGroup(of: Result<T, TraktQLError>?.self) { group in
            group.addTask {
                do throws(TraktQLError) { return .success(try await body()) } catch { return .failure(error) }
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(min(max(0, seconds), Self.longestTimeout) * 1e9))
                return nil  // nil: the budget ran out (or the statement was cancelled)
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let outcome else {
            if Task.isCancelled { throw .network(message: "cancelled", call: "") }
            let shown = seconds.rounded() == seconds ? "\(Int(seconds)) s" : "\(seconds) s"
            throw .network(message: "the statement took longer than its time budget (timeout = \(shown)) and was stopped, with no result; "
                           + "raise it with 'set timeout = …' or narrow the query", call: "")
        }
        return try outcome.get()
    }

    /// Changes a setting as `set name = value` would.
    public func set(_ name: String, to value: String) throws(TraktQLError) {
        if let failure = settings.apply(name: name, value: value) {
            throw .usage(failure.message + (failure.help.map { " (\($0))" } ?? ""))
        }
    }

    /// Forgets every cached response.
    public func clearCache() async { await cache.clear() }

    /// The number of cached responses.
    public func cachedResponses() async -> Int { await cache.count }

    private func context() -> SessionContext {
        var context = SessionContext(timeZone: settings.timeZone, convention: settings.convention, now: configuration.clock(), variables: variables,
                                     fields: backend().fields)
        context.results = results
        return context
    }

    private static func scalarText(_ term: QualifierTerm) -> String? {
        if case .scalar(let scalar) = term.kind { return scalar.text }
        return nil
    }
}

/// What one statement produced.
public enum StatementOutcome: Sendable {
    /// A query's rows.
    case rows(QueryResult)
    /// `explain`: the plan; render it with ``Plan/explanation(baseURL:)``.
    case plan(Plan)
    /// `set`: the setting's new value.
    case set(name: String, value: String)
    /// `let`: the variable now defined.
    case defined(variable: String)
    /// A meta-command, for the shell to carry out.
    case meta(name: String, arguments: [String])
}

/// How an ``Engine`` reaches the API and starts its session.
public struct EngineConfiguration: Sendable {
    /// The server, e.g. `http://127.0.0.1:8080` or `http://api.trakt.tv`.
    public var apiURL: URL
    /// The key placed in every call's path; never printed.
    public var apiKey: String
    /// HTTP Basic credentials (username and the SHA-1 of the password), for the auth-only streams.
    public var credentials: BasicCredentials?
    public var settings: Settings
    /// "Now", read once per statement; tests pin it.
    public var clock: @Sendable () -> Date
    /// How calls reach the server. The engine library has no HTTP client of its own: pass
    /// `CurlTransport.retrying(for:)` from the `TraktQLCurl` library (http and https, proxies,
    /// retries per ``retryPolicy``), or any ``HTTPTransport``. `nil`: ``UnconfiguredTransport``,
    /// whose every call fails with that reason.
    public var transport: (any HTTPTransport)?
    public var retryPolicy: RetryPolicy
    /// Told before each retry (a 429's `Retry-After` wait, a 503, a network error): the shell
    /// shows waits longer than a second on stderr.
    public var onRetry: (@Sendable (RetryingTransport.RetryEvent) -> Void)?
    public var maximumConcurrentCalls: Int
    public var connectTimeout: TimeInterval
    public var requestTimeout: TimeInterval
    /// Paging progress lines.
    public var progress: (@Sendable (String) -> Void)?
    /// A saved response (envelope, array or NDJSON) to query instead of the API; `-` is
    /// standard input. See ``LocalSource``.
    public var input: String?
    /// Read `input` streamed and projected (the default) or whole, with the plain decoder.
    public var streamingInput = true
    /// Check the shows, movies and users a query names against the server's catalog
    /// (``ServerCatalog``) before calling, when the server has one.
    public var checksNamesWithServerCatalog = true
    /// What errors must never show: by default the API key and the credentials. A caller that
    /// knows more (the password itself, tokens) passes its own.
    public var redactor: Redactor
    /// The v2 app and login (used when `settings.api` is v2). Setting it adds the client
    /// secret and a static token to the ``redactor``.
    /// Hosts besides loopback that may receive the v2 token over plain http: only a host the
    /// caller's transport maps to this machine (the shell's embedded emulator).
    public var plainHTTPSecretHosts: Set<String> = []
    public var v2: V2Credentials? {
        didSet {
            if let secret = v2?.clientSecret { redactor.add(secret, label: "<client-secret>") }
            if let token = (v2?.bearer as? StaticBearerToken)?.token { redactor.add(token, label: "<token>") }
        }
    }

    public init(
        apiURL: URL,
        apiKey: String = "",
        credentials: BasicCredentials? = nil,
        settings: Settings = Settings(),
        clock: @escaping @Sendable () -> Date = { Date() },
        transport: (any HTTPTransport)? = nil,
        retryPolicy: RetryPolicy = RetryPolicy(),
        maximumConcurrentCalls: Int = 4,
        connectTimeout: TimeInterval = 5,
        requestTimeout: TimeInterval = 20,
        progress: (@Sendable (String) -> Void)? = nil,
        input: String? = nil
    ) {
        self.apiURL = apiURL
        self.apiKey = apiKey
        self.credentials = credentials
        self.settings = settings
        self.clock = clock
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.maximumConcurrentCalls = maximumConcurrentCalls
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.progress = progress
        self.input = input
        self.redactor = Redactor(apiKey: apiKey.isEmpty ? nil : apiKey, credentials: credentials)
    }
}
