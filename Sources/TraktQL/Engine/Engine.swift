import Foundation

/// Runs traktql statements against the backend the configuration and the `api` setting pick
/// (``BackendFactory``): the library's front door.
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
    /// Makes the backend each statement runs against, and keeps what backends share across a
    /// session's statements.
    private let backends: BackendFactory
    /// Standard input can be read once, by the first query over `--input -`.
    var standardInputConsumed = false

    public init(configuration: EngineConfiguration) {
        self.configuration = configuration
        self.settings = configuration.settings
        self.limiter = ConcurrencyLimiter(limit: max(1, configuration.maximumConcurrentCalls))
        self.backends = BackendFactory(configuration: configuration)
        // The library has no HTTP client of its own (Foundation only): without one, statements
        // that call the API fail with the reason. Credentials are not the transport's: the
        // backend attaches them to the calls that need them.
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
    /// otherwise the API the `api` setting names (``BackendFactory``).
    public func backend() -> any Backend {
        backends.backend(for: settings)
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
        if plan.backendPlan.readsStandardInput {
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
        // The plan runs on the backend that made it (which also points its failures into the
        // statement: the plan keeps the statement's text).
        let backend = plan.backend
        do {
            // A local input has no calls to bound; a remote statement gets the time budget.
            var result: QueryResult
            if !plan.backendPlan.makesCalls {
                result = try await plan.run(in: session)
            } else {
                result = try await Self.withinBudget(settings.timeout) { () async throws(TraktQLError) -> QueryResult in
                    if let (query, source) = query { try await self.checkNames(in: query, source: source, for: backend) }
                    return try await plan.run(in: session)
                }
            }
            // A final `chart` stage: how a terminal shows the rows.
            result.chart = plan.chartStyle
            return result
        } catch {
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
    private func checkNames(in query: Query, source: String, for backend: any Backend) async throws(TraktQLError) {
        guard backend.checksNamesWithServerCatalog, configuration.checksNamesWithServerCatalog, ServerCatalog.namesAnything(query), let catalog = await catalog() else { return }
        let diagnostics = catalog.diagnostics(for: query, variables: variables)
        if !diagnostics.isEmpty { throw .notFound(diagnostics: diagnostics, source: source) }
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
