import Foundation

/// Runs a ``Plan``: makes its calls (fan-out bounded, pages backwards past the 100-item cap),
/// de-duplicates, applies the residual filter and the stages.
struct Executor: Sendable {
    var transport: any HTTPTransport
    var baseURL: URL
    var apiKey: String
    var cache: ResponseCache
    var cacheTTL: TimeInterval
    var maxPages: Int
    var limiter: ConcurrencyLimiter
    var now: Date
    /// Called with a line of progress while paging (the shell shows it on a TTY).
    var progress: (@Sendable (String) -> Void)?

    /// The API's cap on one call.
    static let pageSize = 100

    /// How ``QueryResult/defaultColumns`` are read from a whole item.
    static let defaultReferences: [FieldReference] = QueryResult.defaultColumns.map { name in
        name == "action" || name == "type"
            ? FieldReference(target: .item([.key(name)]), name: name)
            : FieldReference(target: .virtual(name), name: name)
    }

    private struct Fetched: Sendable {
        var items: [Value]
        var calls = 0
        var cached = 0
        var warnings: [String] = []
        /// Paging could not get past a second with more than a page of activities.
        var incomplete = false
    }

    func run(_ plan: Plan) async throws(TraktQLError) -> QueryResult {
        let runner = StageRunner(fields: FieldEvaluator(convention: plan.convention, now: now), stages: plan.stages)
        let fetched: [Fetched]
        do {
            fetched = try await withThrowingTaskGroup(of: (Int, Fetched).self) { group in
                for (index, call) in plan.calls.enumerated() {
                    group.addTask {
                        (index, try await self.fetch(call, plan: plan, runner: runner))
                    }
                }
                var results = [Fetched?](repeating: nil, count: plan.calls.count)
                for try await (index, result) in group { results[index] = result }
                return results.map { $0! }
            }
        } catch let error as TraktQLError {
            throw error
        } catch is CancellationError {
            throw .network(message: "cancelled", call: "")
        } catch {
            throw .network(message: "\(error)", call: "")
        }

        // Merge fan-out newest first (stable: ties keep call order), then de-duplicate.
        var merged = fetched.flatMap(\.items)
        if fetched.count > 1 {
            let keyed = merged.enumerated().map { ($0.offset, $0.element["timestamp"]?.intValue ?? .min, $0.element) }
            merged = keyed.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map(\.2)
        }
        var seen: Set<ItemKey> = []
        merged = merged.filter { seen.insert(ItemKey($0)).inserted }

        let kept = merged.filter { runner.passes($0, plan.residual) }
        let (columns, rows) = runner.run(plan.stages, on: kept.map { .item($0) })
        var result = QueryResult(columns: [], rows: [], items: nil, warnings: fetched.flatMap(\.warnings),
                                 calls: fetched.reduce(0) { $0 + $1.calls }, cachedCalls: fetched.reduce(0) { $0 + $1.cached })
        let assembled = Self.assemble(columns: columns, rows: rows, fields: runner.fields)
        result.isIncomplete = fetched.contains { $0.incomplete }
        result.columns = assembled.columns
        result.rows = assembled.rows
        result.items = assembled.items
        return result
    }

    /// The result's columns and rows from the stages' output: the selected columns, or for
    /// whole items the default columns plus the items themselves (json/ndjson print those).
    static func assemble(columns: [String]?, rows: [Row], fields: FieldEvaluator) -> (columns: [String], rows: [[Value]], items: [Value]?) {
        if let columns {
            return (columns, rows.map { row in
                if case .columns(_, let values) = row { return values }
                return []
            }, nil)
        }
        var items: [Value] = []
        let table = rows.map { row in
            if case .item(let item) = row { items.append(item) }
            return Self.defaultReferences.map { fields.value(of: $0, in: row) }
        }
        return (QueryResult.defaultColumns, table, items)
    }

