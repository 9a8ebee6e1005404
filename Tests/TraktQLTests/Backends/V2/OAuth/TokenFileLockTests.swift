#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TraktEmulator
import TraktEmulatorServer

@testable import TraktQL
import TraktQLCurl

/// The lock around "re-read, refresh, save" of the saved login (``TokenFileLock``): several
/// sources refreshing one store at once make one refresh and all get its pair; a lock held too
/// long is a clear error; a wait is cancellable; an unsafe lock file is refused.
///
/// The emulator answers every request 300 ms late, so concurrent refreshes really overlap:
/// without the lock each source would send the same single-use refresh token, and all but
/// one would lose the login (invalid_grant).
@Suite struct TokenFileLockTests {
    static let clientID = "lock-test-client"

    static let server = Task {
        var c = EmulatorConfiguration(seed: 11, size: DatasetSize(activities: 500), faults: try FaultSpec(parsing: "latency:300ms"))
        c.v2 = V2Settings(clientID: clientID, tokenUser: "justin", deviceApproval: .auto, tokenTTL: 3600, rateLimit: .off, deviceInterval: 0)
        return try await EmulatorServer.start(c)
    }

    static func client() async throws -> OAuthClient {
        try OAuthClient(baseURL: try await server.value.baseURL, clientID: clientID, clientSecret: nil, transport: CurlTransport())
    }

    /// A store holding a real login of the emulator that is about to expire (inside the margin).
    static func expiringLogin() async throws -> (TokenStore, String, OAuthToken) {
        var flow = DeviceFlow(client: try await client())
        flow.intervalOverride = 0.01
        var token = try await flow.waitForApproval(try await flow.start())
        token.expiresAt = Date().addingTimeInterval(60)
        let (store, base) = TokenStoreTests.freshStore()
        try store.save(token)
        // As read back (the file keeps whole seconds).
        return (store, base, try #require(try store.load()))
    }

    @Test func sourcesSharingAStoreRefreshOnceAndAllGetTheNewPair() async throws {
        let (store, base, old) = try await Self.expiringLogin()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let client = try await Self.client()
        let seen = Seen()
        // Separate sources, as separate traktql processes would have: no in-memory sharing.
        let sources = (0..<4).map { _ in RefreshingTokenSource(client: client, store: store, onNewToken: { seen.add($0) }) }
        let results = await withTaskGroup(of: Result<String, any Error>.self) { group in
            for source in sources {
                group.addTask {
                    do {
                        return .success(try await source.validToken()?.accessToken ?? "")
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let tokens = results.compactMap { try? $0.get() }
        #expect(tokens.count == 4, "every source got a token: \(results.compactMap { if case .failure(let e) = $0 { "\(e)" } else { nil } })")
        let saved = try #require(try store.load())
        #expect(Set(tokens) == [saved.accessToken], "one refresh, whose pair every source uses")
        #expect(saved.accessToken != old.accessToken && saved.refreshToken != old.refreshToken)
        #expect(saved.expiresAt.timeIntervalSinceNow > 3000)
        #expect(try await client.account(accessToken: saved.accessToken).username == "justin")
        // Every source saw the new pair (its own refresh, or the one it found after the wait),
        // so a session's redactor learns it either way.
        #expect(seen.count(of: saved) == 4)
        // The lock file: beside the token, private, and kept (removing it would let two
        // processes lock two different files).
        var info = stat()
        #expect(lstat(store.lockPath, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && info.st_mode & 0o777 == 0o600)
        #expect(store.lockPath == store.url.path + ".lock")
    }

    @Test func aLockHeldTooLongIsAClearErrorAndNothingIsRefreshed() async throws {
        let (store, base, old) = try await Self.expiringLogin()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let held = try await TokenFileLock.acquire(for: store, timeout: 1)
        let source = RefreshingTokenSource(client: try await Self.client(), store: store, lockTimeout: 0.5)
        let started = ContinuousClock.now
        await #expect {
            _ = try await source.accessToken()
        } throws: { error in
            let e = error as? TraktQLError
            return e?.exitCode == 2 && e!.description.contains("another traktql has been renewing the saved login")
                && e!.description.contains(store.lockPath)
        }
        #expect(ContinuousClock.now - started < .seconds(15), "the wait is bounded (0.5 s asked; the default is 40 s; 2 busy cores)")
        #expect(try store.load() == old, "nothing was refreshed")
        held.release()
        // Released: the same source now refreshes.
        #expect(try await source.accessToken() != old.accessToken)
    }

    @Test func waitingForTheLockEndsWhenCancelled() async throws {
        let (store, base, old) = try await Self.expiringLogin()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let held = try await TokenFileLock.acquire(for: store, timeout: 1)
        let source = RefreshingTokenSource(client: try await Self.client(), store: store, lockTimeout: 60)
        let waiter = Task { try await source.accessToken() }
        try await Task.sleep(for: .milliseconds(200))
        let cancelled = ContinuousClock.now
        waiter.cancel()
        let outcome = await waiter.result
        #expect(ContinuousClock.now - cancelled < .seconds(3), "Ctrl-C does not wait for the lock")
        #expect(throws: (any Error).self) { try outcome.get() }
        #expect(try store.load() == old, "nothing was refreshed")
        held.release()
    }

    @Test func aLinkedLockFileIsRefused() async throws {
        let (store, base, _) = try await Self.expiringLogin()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let elsewhere = base + "/elsewhere"
        #expect(FileManager.default.createFile(atPath: elsewhere, contents: nil))
        #expect(symlink(elsewhere, store.lockPath) == 0)
        await #expect {
            _ = try await TokenFileLock.acquire(for: store, timeout: 1)
        } throws: { ($0 as? OAuthError)?.message.contains("it is a symbolic link") == true }
    }

    /// The token pairs a source reported through `onNewToken`.
    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var tokens: [OAuthToken] = []
        func add(_ token: OAuthToken) { lock.withLock { tokens.append(token) } }
        func count(of token: OAuthToken) -> Int { lock.withLock { tokens.filter { $0 == token }.count } }
    }
}
