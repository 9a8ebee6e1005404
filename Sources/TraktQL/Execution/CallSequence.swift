/// The items of a plan's calls call after call, for stages that take them in any order
/// (``Plan/takesCallsInAnyOrder``): a `stats` whose groups and aggregates follow each item's
/// ``MergePosition``, not the order items come in.
///
/// ``CallMerge`` must hold a page of every call still running to know which item is newest:
/// v2's fan-out over 40 users is 530 calls, most of them a page or less, so it held nearly all
/// their items at once. Here the calls are handed over in call order. The call being read asks
/// for its next page while its current one is taken; the nearest calls after it fetch their
/// pages meanwhile, one page of a call at a time and `callsAtOnce` pages in all (the
/// connections: a v1 call pages one page after another, so reading only the current call would
/// leave all but one idle), as long as what they hold and have on their way (a full page,
/// ``CallPager/newItemsPerFullPage``, each) stays within `itemsAhead`. At most `itemsAhead`
/// items and a page (the last one asked for), plus two pages of the call being read, are held,
/// whatever the number of calls.
enum CallSequence {
    /// How many items the calls after the one being read may hold or have on their way: 100
    /// pages of v1, 40 of v2.
    static let itemsAhead = 10_000

    /// Runs `calls` and hands each item, with its place in merged order, to `consume` until it
    /// answers false or the calls end. A failure names the call's subject.
    static func run(_ calls: [CallPages], callsAtOnce: Int, itemsAhead: Int = itemsAhead, redact: @Sendable (String) -> String,
                    consume: (KeptItem, MergePosition) -> Bool) async throws(CallFailure) -> CallMerge.Outcome {
        do {
            return try await withThrowingTaskGroup(of: CallSlots.Arrival.self) { group in
                var state = State(calls, callsAtOnce: callsAtOnce, itemsAhead: itemsAhead)
                var wanted = true
                reading: while wanted, state.current < calls.count {
                    state.fetchAhead(in: &group)
                    guard let page = state.takePage(in: &group) else {
                        if state.isCurrentDone {
                            state.moveToNextCall()
                        } else {
                            guard let arrival = try await group.next() else { break }
                            state.receive(arrival)
                        }
                        continue
                    }
                    for item in page {
                        if !consume(item, state.handOver(item)) {
                            wanted = false
                            continue reading
                        }
                    }
                }
                // Pages already asked for are awaited (not cancelled): their calls count.
                while let arrival = try await group.next() { _ = state.slots.receive(arrival) }
                return CallMerge.Outcome(tallies: state.slots.tallies, peakHeld: state.slots.peakHeld)
            }
        } catch {
            throw CallSlots.failure(error, redact: redact)
        }
    }

    private struct State {
        var slots: CallSlots
        let callsAtOnce: Int
        let itemsAhead: Int
        /// The call being read, and how many of its items were handed over.
        private(set) var current = 0
        private var taken = 0
        /// What the calls after the current one hold or have on their way, in all and per call.
        private var ahead = 0
        private var aheadOf: [Int]
        /// Each call's page on its way, as counted in `ahead` (a full page), and how many pages
        /// of calls after the current one are on their way.
        private var onItsWay: [Int]
        private var inFlightAhead = 0

        init(_ calls: [CallPages], callsAtOnce: Int, itemsAhead: Int) {
            slots = CallSlots(calls)
            self.callsAtOnce = callsAtOnce
            self.itemsAhead = itemsAhead
            aheadOf = Array(repeating: 0, count: calls.count)
            onItsWay = aheadOf
        }

        var isCurrentDone: Bool { slots.done[current] && slots.queued[current].isEmpty }

        /// Asks the calls after the current one for their next pages, the nearest first, while
        /// fewer than `callsAtOnce` pages are on their way (the current call's included) and
        /// what they hold and have on their way is within `itemsAhead`.
        mutating func fetchAhead(in group: inout CallSlots.Group) {
            var index = current + 1
            while ahead < itemsAhead, inFlightAhead < callsAtOnce - 1, index < slots.count {
                if let pager = slots.pager(index), !slots.inFlight[index] {
                    let page = max(1, pager.newItemsPerFullPage)
                    slots.launch(index, in: &group)
                    onItsWay[index] = page
                    aheadOf[index] += page
                    ahead += page
                    inFlightAhead += 1
                }
                index += 1
            }
        }

        /// The current call's next page at hand; its page after it is asked for at once, to
        /// arrive while this one is taken. Nil when none is at hand: the call is done, or its
        /// page is on its way (asked for here if it was not).
        mutating func takePage(in group: inout CallSlots.Group) -> [KeptItem]? {
            guard !slots.queued[current].isEmpty else {
                slots.launch(current, in: &group)
                return nil
            }
            let page = slots.queued[current].removeFirst()
            slots.launch(current, in: &group)
            return page
        }

        /// The position of the current call's next item, which is handed over.
        mutating func handOver(_ item: KeptItem) -> MergePosition {
            slots.held -= 1
            taken += 1
            return MergePosition(order: item.order, call: current, index: taken - 1)
        }

        mutating func receive(_ arrival: CallSlots.Arrival) {
            let index = arrival.index
            let page = slots.receive(arrival) ?? []
            slots.queue(page, of: index)
            guard index > current else { return }
            inFlightAhead -= 1
            let change = page.count - onItsWay[index]
            onItsWay[index] = 0
            aheadOf[index] += change
            ahead += change
        }

        /// The call after the current one is read next: what it holds no longer counts ahead.
        mutating func moveToNextCall() {
            current += 1
            taken = 0
            guard current < slots.count else { return }
            ahead -= aheadOf[current]
            aheadOf[current] = 0
            onItsWay[current] = 0
            if slots.inFlight[current] { inFlightAhead -= 1 }
        }
    }
}
