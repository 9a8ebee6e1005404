import Foundation

/// One planned call's items, page by page, as an `AsyncSequence`: each page fetched through the
/// ``Executor`` (cache, retries of unreadable bodies, the fetch budget), its items normalised,
/// de-duplicated within the call, checked against the residual filter and projected to what
/// the stages read. Paging follows the call's ``CallPager`` and the plan's fetch policy: one
/// page, as many as `limit N` needs, or all, within `max_pages`.
///
/// The sequence ends after the call's last page; what the call did (calls made, cached, its
/// warnings) is in ``tally`` of the iterator, which ``CallMerge`` hands back.
struct CallPages: AsyncSequence, Sendable {
    typealias Element = [KeptItem]

    let pager: any CallPager
    let context: Context

    /// What every call of a plan shares.
    struct Context: Sendable {
        var executor: Executor
        var plan: Plan
        var runner: StageRunner
        var projection: Projection
    }

    /// What one call did, for the result.
    struct Tally: Sendable {
        var calls = 0
        var cached = 0
        var kept = 0
        var warnings: [String] = []
        /// Values that could not be read as their field's type (``ItemNormalizer``).
        var conversionFailures: [ItemNormalizer.Failure] = []
        /// Paging could not get past a second with more than a page of activities.
        var incomplete = false
        /// Older pages were left unread by the fetch policy or `max_pages`.
        var partial = false
    }

    func makeAsyncIterator() -> Iterator {
        Iterator(pager: pager, context: context)
    }

    struct Iterator: AsyncIteratorProtocol, Sendable {
        private(set) var pager: any CallPager
        let context: Context
        private(set) var tally = Tally()
        /// The call's items so far, by identity: what makes a page's items `fresh` (v1's pages
        /// overlap on their boundary second).
        private var seen: Set<ItemKey> = []
        private var pages = 0
        /// Rows before the plan's `limit`, for a `.rows` fetch policy.
        private var rowsSoFar = 0
        private(set) var isFinished = false
        private let pageBudget: Int

        init(pager: any CallPager, context: Context) {
            self.pager = pager
            self.context = context
            pageBudget = Executor.pageBudget(for: context.plan.fetch, maxPages: context.executor.session.maxPages,
                                             newItemsPerFullPage: pager.newItemsPerFullPage)
        }

        /// The next page's kept items (possibly none), or nil after the last page.
        mutating func next() async throws(TraktQLError) -> [KeptItem]? {
            guard !isFinished else { return nil }
            let executor = context.executor, plan = context.plan, schema = executor.schema
            var (page, isLast, total) = try await executor.fetchPage(pager, tally: &tally)
            pages += 1
            for index in page.indices {
                tally.conversionFailures += ItemNormalizer.normalize(&page[index])
            }
            var fresh = 0
            var kept: [KeptItem] = []
            var keptRows: [Row] = []
            for item in page {
                let key = schema.identity(of: item)
                guard seen.insert(key).inserted else { continue }
                fresh += 1
                guard context.runner.passes(item, plan.residual) else { continue }
                let projected = context.projection.apply(item)
                kept.append(KeptItem(item: projected, key: key, order: schema.order(of: item)))
                if case .rows = plan.fetch { keptRows.append(.item(projected)) }
            }
            tally.kept += kept.count
            isFinished = finishes(after: page, isLast: isLast, fresh: fresh, total: total, keptRows: keptRows)
            if !isFinished { executor.session.progress?("fetched \(tally.kept) activities in \(pages) calls…") }
            return kept
        }

        /// Whether the call ends after `page`: its last page, the fetch policy's, or one it
        /// cannot page past (then with a warning).
        private mutating func finishes(after page: [Value], isLast: Bool, fresh: Int, total: Int?, keptRows: [Row]) -> Bool {
            if isLast { return true }  // the stream is exhausted
            switch context.plan.fetch {
            case .onePage:
                // The default reads the newest page; the rows are right for it, but older
                // activity (and its matches) was not read: say so, never a silent part.
                tally.warnings.append(Executor.onePageNote(call: pager.name, read: fresh, total: total))
                tally.partial = true
                return true
            case .rows(let wanted):
                // The stages before the limit are streaming (see `CheckedQuery.fetchPolicy`), so
                // each page's rows can be counted once and added up.
                rowsSoFar += context.runner.countBeforeLimit(context.plan.stages, rows: keptRows)
                if rowsSoFar >= wanted { return true }
            case .all:
                break
            }
            if let stuck = pager.advance(after: page, fresh: fresh) {
                // The rows are right as far as they go, but not the whole answer.
                tally.warnings.append(stuck)
                tally.incomplete = true
                return true
            }
            if pages >= pageBudget {
                tally.partial = true
                tally.warnings.append("stopped after \(pages) calls to \(pager.name) (max_pages); older activity was not fetched, so the result covers only the newest \(seen.count) activities. Raise the bound with 'set max_pages = N' or narrow the query with since:")
                return true
            }
            return false
        }
    }
}

/// An item a call keeps: projected, with what merging and de-duplication read of the whole item.
struct KeptItem: Sendable {
    var item: Value
    var key: ItemKey
    /// ``ItemSchema/order(of:)``: nil for an item without a time.
    var order: Int64?
}
