import Foundation

/// Fixed-window request counting per token or client id (`--rate-limit N/PERIOD`).
final class RateLimiter: @unchecked Sendable {
    let limit: RateLimit
    private let lock = NSLock()
    private var windows: [String: (start: Double, count: Int)] = [:]

    init(_ limit: RateLimit) { self.limit = limit }

    struct Decision {
        let allowed: Bool
        let remaining: Int
        /// Seconds until the window resets (monotonic), ≥ 1.
        let resetIn: Int
    }

    func take(_ key: String, now: Double) -> Decision {
        lock.locked {
            var w = windows[key] ?? (now, 0)
            if now - w.start >= Double(limit.period) { w = (now, 0) }
            let resetIn = max(1, Int((w.start + Double(limit.period) - now).rounded(.up)))
            if w.count >= limit.limit {
                windows[key] = w
                return Decision(allowed: false, remaining: 0, resetIn: resetIn)
            }
            w.count += 1
            windows[key] = w
            return Decision(allowed: true, remaining: limit.limit - w.count, resetIn: resetIn)
        }
    }
}
