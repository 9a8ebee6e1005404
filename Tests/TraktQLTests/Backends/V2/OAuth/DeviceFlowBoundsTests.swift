import Foundation
import Testing
import TestSupport

@testable import TraktQL
import TraktQLCurl

/// Issue 22, finding 8 (and the device-poll half of finding 2): every wait of the device flow
/// ends by the code's expiry, and the polling interval has a floor of 1 s. Against a loopback
/// server that answers what a hostile or broken server would.
@Suite struct DeviceFlowBoundsTests {
    /// A server whose device code lives `expiresIn` s with `interval`, and whose every poll gets
    /// `poll` (status, headers).
    static func server(expiresIn: String, interval: String, poll: LoopbackServer.Reply) throws -> LoopbackServer {
        try LoopbackServer { head, _ in
            if head.hasPrefix("POST /oauth/device/code ") {
                return .init(body: #"{"device_code":"dev-0123456789","user_code":"ABCD1234","verification_url":"https://trakt.tv/activate","expires_in":\#(expiresIn),"interval":\#(interval)}"#)
            }
            return poll
        }
    }

    static func flow(_ server: LoopbackServer) throws -> DeviceFlow {
        DeviceFlow(client: try OAuthClient(baseURL: URL(string: server.baseURL)!, clientID: "c", clientSecret: nil, transport: CurlTransport()))
    }

    static func polls(_ server: LoopbackServer) -> Int { server.requests.filter { $0.hasPrefix("POST /oauth/device/token ") }.count }

    /// `expires_in: 3` and `Retry-After: 100000000` used to wait for ever; `Retry-After: 1e300`
    /// trapped. Now the flow ends at once: the asked-for wait reaches past the code's life.
    @Test(arguments: ["100000000", "1e300"])
    func aSlowDownPastTheExpiryEndsTheFlowAtOnce(retryAfter: String) async throws {
        let server = try Self.server(expiresIn: "3", interval: "1", poll: .init(status: 429, headers: ["Retry-After": retryAfter], body: "{}"))
        defer { server.stop() }
        let flow = try Self.flow(server)
        let code = try await flow.start()
        let started = ContinuousClock.now
        await #expect { _ = try await flow.waitForApproval(code) } throws: { error in
            let error = error as? OAuthError
            return error?.kind == .expired && error?.message.contains("the server asked to wait") == true
                && error?.message.contains("start again with `traktql auth login`") == true
        }
        #expect(ContinuousClock.now - started < .seconds(3), "ended by the code's expiry (3 s), not after the server's wait")
        #expect(Self.polls(server) == 1)
    }

    /// `interval: 0` used to poll in a tight loop (114 polls in 5 s); the floor is 1 s, and the
    /// flow ends with the code's life.
    @Test func aZeroIntervalPollsOncePerSecondAndStopsAtTheExpiry() async throws {
        let server = try Self.server(expiresIn: "3", interval: "0", poll: .init(status: 400, body: #"{"error":"authorization_pending"}"#))
        defer { server.stop() }
        let flow = try Self.flow(server)
        let code = try await flow.start()
        #expect(code.interval == 1)
        let started = ContinuousClock.now
        await #expect { _ = try await flow.waitForApproval(code) } throws: { ($0 as? OAuthError)?.kind == .expired }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .seconds(2.5) && elapsed < .seconds(6), "\(elapsed)")
        #expect((1...3).contains(Self.polls(server)), "\(Self.polls(server)) polls in 3 s")
    }
}
