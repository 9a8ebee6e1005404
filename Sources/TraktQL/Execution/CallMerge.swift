import Foundation

/// The items of a plan's calls as one stream, newest first, handed over as their pages arrive.
///
/// One call streams as its pages come. Several calls (fan-out: several users, or v2's call per
/// action group) run at once, each at most one page ahead of what the merge is taking from it,
/// and are merged by ``KeptItem/order`` (ties: the earlier call first), so memory holds one or
/// two pages per call, not the calls' items. A call whose items do not come newest first
/// (``CallPager/isNewestFirst``: a watchlist by rank, lists) is read whole and sorted before it
/// joins; items without a time come after all the others, call by call. The order is the one a
/// stable sort of all the calls' items by time would give.
enum CallMerge {
    /// What the calls did.
    struct Outcome: Sendable {
        /// Each call's tally, in call order.
        var tallies: [CallPages.Tally]
        /// The most items the merge held at once (taken in, not yet handed over): at most two
        /// pages per call that comes newest first, whatever the calls' lengths.
        var peakHeld = 0
    }

    /// Runs `calls` and hands each item to `consume` in merged order until it answers false
    /// (an early `limit` has its rows) or the calls end. A failure names the call's subject
    /// (``CallPager/subject``).
    static func run(_ calls: [CallPages], redact: @Sendable (String) -> String,
                    consume: (KeptItem) -> Bool) async throws(CallFailure) -> Outcome {
        do {
            return try await withThrowingTaskGroup(of: CallSlots.Arrival.self) { group in
                var merge = State(calls)
                for index in calls.indices { merge.launch(index, in: &group) }
                var wanted = true
                while wanted {
                    // Every call still running needs an item at hand to be compared.
                    while let waiting = merge.firstWaiting {
                        merge.launch(waiting, in: &group)
                        guard let arrival = try await group.next() else { break }
                        if let ahead = merge.receive(arrival) { merge.launch(ahead, in: &group) }
                    }
                    guard let item = merge.takeNewest(in: &group) else { break }
                    wanted = consume(item)
                }
                if wanted {
                    for item in merge.timeless.joined() {
                        if !consume(item) { break }
                    }
                }
                // Pages already asked for are awaited (not cancelled): their calls count.
                while let arrival = try await group.next() { _ = merge.receive(arrival) }
                return Outcome(tallies: merge.slots.tallies, peakHeld: merge.slots.peakHeld)
            }
        } catch {
            throw CallSlots.failure(error, redact: redact)
        }
    }

    private struct State {
        var slots: CallSlots
        /// How far into its first page at hand the merge is, per call.
        var taken: [Int]
        /// Items without a time, per call: after every other item.
        var timeless: [[KeptItem]]
        /// Merging several calls (one call streams in its own order).
        let merging: Bool

        init(_ calls: [CallPages]) {
            slots = CallSlots(calls)
            taken = Array(repeating: 0, count: calls.count)
            timeless = Array(repeating: [], count: calls.count)
            merging = calls.count > 1
        }

        /// A call that is still running but has no item at hand.
        var firstWaiting: Int? {
            slots.queued.indices.first { slots.queued[$0].isEmpty && !slots.done[$0] }
        }

        /// Asks for the next page of call `index`: the next page of a call that comes newest first;
        /// when merging, every page of one that does not, sorted.
        mutating func launch(_ index: Int, in group: inout CallSlots.Group) {
            let whole = merging && slots.pager(index)?.isNewestFirst == false
            slots.launch(index, whole: whole, in: &group)
        }

        /// Keeps an arrived page; returns the call's index when it is to be asked for its next
        /// page at once (it is still running and has nothing at hand: the page was empty).
        mutating func receive(_ arrival: CallSlots.Arrival) -> Int? {
            let index = arrival.index
            if var page = slots.receive(arrival) {
                if merging {
                    timeless[index] += page.filter { $0.order == nil }
                    page.removeAll { $0.order == nil }
                    // Newest first within the page, ties in the call's order (a stable sort).
                    if !Self.isNewestFirst(page) {
                        page = page.enumerated().sorted { ($0.element.order!, -$0.offset) > ($1.element.order!, -$1.offset) }.map(\.element)
                    }
                }
                slots.queue(page, of: index)
            }
            return !slots.done[index] && slots.queued[index].isEmpty ? index : nil
        }

        /// Takes the newest item at hand (ties: the earliest call); nil when no call has any
        /// left. A call's next page is asked for when the merge starts on its last page at
        /// hand, so that it arrives while that page is taken: a call holds one page, two while
        /// the next arrives, and a call the merge is not taking from asks for nothing.
        mutating func takeNewest(in group: inout CallSlots.Group) -> KeptItem? {
            var best: Int?
            for index in slots.queued.indices where !slots.queued[index].isEmpty {
                guard let current = best else { best = index; continue }
                if (slots.queued[index][0][taken[index]].order ?? .min) > (slots.queued[current][0][taken[current]].order ?? .min) { best = index }
            }
            guard let index = best else { return nil }
            let item = slots.queued[index][0][taken[index]]
            taken[index] += 1
            slots.held -= 1
            if taken[index] == 1, slots.queued[index].count == 1 { launch(index, in: &group) }
            if taken[index] == slots.queued[index][0].count {
                slots.queued[index].removeFirst()
                taken[index] = 0
            }
            return item
        }

        static func isNewestFirst(_ page: [KeptItem]) -> Bool {
            zip(page, page.dropFirst()).allSatisfy { $0.order! >= $1.order! }
        }
    }
}
