import Foundation

/// Work split over the cores for the dataset's generation, with results that do not depend on
/// how it was split: each part is computed from its own inputs only, and the results come back
/// in part order.
enum Parallel {
    /// The parts a split should aim for: one per core, at most ``maximumParts``.
    static var parts: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, maximumParts)) }
    static let maximumParts = 8

    /// `body(0)`, …, `body(count - 1)`, on up to `threads` threads: the calling thread and
    /// threads of its own (a synchronous caller, a task on the cooperative pool included, must
    /// not wait for a pool that it occupies). Each thread takes the next index not yet taken, so
    /// a thread that starts late or gets slow parts does less; the results come back in index
    /// order whoever computed them.
    static func map<T: Sendable>(_ count: Int, threads: Int = parts, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        guard count > 1 else { return count == 1 ? [body(0)] : [] }
        let results = Results<T>(count: count)
        let helpers = max(1, min(threads, count)) - 1
        let done = DispatchSemaphore(value: 0)
        @Sendable func work() {
            while let index = results.take() { results.set(index, body(index)) }
        }
        for _ in 0..<helpers {
            let thread = Thread {
                work()
                done.signal()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        work()
        for _ in 0..<helpers { done.wait() }
        return results.all()
    }

    /// `first()` on the calling thread while `second()` runs on a thread of its own.
    static func pair<A: Sendable, B: Sendable>(_ first: @escaping @Sendable () -> A, _ second: @escaping @Sendable () -> B) -> (A, B) {
        let box = Results<B>(count: 1)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.set(0, second())
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        let a = first()
        done.wait()
        return (a, box.all()[0])
    }

    /// Splits `weights.indices` into at most `parts` contiguous ranges of about equal total
    /// weight (none empty), in order.
    static func ranges(weights: [Double], parts: Int) -> [Range<Int>] {
        let n = weights.count
        guard n > 0 else { return [] }
        let parts = max(1, min(parts, n))
        let total = weights.reduce(0, +)
        var ranges: [Range<Int>] = []
        var start = 0
        var accumulated = 0.0
        for i in 0..<n {
            accumulated += weights[i]
            let boundary = total * Double(ranges.count + 1) / Double(parts)
            let remainingParts = parts - ranges.count - 1
            if ranges.count < parts - 1 && (accumulated >= boundary || n - (i + 1) == remainingParts) {
                ranges.append(start..<(i + 1))
                start = i + 1
            }
        }
        ranges.append(start..<n)
        return ranges.filter { !$0.isEmpty }
    }

    /// Results written by the parts' threads, read once all have finished.
    private final class Results<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [T?]
        private var next = 0

        init(count: Int) { values = Array(repeating: nil, count: count) }

        /// The next index nobody has taken, or nil when all are.
        func take() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < values.count else { return nil }
            next += 1
            return next - 1
        }

        func set(_ index: Int, _ value: T) {
            lock.lock()
            values[index] = value
            lock.unlock()
        }

        func all() -> [T] {
            lock.lock()
            defer { lock.unlock() }
            return values.map { $0! }
        }
    }
}
