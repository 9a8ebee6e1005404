import Foundation

/// Group commit for `--state`: journaled writes that arrive while one is being made durable
/// wait together, and the next `fsync` covers them all (``V2Service/performWrite``). The first
/// writer to find no one leading leads: it takes the waiting writes as a batch, journals them
/// with one `fsync`, applies them in that order, answers each, and goes on until none waits.
/// Every write is still on disk before anyone can see it, and answered only then.
final class CommitQueue: @unchecked Sendable {
    /// A write waiting for its turn.
    struct Pending {
        let route: WriteRoute
        let body: WriteBody
        /// The body as sent (what the journal keeps).
        let raw: [UInt8]
        let user: Int
        let nowUnix: Int64
        let answer: @Sendable (Result<EmulatorResponse, V2Error>) -> Void
    }

    private let lock = NSLock()
    private var waiting: [Pending] = []
    private var leading = false

    /// Queues `write`; true when the caller must lead (drain the queue with ``nextBatch()``).
    func enqueue(_ write: Pending) -> Bool {
        lock.locked {
            waiting.append(write)
            if leading { return false }
            leading = true
            return true
        }
    }

    /// The writes waiting now, in arrival order; nil (and no one leads any more) when none is.
    func nextBatch() -> [Pending]? {
        lock.locked {
            guard !waiting.isEmpty else {
                leading = false
                return nil
            }
            defer { waiting.removeAll(keepingCapacity: true) }
            return waiting
        }
    }
}
