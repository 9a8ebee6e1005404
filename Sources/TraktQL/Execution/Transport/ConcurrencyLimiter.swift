/// At most `limit` bodies run at once; the others wait in FIFO order. For the executor's
/// fan-out (`user:a,b,c` is one call per user). A waiting task that is cancelled stops waiting
/// and throws `CancellationError`.
public actor ConcurrencyLimiter {
    public let limit: Int
    private var available: Int
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID: UInt64 = 0

    public init(limit: Int = 4) {
        self.limit = max(1, limit)
        self.available = max(1, limit)
    }

    /// Runs `body` once a slot is free, and frees the slot afterwards (also when it throws).
    public func withPermit<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire()
        do {
            let result = try await body()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }

    /// Calls currently running, for tests and progress output.
    public var inFlight: Int { limit - available }

    public func acquire() async throws {
        try Task.checkCancellation()
        if available > 0 {
            available -= 1
            return
        }
        let id = nextID
        nextID &+= 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    public func release() {
        if waiters.isEmpty {
            available = min(limit, available + 1)
        } else {
            // The slot passes straight to the oldest waiter.
            waiters.removeFirst().continuation.resume()
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}

/// A transport whose calls go through a ``ConcurrencyLimiter``: share one limiter between all
/// the calls of a query so that a fan-out never has more than `limit` requests in flight.
public struct LimitedTransport: HTTPTransport {
    public let base: any HTTPTransport
    public let limiter: ConcurrencyLimiter

    public init(base: any HTTPTransport, limiter: ConcurrencyLimiter = ConcurrencyLimiter()) {
        self.base = base
        self.limiter = limiter
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let base = self.base
        return try await limiter.withPermit { try await base.send(request) }
    }
}
