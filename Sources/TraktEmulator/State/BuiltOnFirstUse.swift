import Foundation

/// A value built the first time it is read, once, and kept: for what only some sessions need
/// (the v2 pre-rendered fragments cost ~22 ms of CPU at the default scale, and a v1 session
/// never reads them). Readers that arrive while it is being built wait for that build; nobody
/// builds it twice.
final class BuiltOnFirstUse<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var built: Value?
    private let build: @Sendable () -> Value

    init(_ build: @escaping @Sendable () -> Value) {
        self.build = build
    }

    /// The value, built now if this is the first read.
    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        let made = build()
        built = made
        return made
    }

    /// Whether it has been built (for tests and warm-up decisions).
    var isBuilt: Bool { lock.locked { built != nil } }
}
