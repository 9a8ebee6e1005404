import Foundation

/// Runs the calls of a remote backend's ``Plan``: fan-out bounded, each call paged as far as the
/// plan's fetch policy needs, items normalised to the field catalog's types, de-duplicated,
/// filtered and merged newest first; then the stages. What differs between APIs is in the
/// ``CallPager``s and the ``ItemSchema``.
struct Executor: Sendable {
    var session: ExecutionSession
    var schema: any ItemSchema
    /// Redacts the backend's secrets from messages built here.
    var redact: @Sendable (String) -> String

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
        /// Paging could not get past a second with more than a page of activities.
        var incomplete = false
        /// Older pages were left unread by the fetch policy or `max_pages`.
        var partial = false
        /// Streamed: how many items went through the stages, and how many had a runtime assumed.
        var accepted = 0
        var assumedRuntimes = 0
    }

    /// Runs the calls; a failure carries the name its call was for (``CallPager/subject``).
    func run(_ plan: Plan, pagers: [any CallPager]) async throws(CallFailure) -> QueryResult {
        let runner = StageRunner(fields: FieldEvaluator(schema: schema, now: session.now, runtimeFallback: plan.runtimeFallback), stages: plan.stages,
                                 episodeFilters: plan.episodeFilters)
        // Once a stage reshapes rows (select, count, distinct), only what the stages read is
        // kept of each item: `limit all | count` over 80,000 items holds ids and times, not
        // whole items. Without such a stage whole items may be printed, so they stay whole.
        let projection = Projection.forPlan(plan, schema: schema, wholeItems: true, alsoKeeping: schema.identityMembers)
        // One call streams its items through the stages as they arrive (``StreamingStages``):
        // `limit all | stats …` over 100,000 items holds the groups, not the items. Several calls
        // are merged newest first before the stages, so their items are kept until then.
        if pagers.count == 1 {
            var stream: StreamingStages? = StreamingStages(stages: plan.stages, runner: runner)
            let single: Fetched
            do throws(TraktQLError) {
                single = try await fetch(pagers[0], plan: plan, runner: runner, projection: projection, into: &stream)
            } catch {
                throw CallFailure(error, subject: pagers[0].subject)
            }
            let (columns, rows) = stream!.finish()
            return result(of: [single], columns: columns, rows: rows, accepted: single.accepted, assumedRuntimes: single.assumedRuntimes, fields: runner.fields)
        }
        let fetched: [Fetched]
        do {
            fetched = try await withThrowingTaskGroup(of: (Int, Fetched).self) { group in
                for (index, pager) in pagers.enumerated() {
                    group.addTask {
                        do throws(TraktQLError) {
                            var unstreamed: StreamingStages?
                            return (index, try await self.fetch(pager, plan: plan, runner: runner, projection: projection, into: &unstreamed))
                        } catch {
                            throw CallFailure(error, subject: pager.subject)
                        }
                    }
                }
                var results = [Fetched?](repeating: nil, count: pagers.count)
                for try await (index, result) in group { results[index] = result }
                return results.map { $0! }
            }
        } catch let failure as CallFailure {
            throw failure
        } catch is CancellationError {
            throw CallFailure(.network(message: "cancelled", call: ""))
        } catch {
            throw CallFailure(.network(message: redact("\(error)"), call: ""))
        }

        // Merge fan-out newest first (stable: ties keep call order), then de-duplicate
        // (each call's items are unique already).
        var keyed: [(order: Int, time: Int64, key: ItemKey, item: Value)] = []
        for call in fetched {
            for (item, key) in zip(call.items, call.keys) {
                keyed.append((keyed.count, schema.order(of: item) ?? .min, key, item))
            }
        }
        keyed.sort { $0.time != $1.time ? $0.time > $1.time : $0.order < $1.order }
        var seen: Set<ItemKey> = []
        let kept: [Row] = keyed.compactMap { seen.insert($0.key).inserted ? .item($0.item) : nil }
        let (columns, rows) = runner.run(plan.stages, on: kept)
        var assumed = 0
        if plan.runtimeFallback != .none {
            assumed = kept.reduce(0) { count, row in
                if case .item(let item) = row, plan.runtimeFallback.applies(to: item, schema: schema) { return count + 1 }
                return count
            }
        }
        return result(of: fetched, columns: columns, rows: rows, accepted: kept.count, assumedRuntimes: assumed, fields: runner.fields)
    }

    /// The result of the calls `fetched`, whose kept items (`accepted`, `assumedRuntimes` of them
    /// with a runtime assumed) the stages made into `columns` and `rows`.
    private func result(of fetched: [Fetched], columns: [String]?, rows: [Row], accepted: Int, assumedRuntimes: Int,
                        fields: FieldEvaluator) -> QueryResult {
        var warnings = fetched.flatMap(\.warnings)
        if let warning = RuntimeFallback.warning(count: assumedRuntimes, of: accepted) { warnings.append(warning) }
        if let warning = ItemNormalizer.warning(for: fetched.flatMap(\.conversionFailures)) { warnings.append(warning) }
        var result = QueryResult(columns: [], rows: [], items: nil, warnings: warnings,
                                 calls: fetched.reduce(0) { $0 + $1.calls }, cachedCalls: fetched.reduce(0) { $0 + $1.cached })
        let assembled = Self.assemble(columns: columns, rows: rows, fields: fields)
        result.isIncomplete = fetched.contains { $0.incomplete }
        result.isPartial = fetched.contains { $0.partial }
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

    /// One planned call, paged as far as the plan's fetch policy needs.
    /// With `stream`, each kept item goes through it instead of into the result's items.
    private func fetch(_ pager: any CallPager, plan: Plan, runner: StageRunner, projection: Projection,
                       into stream: inout StreamingStages?) async throws(TraktQLError) -> Fetched {
        var pager = pager
        var fetched = Fetched()
        var seen: Set<ItemKey> = []
        var pages = 0
        var rowsSoFar = 0
        var streamFull = false
        let pageBudget = Self.pageBudget(for: plan.fetch, maxPages: session.maxPages, newItemsPerFullPage: pager.newItemsPerFullPage)
        while true {
            var (page, isLast, total) = try await fetchPage(pager, fetched: &fetched)
            pages += 1
            for index in page.indices {
                fetched.conversionFailures += ItemNormalizer.normalize(&page[index])
            }
            var fresh = 0
            var keptRows: [Row] = []
            for item in page {
                let key = schema.identity(of: item)
                guard seen.insert(key).inserted else { continue }
                fresh += 1
                guard runner.passes(item, plan.residual) else { continue }
                let projected = projection.apply(item)
                if stream != nil {
                    fetched.accepted += 1
                    if plan.runtimeFallback != .none, plan.runtimeFallback.applies(to: projected, schema: schema) { fetched.assumedRuntimes += 1 }
                    // Past an early `limit`, the stream wants nothing more (paging stops by the fetch policy).
                    if !streamFull { streamFull = !stream!.accept(projected) }
                } else {
                    fetched.items.append(projected)
                    fetched.keys.append(key)
                }
                if case .rows = plan.fetch { keptRows.append(.item(projected)) }
            }
            guard !isLast else { break }  // the stream is exhausted
            switch plan.fetch {
            case .onePage:
                // The default reads the newest page; the rows are right for it, but older
                // activity (and its matches) was not read: say so, never a silent part.
                fetched.warnings.append(Self.onePageNote(call: pager.name, read: fresh, total: total))
                fetched.partial = true
                return fetched
            case .rows(let wanted):
                // The stages before the limit are streaming (see `CheckedQuery.fetchPolicy`), so
                // each page's rows can be counted once and added up.
                rowsSoFar += runner.countBeforeLimit(plan.stages, rows: keptRows)
                if rowsSoFar >= wanted { return fetched }
            case .all:
                break
            }
            if let stuck = pager.advance(after: page, fresh: fresh) {
                // The rows are right as far as they go, but not the whole answer.
                fetched.warnings.append(stuck)
                fetched.incomplete = true
                break
            }
            if pages >= pageBudget {
                fetched.partial = true
                fetched.warnings.append("stopped after \(pages) calls to \(pager.name) (max_pages); older activity was not fetched, so the result covers only the newest \(seen.count) activities. Raise the bound with 'set max_pages = N' or narrow the query with since:")
                break
            }
            session.progress?("fetched \(stream != nil ? fetched.accepted : fetched.items.count) activities in \(pages) calls…")
        }
        return fetched
    }

    /// How many calls one planned call may make: `max_pages`, or more when an explicit
    /// `limit N` needs more pages to reach N rows (`limit 10000` is not cut at 9,900), each
    /// adding at most `newItemsPerFullPage` (the pager's paging rule).
    static func pageBudget(for fetch: FetchPolicy, maxPages: Int, newItemsPerFullPage: Int) -> Int {
        guard case .rows(let wanted) = fetch else { return maxPages }
        let needed = wanted / max(1, newItemsPerFullPage) + 2
        return max(maxPages, needed)
    }

    /// A body that arrives cut off or not as JSON is fetched again this many times in all:
    /// such bodies come from failing proxies and connections more often than from the API.
    static let bodyAttempts = 3

    /// What a one-page answer covers, and how to read more.
    static func onePageNote(call: String, read: Int, total: Int?) -> String {
        let covered = total.map { "the newest \(read) of \($0) items" } ?? "the newest \(read) items"
        return "only one page of \(call) was read, \(covered), so the rows are what matched among those: without a limit "
            + "or since:, a query reads the newest page; add '| limit all' to read everything, or '| limit N' or since: for more"
    }

    private func fetchPage(_ pager: any CallPager, fetched: inout Fetched) async throws(TraktQLError) -> (items: [Value], isLast: Bool, total: Int?) {
        let shown = pager.shown
        guard var request = pager.request() else {
            throw .usage("cannot build a URL for \(shown)")
        }
        request.deadline = session.deadline
        let key = ResponseCache.key(for: request, shown: shown)
        if let cached = await session.cache.response(for: key, ttl: session.cacheTTL), let page = try? pager.read(cached) {
            fetched.cached += 1
            return (page.items, page.isLast, pager.totalItems(in: cached))
        }
        var attempt = 1
        while true {
            let response = try await send(request, shown: shown)
            fetched.calls += 1
            if let refusal = session.fetchBudget.spend(response.body.count) { throw .network(message: refusal, call: shown) }
            guard response.isSuccess else {
                // A rate limit's wait that the retries did not sit out: say how long it is.
                if case .api(429, let message, let call) = pager.failure(response), let wait = response.retryAfter {
                    throw .api(status: 429, message: message + " (the API asks to wait \(Int(min(wait, 1e9).rounded(.up))) s before the next call)", call: call)
                }
                throw pager.failure(response)
            }
            do {
                let page = try pager.read(response)
                if session.cacheTTL > 0 { await session.cache.store(response, for: key) }
                return (page.items, page.isLast, pager.totalItems(in: response))
            } catch {
                guard case .network = error, attempt < Self.bodyAttempts, !Task.isCancelled else { throw error }
                attempt += 1
            }
        }
    }

    private func send(_ request: HTTPRequest, shown: String) async throws(TraktQLError) -> HTTPResponse {
        do {
            let transport = session.transport
            return try await session.limiter.withPermit {
                try await transport.send(request)
            }
        } catch let error as TransportError {
            throw Self.translate(error, shown: shown, redact: redact)
        } catch let error as TraktQLError {
            // A wrapper's own verdict (a rate limit that outlasts the statement's budget).
            if case .api(let status, let message, let call) = error, call.isEmpty { throw .api(status: status, message: message, call: shown) }
            throw error
        } catch is CancellationError {
            throw .network(message: "cancelled", call: shown)
        } catch {
            throw .network(message: redact("\(error)"), call: shown)
        }
    }

    /// A transport failure as the error a statement ends with; `shown` is the redacted call.
    static func translate(_ error: TransportError, shown: String, redact: (String) -> String) -> TraktQLError {
        switch error {
        case let .http(status, message, _):
            return .api(status: status, message: redact(message ?? HTTPStatus.reason(status)), call: shown)
        case let .network(text):
            return .network(message: "network error: \(redact(text))", call: shown)
        case let .timeout(_, seconds):
            return .network(message: "no answer within \(Int(seconds.rounded(.up))) s", call: shown)
        case let .malformedBody(text):
            return .network(message: "the server sent an unreadable response: \(redact(text))", call: shown)
        case let .tooLarge(_, limit):
            return .network(message: "the response is larger than \(TransportError.formatBytes(limit)), the limit for one call (a v1 page is about 200 KB); reading stopped", call: shown)
        case let .tls(host, problem):
            return .network(message: "TLS error with \(host): \(redact(problem))", call: shown)
        case let .refused(reason):
            return .network(message: redact(reason), call: shown)
        }
    }
}
