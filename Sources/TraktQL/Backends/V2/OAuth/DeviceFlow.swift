import Foundation

/// The OAuth device flow: ask for a code, show it, poll until the user approves it on another
/// device (Trakt API §4.2).
///
/// Polls every `interval` seconds; a 429 slow-down adds ``slowDownStep`` to the interval (or
/// waits the server's `Retry-After`, when longer) for the rest of the flow. Pending (400) goes
/// on polling; denial (418), expiry (410, or `expires_in` passing), an unknown (404) or used
/// (409) code end it with an ``OAuthError``. Cancelling the task stops it at once
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
    public func waitForApproval(_ code: DeviceCode, onEvent: @Sendable (Event) -> Void = { _ in }) async throws -> OAuthToken {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(code.expiresIn * 1000))
        var interval = intervalOverride ?? code.interval
        var polls = 0
        while true {
            // Wait first: the user has only just been shown the code.
            try await clock.sleep(for: .milliseconds(Int64(interval * 1000)))
            if clock.now >= deadline {
                throw OAuthError(.expired, "the code \(code.userCode) expired before it was approved; start again with `traktql auth login`")
            }
            polls += 1
            switch try await client.poll(code) {
            case .token(let token):
                return token
            case .pending:
                let left = deadline - clock.now
                onEvent(.pending(poll: polls, remaining: max(0, Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18)))
            case .slowDown(let retryAfter):
                interval = max(interval + slowDownStep, retryAfter ?? 0)
                onEvent(.slowDown(interval: interval))
            }
        }
    }
}
