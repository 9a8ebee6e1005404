/// The calls of a fan-out between their pages, as ``CallMerge`` and ``CallSequence`` keep
/// them: each call's iterator while no page of it is being fetched, which are being fetched or
/// done, the pages at hand, the tallies, and how many items are held.
struct CallSlots {
    /// The task group the calls' pages are fetched in.
    typealias Group = ThrowingTaskGroup<Arrival, any Error>

    /// A page of one call (`page` nil: the call had no more), with the call to go on with.
    struct Arrival: Sendable {
        var index: Int
        var call: CallPages.Iterator
        var page: [KeptItem]?
    }

    /// Each call between its pages; nil while a page of it is being fetched, and once it is
    /// done (its state, the identities it saw, is let go; its tally stays).
    private(set) var calls: [CallPages.Iterator?]
    private(set) var inFlight: [Bool]
    private(set) var done: [Bool]
    /// Each call's pages arrived and not yet taken.
    var queued: [[[KeptItem]]]
    private(set) var tallies: [CallPages.Tally]
    /// Items arrived and not yet handed over (the owner counts them out), and the most there were.
    var held = 0
    private(set) var peakHeld = 0

    init(_ calls: [CallPages]) {
        self.calls = calls.map { $0.makeAsyncIterator() }
        inFlight = Array(repeating: false, count: calls.count)
        done = inFlight
        queued = Array(repeating: [], count: calls.count)
        tallies = self.calls.map { $0?.tally ?? CallPages.Tally() }
    }

    var count: Int { calls.count }

    /// The pager of call `index`, while it is between pages.
    func pager(_ index: Int) -> (any CallPager)? { calls[index]?.pager }

    /// Asks for the next page of call `index`, or with `whole` for every page it has left;
    /// nothing while a page of it is on its way or after its last.
    mutating func launch(_ index: Int, whole: Bool = false, in group: inout Group) {
        guard let call = calls[index], !inFlight[index], !done[index] else { return }
        calls[index] = nil
        inFlight[index] = true
        group.addTask { try await Self.nextPage(of: call, index: index, whole: whole) }
    }

    /// Takes an arrival in: the call's state and tally; returns its page (nil: the call had no
    /// more). The owner queues what it keeps of it (``queue(_:of:)``).
    mutating func receive(_ arrival: Arrival) -> [KeptItem]? {
        let index = arrival.index
        inFlight[index] = false
        tallies[index] = arrival.call.tally
        let finished = arrival.page == nil || arrival.call.isFinished
        calls[index] = finished ? nil : arrival.call
        if finished { done[index] = true }
        return arrival.page
    }

    /// Keeps `page` of call `index` at hand.
    mutating func queue(_ page: [KeptItem], of index: Int) {
        guard !page.isEmpty else { return }
        queued[index].append(page)
        held += page.count
        peakHeld = max(peakHeld, held)
    }

    /// The next page of `call` (the call numbered `index`), or with `whole` every page left of
    /// it; a failure names the call's subject.
    private static func nextPage(of call: CallPages.Iterator, index: Int, whole: Bool) async throws(CallFailure) -> Arrival {
        var call = call
        do throws(TraktQLError) {
            guard whole else {
                let page = try await call.next()  // before `call` is copied into the arrival
                return Arrival(index: index, call: call, page: page)
            }
            var all: [KeptItem] = []
            while let page = try await call.next() { all += page }
            return Arrival(index: index, call: call, page: all)
        } catch {
            throw CallFailure(error, subject: call.pager.subject)
        }
    }

    /// What a task group of calls ended with, as the statement's failure.
    static func failure(_ error: any Error, redact: (String) -> String) -> CallFailure {
        switch error {
        case let failure as CallFailure: return failure
        case is CancellationError: return CallFailure(.network(message: "cancelled", call: ""))
        default: return CallFailure(.network(message: redact("\(error)"), call: ""))
        }
    }
}
