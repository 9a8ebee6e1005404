/// The items of a plan's calls call after call, for stages that take them in any order
/// (``Plan/takesCallsInAnyOrder``): a `stats` whose groups and aggregates follow each item's
/// ``MergePosition``, not the order items come in.
///
/// ``CallMerge`` must hold a page of every call still running to know which item is newest:
/// v2's fan-out over 40 users is 530 calls, most of them a page or less, so it held nearly all
/// their items at once. Here the calls are read in call order: the one being read asks for its
/// next page while its current one is taken, and the next `ahead` calls fetch their first page
/// meanwhile (so that the connections stay busy), then wait their turn. At most `ahead + 2`
/// pages are held, whatever the number of calls.
enum CallSequence {
    /// How many calls after the one being read may fetch their first page: twice the default
    /// number of connections (``EngineConfiguration/maximumConcurrentCalls``).
    static let callsAhead = 8

    /// Runs `calls` and hands each item, with its place in merged order, to `consume` until it
    /// answers false or the calls end. A failure names the call's subject.
    static func run(_ calls: [CallPages], ahead: Int = callsAhead, redact: @Sendable (String) -> String,
                    consume: (KeptItem, MergePosition) -> Bool) async throws(CallFailure) -> CallMerge.Outcome {
        do {
            return try await withThrowingTaskGroup(of: CallSlots.Arrival.self) { group in
                var slots = CallSlots(calls)
                let firstUnlaunched = min(calls.count, max(0, ahead) + 1)
                for index in 0 ..< firstUnlaunched { slots.launch(index, in: &group) }
                // How many items of the call being read were handed over: the next one's index.
                var (current, taken) = (0, 0)
                var wanted = true
                reading: while wanted, current < calls.count {
                    guard !slots.queued[current].isEmpty else {
                        if slots.done[current] {
                            // The call `ahead` past the next one may start.
                            if current + firstUnlaunched < calls.count { slots.launch(current + firstUnlaunched, in: &group) }
                            (current, taken) = (current + 1, 0)
                        } else {
                            slots.launch(current, in: &group)
                            guard let arrival = try await group.next() else { break }
                            if let page = slots.receive(arrival) { slots.queue(page, of: arrival.index) }
                        }
                        continue
                    }
                    let page = slots.queued[current].removeFirst()
                    // The call's next page arrives while this one is taken.
                    slots.launch(current, in: &group)
                    for item in page {
                        slots.held -= 1
                        taken += 1
                        if !consume(item, MergePosition(order: item.order, call: current, index: taken - 1)) {
                            wanted = false
                            continue reading
                        }
                    }
                }
                // Pages already asked for are awaited (not cancelled): their calls count.
                while let arrival = try await group.next() { _ = slots.receive(arrival) }
                return CallMerge.Outcome(tallies: slots.tallies, peakHeld: slots.peakHeld)
            }
        } catch {
            throw CallSlots.failure(error, redact: redact)
        }
    }
}
