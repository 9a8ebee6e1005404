import Foundation

/// The OAuth device flow: ask for a code, show it, poll until the user approves it on another
/// device (Trakt API §4.2).
///
/// Polls every `interval` seconds; a 429 slow-down adds ``slowDownStep`` to the interval (or
/// waits the server's `Retry-After`, when longer) for the rest of the flow. Pending (400) goes
/// on polling; denial (418), expiry (410, or `expires_in` passing), an unknown (404) or used
/// (409) code end it with an ``OAuthError``. No wait goes past the code's expiry, and the
/// server's numbers are clamped (``DeviceCode/intervalRange``, ``DeviceCode/longestLifetime``).
/// Cancelling the task stops it at once
/// (`CancellationError`), with nothing saved: saving is the caller's business.
public struct DeviceFlow: Sendable {
    public let client: OAuthClient
    /// Added to the interval on each slow-down (RFC 8628 says 5 s).
    public var slowDownStep: TimeInterval = 5
    /// Overrides the server's interval (tests provoke slow-downs with it).
    public var intervalOverride: TimeInterval?

    public init(client: OAuthClient) {
        self.client = client
    }

    /// What happened while waiting, for progress output.
    public enum Event: Sendable, Equatable {
        /// Poll number `poll` answered pending; `remaining` seconds are left on the code.
        case pending(poll: Int, remaining: TimeInterval)
        /// The server asked to poll less often; `interval` is the new interval.
        case slowDown(interval: TimeInterval)
    }

    /// `POST /oauth/device/code`.
    public func start() async throws -> DeviceCode {
        try await client.requestDeviceCode()
    }

    /// Polls until `code` is approved and returns the token, or throws why not.
    ///
    /// Every wait ends by the code's expiry: a wait the server asks for (`Retry-After` on a
    /// slow-down) that reaches past it ends the flow at once with ``OAuthError/Kind/expired``,
    /// instead of sleeping until after the code is dead.
    public func waitForApproval(_ code: DeviceCode, onEvent: @Sendable (Event) -> Void = { _ in }) async throws -> OAuthToken {
        let clock = ContinuousClock()
        let lifetime = OutsideNumber.clamp(code.expiresIn, to: 0...DeviceCode.longestLifetime)
        let deadline = clock.now + OutsideNumber.duration(seconds: lifetime, upTo: DeviceCode.longestLifetime)
        var interval = intervalOverride.map { OutsideNumber.clamp($0, to: 0...DeviceCode.intervalRange.upperBound) }
            ?? OutsideNumber.clamp(code.interval, to: DeviceCode.intervalRange)
        var polls = 0
        func remaining() -> TimeInterval {
            let left = deadline - clock.now
            return max(0, Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18)
        }
        func expired(_ detail: String = "") -> OAuthError {
            OAuthError(.expired, "the code \(code.userCode) expired before it was approved\(detail); start again with `\(OAuthError.loginCommand)`")
        }
        while true {
            // Wait first: the user has only just been shown the code. Never past the expiry.
            let left = remaining()
            if left <= 0 { throw expired() }
            try await clock.sleep(for: OutsideNumber.duration(seconds: min(interval, left), upTo: DeviceCode.longestLifetime))
            if clock.now >= deadline { throw expired() }
            polls += 1
            switch try await client.poll(code) {
            case .token(let token):
                return token
            case .pending:
                onEvent(.pending(poll: polls, remaining: remaining()))
            case .slowDown(let retryAfter):
                let asked = retryAfter.map { OutsideNumber.clamp($0, to: 0...1e12) } ?? 0
                let left = remaining()
                if asked >= left {
                    throw expired(" (the server asked to wait \(OutsideNumber.wholeSeconds(asked, rounding: .up)) s before polling again, "
                                  + "and the code had \(OutsideNumber.wholeSeconds(left, rounding: .down)) s left)")
                }
                interval = max(interval + slowDownStep, asked)  // below the time left, so bounded
                onEvent(.slowDown(interval: interval))
            }
        }
    }
}
