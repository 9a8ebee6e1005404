import Foundation

/// Threads for blocking work (socket exchanges), kept between jobs: creating a thread per call
/// costs more than the call itself on a loaded machine, and blocking calls must stay off Swift's
/// cooperative pool. Grows on demand up to ``maximumThreads``; idle threads wait for the next
/// job and exit after ``idleSeconds`` without one.
final class BlockingWorkers: @unchecked Sendable {
    static let shared = BlockingWorkers()

    /// Jobs beyond this many at once wait their turn (the engine's own concurrency limit is lower).
    let maximumThreads = 16
    let idleSeconds = 10.0

    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var threads = 0
    private var idle = 0

    func run(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        if idle > 0 {
            condition.signal()
        } else if threads < maximumThreads {
            threads += 1
            let thread = Thread { [self] in work() }
            thread.stackSize = 256 * 1024
            thread.start()
        }
        condition.unlock()
    }

    private func work() {
        condition.lock()
        while true {
            if !jobs.isEmpty {
                let job = jobs.removeFirst()
                condition.unlock()
                job()
                condition.lock()
                continue
            }
            idle += 1
            let signalled = condition.wait(until: Date(timeIntervalSinceNow: idleSeconds))
            idle -= 1
            if !signalled && jobs.isEmpty {
                threads -= 1
                condition.unlock()
                return
            }
        }
    }
}
