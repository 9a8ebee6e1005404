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
        /// The items that passed the residual filter, projected to what the stages read.
        var items: [Value] = []
        /// Each item's identity, taken before projection (an item without an id is known by
        /// its whole content).
        var keys: [ItemKey] = []
        var calls = 0
        var cached = 0
        var warnings: [String] = []
        /// Values that could not be read as their field's type (``ItemNormalizer``).
        var conversionFailures: [ItemNormalizer.Failure] = []
    }

    func run(_ plan: Plan) async throws(TraktQLError) -> QueryResult {
        let runner = StageRunner(fields: FieldEvaluator(convention: plan.convention, now: now), stages: plan.stages, episodeFilters: plan.episodeFilters)
        // Once a stage reshapes rows (select, count, distinct), only what the stages read is
        // kept of each item: `limit all | count` over 80,000 items holds ids and times, not
        // whole items. Without such a stage whole items may be printed, so they stay whole.
        let projection = Projection.forPlan(plan, wholeItems: true, alsoKeeping: [["timestamp"], ["id"], ["type"]])
        let fetched: [Fetched]
        do {
            fetched = try await withThrowingTaskGroup(of: (Int, Fetched).self) { group in
                for (index, call) in plan.calls.enumerated() {
                    group.addTask {
                        (index, try await self.fetch(call, plan: plan, runner: runner, projection: projection))
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

        // Merge fan-out newest first (stable: ties keep call order), then de-duplicate
        // (each call's items are unique already).
        var kept: [Row]
        if fetched.count == 1 {
            kept = fetched[0].items.map { .item($0) }
        } else {
            var keyed: [(order: Int, timestamp: Int64, key: ItemKey, item: Value)] = []
            for call in fetched {
                for (item, key) in zip(call.items, call.keys) {
                    keyed.append((keyed.count, item["timestamp"]?.intValue ?? .min, key, item))
                }
            }
            keyed.sort { $0.timestamp != $1.timestamp ? $0.timestamp > $1.timestamp : $0.order < $1.order }
            var seen: Set<ItemKey> = []
            kept = keyed.compactMap { seen.insert($0.key).inserted ? .item($0.item) : nil }
        }
        let (columns, rows) = runner.run(plan.stages, on: kept)
        var warnings = fetched.flatMap(\.warnings)
        if let warning = ItemNormalizer.warning(for: fetched.flatMap(\.conversionFailures)) { warnings.append(warning) }
        var result = QueryResult(columns: [], rows: [], items: nil, warnings: warnings,
                                 calls: fetched.reduce(0) { $0 + $1.calls }, cachedCalls: fetched.reduce(0) { $0 + $1.cached })
        let assembled = Self.assemble(columns: columns, rows: rows, fields: runner.fields)
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
    private func fetch(_ template: PlannedCall, plan: Plan, runner: StageRunner, projection: Projection) async throws(TraktQLError) -> Fetched {
        var fetched = Fetched()
        var seen: Set<ItemKey> = []
        var call = template
        var pages = 0
        var rowsSoFar = 0
        let pageBudget = Self.pageBudget(for: plan.fetch, maxPages: maxPages)
        while true {
            var page = try await fetchPage(call, fetched: &fetched)
            pages += 1
            for index in page.indices {
                fetched.conversionFailures += ItemNormalizer.normalize(&page[index])
            }
            var fresh = 0
            var keptRows: [Row] = []
            for item in page {
                let key = ItemKey(item)
                guard seen.insert(key).inserted else { continue }
                fresh += 1
                guard runner.passes(item, plan.residual) else { continue }
                let projected = projection.apply(item)
                fetched.items.append(projected)
                fetched.keys.append(key)
                if case .rows = plan.fetch { keptRows.append(.item(projected)) }
            }
            guard page.count >= Self.pageSize else { break }  // the stream is exhausted
            switch plan.fetch {
            case .onePage:
                return fetched
            case .rows(let wanted):
                // The stages before the limit are streaming (see `Planner.fetchPolicy`), so each
                // page's rows can be counted once and added up.
                rowsSoFar += runner.countBeforeLimit(plan.stages, rows: keptRows)
                if rowsSoFar >= wanted { return fetched }
            case .all:
                break
            }
            let timestamps = page.compactMap { $0["timestamp"]?.intValue }
            guard fresh > 0, let oldest = timestamps.min() else {
                fetched.warnings.append("more than \(Self.pageSize) activities share one second at \(call.redactedPath); paging stopped there, so older activity was not fetched")
                break
            }
            if pages >= pageBudget {
                fetched.warnings.append("stopped after \(pages) calls to \(template.endpoint.name) (max_pages); older activity was not fetched, so the result covers only the newest \(seen.count) activities. Raise the bound with 'set max_pages = N' or narrow the query with since:")
                break
            }
            // end_ts returns activity strictly before it: oldest + 1 keeps the oldest second,
            // whose other activities may not have fit in this page; duplicates are dropped.
            call = template.withEndTimestamp(oldest + 1, instant: plan.convention.instant(forAPITimestamp: oldest + 1))
            progress?("fetched \(fetched.items.count) activities in \(pages) calls…")
        }
        return fetched
    }

    /// How many calls one planned call may make: `max_pages`, or more when an explicit
    /// `limit N` needs more pages to reach N rows (`limit 10000` is not cut at 9,900).
    static func pageBudget(for fetch: FetchPolicy, maxPages: Int) -> Int {
        guard case .rows(let wanted) = fetch else { return maxPages }
        // Consecutive pages share their boundary second, so a page adds at most 99 new items.
        let needed = wanted / (pageSize - 1) + 2
        return max(maxPages, needed)
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