    /// One planned call, paged backwards as far as the plan's fetch policy needs.
    private func fetch(_ template: PlannedCall, plan: Plan, runner: StageRunner) async throws(TraktQLError) -> Fetched {
        var fetched = Fetched(items: [])
        var seen: Set<ItemKey> = []
        var call = template
        var pages = 0
        var rowsSoFar = 0
        while true {
            let page = try await fetchPage(call, fetched: &fetched)
            pages += 1
            let fresh = page.filter { seen.insert(ItemKey($0)).inserted }
            fetched.items += fresh
            guard page.count >= Self.pageSize else { break }  // the stream is exhausted
            switch plan.fetch {
            case .onePage:
                return fetched
            case .rows(let wanted):
                // The stages before the limit are streaming (see `Planner.fetchPolicy`), so each
                // page's rows can be counted once and added up.
                let kept = fresh.filter { runner.passes($0, plan.residual) }.map { Row.item($0) }
                rowsSoFar += runner.countBeforeLimit(plan.stages, rows: kept)
                if rowsSoFar >= wanted { return fetched }
            case .all:
                break
            }
            let timestamps = page.compactMap { $0["timestamp"]?.intValue }
            guard !fresh.isEmpty, let oldest = timestamps.min() else {
                // A whole page of activities we already have: the server holds more than a page
                // within the second `end_ts` points at, and whole-second paging cannot get past
                // it. The rows are right as far as they go, but not the whole answer.
                let second = timestamps.min().map { " (API timestamp \($0))" } ?? ""
                fetched.warnings.append("incomplete result: more than \(Self.pageSize) activities share one second\(second) in \(call.redactedPath); "
                                        + "the v1 API pages by whole seconds, so older activity could not be fetched")
                fetched.incomplete = true
                break
            }
            if pages >= maxPages {
                fetched.warnings.append("stopped after \(pages) calls to \(template.endpoint.name) (max_pages); older activity was not fetched. Raise the bound with 'set max_pages = N' or narrow the query with since:")
                break
            }
            // end_ts returns activity strictly before it: oldest + 1 keeps the oldest second,
            // whose other activities may not have fit in this page; duplicates are dropped.
            call = template.withEndTimestamp(oldest + 1, instant: plan.convention.instant(forAPITimestamp: oldest + 1))
            progress?("fetched \(fetched.items.count) activities in \(pages) calls…")
        }
        return fetched
    }

    /// A body that arrives cut off or not as JSON is fetched again this many times in all:
    /// such bodies come from failing proxies and connections more often than from the API.
    static let bodyAttempts = 3

    private func fetchPage(_ call: PlannedCall, fetched: inout Fetched) async throws(TraktQLError) -> [Value] {
        let shown = call.redactedPath
        let key = shown
        if let body = await cache.body(for: key, ttl: cacheTTL), let items = try? decode(body, status: 200, shown: shown) {
            fetched.cached += 1
            return items
        }
        guard let url = call.url(base: baseURL, apiKey: apiKey) else {
            throw .usage("cannot build a URL from the API address \(baseURL.absoluteString)")
        }
        var attempt = 1
        while true {
            let response = try await send(url, shown: shown)
            fetched.calls += 1
            guard response.isSuccess else {
                throw .api(status: response.status,
                           message: response.apiErrorMessage.map { TransportError.redactKey(in: $0, key: apiKey) } ?? HTTPStatus.reason(response.status),
                           call: "GET " + shown)
            }
            do {
                let items = try decode(response.body, status: response.status, shown: shown)
                await cache.store(response.body, for: key)
                return items
            } catch {
                guard case .network = error, attempt < Self.bodyAttempts, !Task.isCancelled else { throw error }
                attempt += 1
            }
        }
    }

    private func send(_ url: URL, shown: String) async throws(TraktQLError) -> HTTPResponse {
        do {
            let transport = self.transport
            return try await limiter.withPermit {
                try await transport.send(HTTPRequest(method: "GET", url: url))
            }
        } catch let error as TransportError {
            throw Self.translate(error.redactingKey(apiKey), shown: shown)
        } catch is CancellationError {
            throw .network(message: "cancelled", call: "GET " + shown)
        } catch {
            throw .network(message: TransportError.redactKey(in: "\(error)", key: apiKey), call: "GET " + shown)
        }
    }

    private func decode(_ body: Data, status: Int, shown: String) throws(TraktQLError) -> [Value] {
        do {
            return try ActivityPage.decode(body, status: status, url: shown).items
        } catch {
            throw Self.translate(error.redactingKey(apiKey), shown: shown)
        }
    }

    static func translate(_ error: TransportError, shown: String) -> TraktQLError {
        switch error {
        case let .http(status, message, _):
            return .api(status: status, message: message ?? HTTPStatus.reason(status), call: "GET " + shown)
        case let .network(text):
            return .network(message: "network error: \(text)", call: "GET " + shown)
        case let .timeout(_, seconds):
            return .network(message: "no answer within \(Int(seconds.rounded(.up))) s", call: "GET " + shown)
        case let .malformedBody(text):
            return .network(message: "the server sent an unreadable response: \(text)", call: "GET " + shown)
        }
    }
}

/// Activities are unique by (type, id); `id` alone is only unique within a type.
struct ItemKey: Hashable, Sendable {
    var type: String
    var id: Int64
    /// Items without an id (min=1 from some servers) fall back to their whole content.
    var content: Int

    init(_ item: Value) {
        type = item["type"]?.stringValue ?? ""
        if let id = item["id"]?.intValue {
            self.id = id
            content = 0
        } else {
            id = .min
            content = item.hashValue
        }
    }
}
