import Foundation

/// Runs traktql statements against a v1 API server: the library's front door.
///
/// An engine is one session: it keeps settings (`set`), variables (`let`) and a response cache
/// between statements.
///
/// ```swift
/// let engine = Engine(configuration: EngineConfiguration(apiURL: serverURL, apiKey: "my-key"))
/// let result = try await engine.run("activity show:the-walking-dead season:1 since:30d | select time, who, sxe | limit 5")
/// for row in result.rows {
///     print(row.map(\.description).joined(separator: "  "))
/// }
/// ```
public actor Engine {
    public let configuration: EngineConfiguration
    public private(set) var settings: Settings
    public private(set) var variables: [String: QualifierValue] = [:]
    private let cache = ResponseCache()
    private let transport: any HTTPTransport
    private let limiter: ConcurrencyLimiter
    /// Standard input can be read once, by the first query over `--input -`.
    var standardInputConsumed = false

    public init(configuration: EngineConfiguration) {
        self.configuration = configuration
        self.settings = configuration.settings
        self.limiter = ConcurrencyLimiter(limit: max(1, configuration.maximumConcurrentCalls))
        self.transport = configuration.transport ?? Self.defaultTransport(for: configuration)
    }

    /// The engine's own HTTP client with the configuration's timeouts and credentials, wrapped
    /// in retries.
    public static func defaultTransport(for configuration: EngineConfiguration) -> any HTTPTransport {
        let base = SocketHTTPTransport(configuration: .init(
            connectTimeout: configuration.connectTimeout,
            requestTimeout: configuration.requestTimeout,
            credentials: configuration.credentials))
        return RetryingTransport(base: base, policy: configuration.retryPolicy)
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
            if plan.local == nil { try await checkNames(in: query, source: source) }
            return .rows(try await execute(plan))
        case .explain(let query):
            return .plan(try compile(query, source: source))
        case .let(let name, let value):
            variables[name.name] = value
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

    /// The plan for a query, without running it.
    public func plan(_ text: String) throws(TraktQLError) -> Plan {
        if let input = configuration.input { return try QueryCompiler.planLocal(text, context: context(), input: input) }
        return try QueryCompiler.plan(text, context: context())
    }

    /// Checks and plans a query: over the API, or over the local input when one is configured.
    private func compile(_ query: Query, source: String) throws(TraktQLError) -> Plan {
        if let input = configuration.input {
            return try QueryCompiler.planLocal(query, source: source, context: context(), input: input)
        }
        return try QueryCompiler.plan(query, source: source, context: context())
    }

    /// Runs a plan.
    public func execute(_ plan: Plan) async throws(TraktQLError) -> QueryResult {
        var result = try await executeUncharted(plan)
        result.chart = plan.chartStyle
        return result
    }

    private func executeUncharted(_ plan: Plan) async throws(TraktQLError) -> QueryResult {
        if let local = plan.local { return try executeLocal(plan, local) }
        let executor = Executor(
            transport: transport, baseURL: configuration.apiURL, apiKey: configuration.apiKey, cache: cache,
            cacheTTL: settings.cacheTTL, maxPages: settings.maxPages, limiter: limiter, now: configuration.clock(),
            progress: configuration.progress)
        do {
            return try await executor.run(plan)
        } catch {
            // A fan-out stops at the first 404: name every user the server does not have.
            if case .api(404, _, _) = error, let missing = await usersNotFound(in: plan), missing.count > 1 {
                throw .api(status: 404, message: "users not found: " + missing.map { "'\($0)'" }.joined(separator: ", "),
                           call: "\(plan.calls.count) calls to \(plan.calls[0].endpoint.name), one per user")
            }
            // The streams that need auth answer 401 to anonymous calls: say what to do.
            if case .api(401, let message, let call) = error, configuration.credentials == nil,
               let endpoint = plan.calls.first?.endpoint, endpoint.auth == .required {
                throw .api(status: 401, message: message + " (\(endpoint.name) needs your Trakt username and password: "
                           + "--username/--password or TRAKT_USERNAME/TRAKT_PASSWORD)", call: call)
            }
            throw error
        }
    }

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
        guard configuration.checksNamesWithServerCatalog, ServerCatalog.namesAnything(query), let catalog = await catalog() else { return }
        let diagnostics = catalog.diagnostics(for: query, variables: variables)
        if !diagnostics.isEmpty { throw .notFound(diagnostics: diagnostics, source: source) }
    }

    /// The users of a fan-out whose calls the server answers 404 (each call's first page asked
    /// again, at most ``EngineConfiguration/maximumConcurrentCalls`` at a time); nil for a plan
    /// that is not one call per user.
    private func usersNotFound(in plan: Plan) async -> [String]? {
        let users = plan.calls.compactMap { call in call.segments.first { $0.segment == .username }?.value }
        guard plan.calls.count > 1, users.count == plan.calls.count else { return nil }
        let transport = self.transport, limiter = self.limiter, base = configuration.apiURL, key = configuration.apiKey
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
        SessionContext(timeZone: settings.timeZone, convention: settings.convention, now: configuration.clock(), variables: variables)
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
    /// `nil`: ``SocketHTTPTransport`` (plain HTTP) with retries. Tests and embedders may pass
    /// their own, e.g. `URLSessionTransport` from `TraktQLURLSession` for `https://`.
    public var transport: (any HTTPTransport)?
    public var retryPolicy: RetryPolicy
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
    }
}
