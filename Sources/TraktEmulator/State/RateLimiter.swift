import Foundation

/// Fixed-window request counting per token or client id (`--rate-limit N/PERIOD`).
///
/// The windows a client can make it keep are bounded: windows whose period is over are purged,
/// and past ``maximumWindows`` live ones, new keys share one overflow window (so a client that
/// invents a new client id for every request is still limited, together with the others).
final class RateLimiter: @unchecked Sendable {
    let limit: RateLimit
    private let lock = NSLock()
    private var windows: [String: (start: Double, count: Int)] = [:]
    /// When windows were last purged (monotonic seconds).
    private var lastPurge = 0.0

    /// Live windows kept at most.
    static let maximumWindows = 100_000
    /// The window new keys share once ``maximumWindows`` are live.
    static let overflowKey = "\u{0}overflow"

    init(_ limit: RateLimit) { self.limit = limit }

    struct Decision {
        let allowed: Bool
        let remaining: Int
        /// Seconds until the window resets (monotonic), ≥ 1.
        let resetIn: Int
    }

    /// How many windows are kept.
    var windowCount: Int { lock.locked { windows.count } }

    func take(_ key: String, now: Double) -> Decision {
        lock.locked {
            var key = key
            if windows[key] == nil {
                // Purge at most once a second, and only when the table is worth scanning.
                if windows.count >= 1_024, now - lastPurge >= 1 {
                    lastPurge = now
                    let period = Double(limit.period)
                    windows = windows.filter { now - $0.value.start < period }
                }
                if windows.count >= Self.maximumWindows { key = Self.overflowKey }
            }
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
