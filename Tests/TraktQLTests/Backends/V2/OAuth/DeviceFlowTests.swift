import Foundation
import Testing
import TraktEmulator
import TraktEmulatorServer

@testable import TraktQL
import TraktQLCurl

/// The device flow, refresh and revoke against the real emulator on loopback (one server per
/// approval mode: auto, deny, manual; and one with a polling interval, for slow-down).
@Suite struct DeviceFlowTests {
    static let clientID = "oauth-test-client"
    static let secret = "oauth-test-secret-0123456789"

    static func server(_ approval: DeviceApproval, interval: Int = 0, lifetime: Int = 600) -> Task<EmulatorServer, any Error> {
        Task {
            var c = EmulatorConfiguration(seed: 7, size: DatasetSize(activities: 2_000))
            c.v2 = V2Settings(clientID: clientID, clientSecret: secret, tokenUser: "justin", deviceApproval: approval, tokenTTL: 3600,
                              rateLimit: .off, deviceInterval: interval, deviceCodeLifetime: lifetime)
            // The test approves from this machine (POST /emulator/approve).
            c.v2.approveFromLoopback = true
            return try await EmulatorServer.start(c)
        }
    }

    static let auto = server(.auto)
    static let deny = server(.deny)
    static let manual = server(.manual)
    static let slow = server(.auto, interval: 2)
    static let shortLived = server(.manual, lifetime: 1)

    static func client(_ server: Task<EmulatorServer, any Error>, secret: String = secret) async throws -> OAuthClient {
        try OAuthClient(baseURL: try await server.value.baseURL, clientID: clientID, clientSecret: secret, transport: CurlTransport())
    }

    static func flow(_ server: Task<EmulatorServer, any Error>, every interval: TimeInterval = 0.05) async throws -> DeviceFlow {
        var flow = DeviceFlow(client: try await client(server))
        flow.intervalOverride = interval
        return flow
    }

