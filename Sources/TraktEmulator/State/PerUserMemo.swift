import Foundation

/// A derived per-user view computed once and kept: the dataset never changes while the server
/// runs, so a view that scans a user's whole history (the watchlist scans every watch to drop
/// what was watched after listing) need not be rebuilt on every request. Without it a large-scale
/// watchlist page cost ~15 ms of CPU; with it, the cost of rendering one page.
/// A per-user value kept for one version of the user's data (a newer version replaces it).
final class VersionedMemo<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: (version: UInt32, value: Value)] = [:]

    func value(for user: Int, version: UInt32, _ compute: () -> Value) -> Value {
        if let known = lock.locked({ values[user] }), known.version == version { return known.value }
        let computed = compute()
        lock.locked { values[user] = (version, computed) }
        return computed
    }

    /// Forgets every value (versions start again after a reset).
    func removeAll() { lock.locked { values.removeAll() } }
}

final class PerUserMemo<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: Value] = [:]

    func value(for user: Int, _ compute: () -> Value) -> Value {
        if let known = lock.locked({ values[user] }) { return known }
        // Computed outside the lock: two first requests for one user may both compute it, and
        // produce the same value (the dataset is immutable).
        let computed = compute()
        lock.locked { values[user] = computed }
        return computed
    }
}
