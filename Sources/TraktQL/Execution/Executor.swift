import Foundation

/// Runs the calls of a remote backend's ``Plan``: fan-out bounded, each call paged as far as the
/// plan's fetch policy needs (``CallPages``), items normalised to the field catalog's types,
/// de-duplicated, filtered and merged newest first as they arrive (``CallMerge``), into the
/// stages every backend shares (``ItemSink``). What differs between backends is in the
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

    /// Runs the calls; a failure carries the name its call was for (``CallPager/subject``).
    ///
    /// Every call's pages stream through one ``ItemSink`` (the stages, row by row where they
    /// can: ``StreamingStages``), merged newest first across calls as they arrive
    /// (``CallMerge``) and de-duplicated: `limit all | stats …` over 100,000 items holds the
    /// groups and one key per item, not the items, whether one call or several fetch them.
    /// When the stages take items in any order (``Plan/takesCallsInAnyOrder``: a `stats`),
    /// a fan-out's calls are read one after another instead (``CallSequence``), which holds a
    /// few pages rather than one of every running call.
    func run(_ plan: Plan, pagers: [any CallPager]) async throws(CallFailure) -> QueryResult {
        var sink = ItemSink(plan: plan, schema: schema, now: session.now)
        // Once a stage reshapes rows (select, count, distinct), only what the stages read is
        // kept of each item: `limit all | count` over 80,000 items holds ids and times, not
        // whole items. Without such a stage whole items may be printed, so they stay whole.
        let projection = Projection.forPlan(plan, schema: schema, wholeItems: true, alsoKeeping: schema.identityMembers)
        let context = CallPages.Context(executor: self, plan: plan, runner: sink.runner, projection: projection)
        // Each call's items are unique already; across calls the first in merged order is kept
        // (read call by call: the first call's, which is the same item).
        var seen: Set<ItemKey> = []
        let calls = pagers.map { CallPages(pager: $0, context: context) }
        let outcome: CallMerge.Outcome
        if calls.count > 1, plan.takesCallsInAnyOrder {
            outcome = try await CallSequence.run(calls, callsAtOnce: session.limiter.limit, redact: redact) { kept, position in
                guard seen.insert(kept.key).inserted else { return true }
                return sink.accept(kept.item, at: position)
            }
        } else {
            let acrossCalls = calls.count > 1
            outcome = try await CallMerge.run(calls, redact: redact) { kept in
                if acrossCalls, !seen.insert(kept.key).inserted { return true }
                return sink.accept(kept.item)
            }
        }
        let tallies = outcome.tallies
        var result = sink.finish(warnings: tallies.flatMap(\.warnings), conversionFailures: tallies.flatMap(\.conversionFailures),
                                 calls: tallies.reduce(0) { $0 + $1.calls }, cachedCalls: tallies.reduce(0) { $0 + $1.cached })
        result.isIncomplete = tallies.contains { $0.incomplete }
        result.isPartial = tallies.contains { $0.partial }
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

    /// The current page of `pager`'s call: from the cache, or sent (an unreadable body is
    /// asked for again, up to ``bodyAttempts`` times), counted in `tally`.
    func fetchPage(_ pager: any CallPager, tally: inout CallPages.Tally) async throws(TraktQLError) -> (items: [Value], isLast: Bool, total: Int?) {
        let shown = pager.shown
        guard var request = pager.request() else {
            throw .usage("cannot build a URL for \(shown)")
        }
        request.deadline = session.deadline
        let key = ResponseCache.key(for: request, shown: shown)
        if let cached = await session.cache.response(for: key, ttl: session.cacheTTL), let page = try? pager.read(cached) {
            tally.cached += 1
            return (page.items, page.isLast, pager.totalItems(in: cached))
        }
        var attempt = 1
        while true {
            let response = try await send(request, shown: shown)
            tally.calls += 1
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
            return .network(message: "the response is larger than \(TransportError.formatBytes(limit)), the limit for one call (a page of activity is far smaller); reading stopped", call: shown)
        case let .tls(host, problem):
            return .network(message: "TLS error with \(host): \(redact(problem))", call: shown)
        case let .refused(reason):
            return .network(message: redact(reason), call: shown)
        }
    }
}