    /// Collects the flow's events.
    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [DeviceFlow.Event] = []
        func add(_ e: DeviceFlow.Event) { lock.withLock { list.append(e) } }
        var all: [DeviceFlow.Event] { lock.withLock { list } }
    }

    @Test func codePendingThenToken() async throws {
        let flow = try await Self.flow(Self.auto)
        let code = try await flow.start()
        #expect(code.userCode.count == 8)
        #expect(code.verificationURL == "https://trakt.tv/activate")
        #expect(code.prefilledURL == "https://trakt.tv/activate/" + code.userCode)
        #expect(code.expiresIn == 600)
        let events = Events()
        let token = try await flow.waitForApproval(code) { events.add($0) }
        // auto approval: the first poll is pending, the second gets the token.
        #expect(events.all.count == 1)
        if case .pending(let poll, let remaining)? = events.all.first {
            #expect(poll == 1 && remaining > 590)
        } else {
            Issue.record("expected one pending event, got \(events.all)")
        }
        #expect(token.scope == "public")
        #expect(abs(token.expiresAt.timeIntervalSince(token.createdAt) - 3600) < 1)
        #expect(abs(token.createdAt.timeIntervalSinceNow) < 60)
        let client = try await Self.client(Self.auto)
        #expect(token.server == client.serverIdentity)
        #expect(try await client.account(accessToken: token.accessToken).username == "justin")
        // The code is spent, and a code the server never issued is refused.
        await #expect { _ = try await client.poll(code) } throws: { ($0 as? OAuthError)?.kind == .alreadyUsed }
        var bogus = code
        bogus.deviceCode = String(repeating: "0", count: 64)
        await #expect { _ = try await client.poll(bogus) } throws: { ($0 as? OAuthError)?.kind == .invalidCode }
    }

    @Test func slowDownLengthensTheInterval() async throws {
        // Polling at once, twice: the second poll comes sooner than the server's 2 s (even on a
        // loaded machine) and is told to slow down.
        var flow = try await Self.flow(Self.slow, every: 0)
        flow.slowDownStep = 2
        let code = try await flow.start()
        #expect(code.interval == 2)
        let events = Events()
        let token = try await flow.waitForApproval(code) { events.add($0) }
        #expect(!token.accessToken.isEmpty)
        #expect(events.all.contains(.slowDown(interval: 2)), "\(events.all)")
    }

    @Test func denialEndsTheFlow() async throws {
        let flow = try await Self.flow(Self.deny)
        let code = try await flow.start()
        await #expect {
            _ = try await flow.waitForApproval(code)
        } throws: { error in
            let e = error as? OAuthError
            return e?.kind == .denied && e?.traktQLError.exitCode == 2 && e!.message.contains("denied")
        }
    }

    @Test func expiredCodeEndsTheFlow() async throws {
        let flow = try await Self.flow(Self.shortLived, every: 0.4)
        var code = try await flow.start()
        #expect(code.expiresIn == 1)
        code.expiresIn = 60  // so that the server's 410, not our own deadline, ends it
        let started = ContinuousClock.now
        await #expect { _ = try await flow.waitForApproval(code) } throws: { ($0 as? OAuthError)?.kind == .expired }
        #expect(ContinuousClock.now - started < .seconds(10))
        // Our own deadline, too.
        let second = try await flow.start()
        await #expect { _ = try await flow.waitForApproval(second) } throws: { ($0 as? OAuthError)?.kind == .expired }
    }

    @Test func cancellingStopsPollingAtOnce() async throws {
        let flow = try await Self.flow(Self.manual, every: 0.1)
        let code = try await flow.start()
        let task = Task { try await flow.waitForApproval(code) }
        try await Task.sleep(for: .milliseconds(400))
        let started = ContinuousClock.now
        task.cancel()
        let result = await task.result
        #expect(ContinuousClock.now - started < .seconds(2))
        guard case .failure(let error) = result else { Issue.record("a cancelled flow returned a token"); return }
        #expect(error is CancellationError, "\(error)")
    }

    @Test func manualApprovalByTheEmulatorExtension() async throws {
        let flow = try await Self.flow(Self.manual, every: 0.1)
        let code = try await flow.start()
        let server = try await Self.manual.value
        let other = try #require(server.dataset.catalogUsers.map(\.username).first { $0 != "justin" })
        let waiting = Task { try await flow.waitForApproval(code) }
        // Never wait for ever: a failed approval would leave the flow polling.
        let guardTask = Task {
            try await Task.sleep(for: .seconds(30))
            waiting.cancel()
        }
        defer { guardTask.cancel() }
        try await Task.sleep(for: .milliseconds(300))
        let body = try JSONSerialization.data(withJSONObject: ["user": other])
        let request = HTTPRequest(method: "POST", url: server.baseURL.appendingPathComponent("emulator/approve/\(code.userCode)"),
                                  headers: ["Content-Type": "application/json"], body: body, timeout: 10)
        let approved = try await CurlTransport().send(request)
        #expect(approved.status == 200, "\(String(decoding: approved.body, as: UTF8.self))")
        if approved.status != 200 { waiting.cancel() }
        let token = try await waiting.value
        #expect(try await flow.client.account(accessToken: token.accessToken).username == other)
    }

    @Test func wrongSecretIsAnInvalidClient() async throws {
        let client = try await Self.client(Self.auto, secret: "wrong")
        let code = try await client.requestDeviceCode()  // no secret needed for the code
        await #expect { _ = try await client.poll(code) } throws: { ($0 as? OAuthError)?.kind == .invalidClient }
    }

    /// A token from the auto server.
    static func login() async throws -> OAuthToken {
        let flow = try await Self.flow(Self.auto)
        return try await flow.waitForApproval(try await flow.start())
    }

    @Test func refreshSavesTheNewPairAndTheOldRefreshTokenIsSpent() async throws {
        let (store, base) = TokenStoreTests.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let client = try await Self.client(Self.auto)
        var token = try await Self.login()
        token.expiresAt = Date().addingTimeInterval(60)  // within the 5-minute margin
        try store.save(token)
        let source = RefreshingTokenSource(client: client, store: store)
        let fresh = try #require(try await source.accessToken())
        #expect(fresh != token.accessToken)
        let saved = try #require(try store.load())
        #expect(saved.accessToken == fresh, "saved before it was handed out")
        #expect(saved.refreshToken != token.refreshToken)
        #expect(saved.expiresAt.timeIntervalSinceNow > 3000)
        // Used again: the same token, no second refresh.
        #expect(try await source.accessToken() == fresh)
        #expect(try await client.account(accessToken: fresh).username == "justin")
        // The old pair is spent: its refresh token is refused, its access token ends.
        await #expect { _ = try await client.refresh(token) } throws: { ($0 as? OAuthError)?.kind == .invalidGrant }
        await #expect { _ = try await client.account(accessToken: token.accessToken) } throws: { ($0 as? OAuthError)?.kind == .notLoggedIn }
        // A login whose refresh token is spent: "not logged in", exit 2.
        var stale = token
        stale.expiresAt = Date().addingTimeInterval(-10)
        let dead = RefreshingTokenSource(client: client, store: nil, token: stale)
        await #expect {
            _ = try await dead.accessToken()
        } throws: { error in
            let e = error as? TraktQLError
            return e?.exitCode == 2 && e!.description.contains("not logged in") && e!.description.contains("run `traktql auth login`")
        }
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        let client = try await Self.client(Self.auto)
        var token = try await Self.login()
        token.expiresAt = Date().addingTimeInterval(30)
        let source = RefreshingTokenSource(client: client, store: nil, token: token)
        async let a = source.accessToken()
        async let b = source.accessToken()
        async let c = source.accessToken()
        let got = try await [a, b, c]
        #expect(Set(got).count == 1, "one refresh (a second would have failed on the spent refresh token)")
        #expect(got[0] != token.accessToken)
    }

    @Test func missingOrForeignLogin() async throws {
        let (store, base) = TokenStoreTests.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let client = try await Self.client(Self.auto)
        await #expect {
            _ = try await RefreshingTokenSource(client: client, store: store).accessToken()
        } throws: { ($0 as? TraktQLError)?.description.contains("not logged in to Trakt v2 (no saved login); run `traktql auth login`") == true }
        #expect(try await RefreshingTokenSource(client: client, store: store, requiresLogin: false).accessToken() == nil)
        var foreign = try await Self.login()
        foreign.server = "http://127.0.0.1:9"
        await #expect {
            _ = try await RefreshingTokenSource(client: client, store: nil, token: foreign).accessToken()
        } throws: { ($0 as? TraktQLError)?.description.contains("the saved login is for http://127.0.0.1:9") == true }
    }

    /// A source that lives across `.login` and `.logout` sees both: the store is read each time.
    @Test func sourceFollowsTheStore() async throws {
        let (store, base) = TokenStoreTests.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let client = try await Self.client(Self.auto)
        let source = RefreshingTokenSource(client: client, store: store, requiresLogin: false)
        #expect(try await source.accessToken() == nil)
        let token = try await Self.login()
        try store.save(token)
        #expect(try await source.accessToken() == token.accessToken)
        try store.delete()
        #expect(try await source.accessToken() == nil)
    }

    @Test func revokeEndsTheToken() async throws {
        let client = try await Self.client(Self.auto)
        let token = try await Self.login()
        #expect(try await client.account(accessToken: token.accessToken).username == "justin")
        try await client.revoke(token)
        await #expect { _ = try await client.account(accessToken: token.accessToken) } throws: { ($0 as? OAuthError)?.kind == .notLoggedIn }
        await #expect { _ = try await client.refresh(token) } throws: { ($0 as? OAuthError)?.kind == .invalidGrant }
    }

    @Test func tokensGoOnlyToLoopbackOverPlainHTTP() throws {
        for url in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:2", "https://api.trakt.tv"] {
            _ = try OAuthClient(baseURL: URL(string: url)!, clientID: "x", clientSecret: nil, transport: CurlTransport())
        }
        for url in ["http://api.trakt.tv", "http://192.168.1.10:8080", "http://127.0.0.1.evil.example", "ftp://127.0.0.1"] {
            #expect {
                _ = try OAuthClient(baseURL: URL(string: url)!, clientID: "x", clientSecret: nil, transport: CurlTransport())
            } throws: { error in
                let e = error as? OAuthError
                return e?.kind == .insecureURL && e?.traktQLError.exitCode == 1
            }
        }
    }

    @Test func errorsNeverHoldTheSecretOrTokens() async throws {
        let token = try await Self.login()
        let client = try await Self.client(Self.auto)
        var failures: [String] = []
        do { _ = try await client.refresh(token); _ = try await client.refresh(token) } catch { failures.append("\(error)") }
        do { try await client.revoke(token); _ = try await client.account(accessToken: token.accessToken) } catch { failures.append("\(error)") }
        #expect(failures.count == 2)
        for text in failures {
            for secret in [Self.secret, token.accessToken, token.refreshToken] { #expect(!text.contains(secret), "\(text)") }
        }
    }
}
