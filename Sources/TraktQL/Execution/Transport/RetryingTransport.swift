import Foundation

/// When and how long to wait before trying a call again.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first one included (so `4` means up to 3 retries). At least 1.
    public var maxAttempts: Int
    /// The wait before the first retry; doubled on every further retry.
    public var baseDelay: TimeInterval
    /// No backoff wait is longer than this.
    public var maxDelay: TimeInterval
    /// A server's `Retry-After` is waited up to this many seconds; a longer one is not retried
    /// (a retry before the server's time would meet the same answer): the answer is returned,
    /// and the error says how long the server asked to wait.
    public var retryAfterCap: TimeInterval
    /// Statuses worth another try: the API's "server is over capacity" and rate limiting.
    public var retryableStatuses: Set<Int>

    public init(
        maxAttempts: Int = 4,
        baseDelay: TimeInterval = 0.5,
        maxDelay: TimeInterval = 10,
        retryAfterCap: TimeInterval = 30,
        retryableStatuses: Set<Int> = [503, 429]
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
        self.retryAfterCap = max(0, retryAfterCap)
        self.retryableStatuses = retryableStatuses
    }

    public static let `default` = RetryPolicy()

    /// The wait before retry number `retry` (1 = the first retry): exponential backoff with
    /// "equal jitter" (half fixed, half random, `unit` in 0...1), or the server's `Retry-After`
    /// (capped) when it gave one.
    public func delay(beforeRetry retry: Int, retryAfter: TimeInterval?, unit: Double) -> TimeInterval {
        if let retryAfter, retryAfter.isFinite, retryAfter >= 0 {
            return min(retryAfter, retryAfterCap)
        }
        let exponent = Double(min(max(retry - 1, 0), 30))
        let backoff = min(maxDelay, baseDelay * pow(2, exponent))
        let u = unit.isFinite ? min(max(unit, 0), 1) : 0.5
        return backoff / 2 + backoff / 2 * u
    }
}

/// Retries transient failures of the wrapped transport: 503 and 429 answers, network errors and
/// timeouts. Other statuses (400, 401, 404, …) come back at once. After the last attempt the
/// last response is returned (or the last error thrown) unchanged, so the caller still sees the
/// API's own message. All methods are retried: every call a query makes, on any backend, is a
/// read (a write would need a guard against applying twice).
public struct RetryingTransport: HTTPTransport {
    public typealias Sleeper = @Sendable (TimeInterval) async throws -> Void

    public let base: any HTTPTransport
    public let policy: RetryPolicy
    private let sleep: Sleeper
    private let random: @Sendable () -> Double
    private let onRetry: (@Sendable (RetryEvent) -> Void)?

    /// What happened before a retry, for progress output and `.timing`; descriptions are redacted.
    public struct RetryEvent: Sendable, CustomStringConvertible {
        public let request: String
        public let attempt: Int
        public let reason: String
        public let delay: TimeInterval
        public var description: String {
            "retry \(attempt) of \(request) in \(String(format: "%.2f", delay)) s after \(reason)"
        }
    }

    /// `sleep` and `random` are injectable so that tests run instantly and deterministically.
    public init(
        base: any HTTPTransport,
        policy: RetryPolicy = .default,
        sleep: @escaping Sleeper = RetryingTransport.taskSleep,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        onRetry: (@Sendable (RetryEvent) -> Void)? = nil
    ) {
        self.base = base
        self.policy = policy
        self.sleep = sleep
        self.random = random
        self.onRetry = onRetry
    }

    public static let taskSleep: Sleeper = { seconds in
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(min(seconds, 86_400) * 1_000_000_000))
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var attempt = 1
        while true {
            try Task.checkCancellation()
            let reason: String
            var retryAfter: TimeInterval?
            var lastResponse: HTTPResponse?
            var lastError: TransportError?
            do {
                let response = try await base.send(request)
                guard policy.retryableStatuses.contains(response.status), attempt < policy.maxAttempts else {
                    return response
                }
                reason = "HTTP \(response.status)"
                retryAfter = response.retryAfter
                lastResponse = response
            } catch let error as TransportError where error.isTransient && attempt < policy.maxAttempts {
                reason = error.description
                lastError = error
            }
            // A server that asks for a longer pause than the cap, or a wait that would outlast the
            // statement: no retry, the answer (or the error) goes up as it is, to be reported.
            let outlasts = retryAfter.map { $0 > policy.retryAfterCap } ?? false
            let delay = policy.delay(beforeRetry: attempt, retryAfter: retryAfter, unit: random())
            if outlasts || request.deadline.map({ Date().addingTimeInterval(delay) > $0 }) ?? false {
                if let last = lastResponse { return last }
                throw lastError ?? TransportError.network("gave up before the statement's time budget ran out")
            }
            onRetry?(RetryEvent(request: request.description, attempt: attempt, reason: reason, delay: delay))
            try await sleep(delay)
            attempt += 1
        }
    }
}
