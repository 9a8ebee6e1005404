import Foundation
import Testing
import TestSupport

@testable import TraktQL
import TraktQLCurl

/// Issue 22, finding 4: a refresh is never sent unless its answer can be saved (the store's
/// lock is held and the save's file is already open), and should the save still fail, the
/// renewed pair is used for the rest of the process with a warning that says what to do.
@Suite(.serialized, .enabled(if: ReadOnlyDirectory.isAvailable, "this machine cannot make a directory read-only for this user"))
struct RefreshSaveTests {
    /// A directory that refuses new files: the refresh is not sent, the error says how to fix
    /// it, and once it is fixed the same saved pair still renews (its refresh token was never
    /// spent). Before, the refresh went out, the save failed, and the login was lost for good.
    @Test func anUnwritableDirectoryStopsTheRefreshBeforeItIsSent() async throws {
        let (store, base) = TokenStoreTests.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let client = try await DeviceFlowTests.client(DeviceFlowTests.auto)
        var token = try await DeviceFlowTests.login()
        token.expiresAt = Date().addingTimeInterval(60)  // within the 5-minute margin
        try store.save(token)
        let saved = try #require(try store.load())
        // The lock file exists already (as after any earlier use); then no new file can be made.
        try TokenFileLock.checkUsable(for: store)
        let directory = store.url.deletingLastPathComponent().path
        try #require(ReadOnlyDirectory.lock(directory))
        let refused: (any Error)?
        do {
            _ = try await RefreshingTokenSource(client: client, store: store).validToken()
            refused = nil
        } catch {
            refused = error
        }
        ReadOnlyDirectory.unlock(directory)
        let message = (refused as? OAuthError)?.message ?? "\(String(describing: refused))"
        #expect((refused as? OAuthError)?.kind == .tokenFile, "\(message)")
        #expect(message.contains("cannot save the token in \(directory)") && message.contains("chmod 700"), "\(message)")
        #expect(try store.load() == saved, "the saved pair is untouched")
        // Nothing was spent: the same pair renews now.
        let renewed = try await RefreshingTokenSource(client: client, store: store).validToken()
        #expect(renewed != nil && renewed?.accessToken != token.accessToken)
        #expect(try store.load() == renewed)
    }

    /// The save fails after the refresh went out (the directory turned read-only while the
    /// server answered): the renewed pair is used from then on in this process, the warning
    /// says so and what to do, and the next call after the directory is fixed saves it.
    @Test func aSaveThatFailsAfterTheRefreshKeepsTheRenewedPairForTheProcess() async throws {
        let (store, base) = TokenStoreTests.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let directory = store.url.deletingLastPathComponent().path
        let server = try LoopbackServer { head, _ in
            guard head.hasPrefix("POST /oauth/token ") else { return .init(status: 404, body: "{}") }
            ReadOnlyDirectory.lock(directory)
            return .init(body: #"{"access_token":"fresh-access-0123456789","refresh_token":"fresh-refresh-0123456789","expires_in":7200,"scope":"public","token_type":"bearer"}"#)
        }
        defer {
            server.stop()
            ReadOnlyDirectory.unlock(directory)
        }
        let client = try OAuthClient(baseURL: URL(string: server.baseURL)!, clientID: "c", clientSecret: "s", transport: CurlTransport())
        let old = OAuthToken(accessToken: "old-access-0123456789", refreshToken: "old-refresh-0123456789",
                             expiresAt: Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 60).rounded()), scope: "public",
                             createdAt: Date(timeIntervalSince1970: 1_700_000_000), server: client.serverIdentity)
        try store.save(old)
        let warnings = Warnings()
        let source = RefreshingTokenSource(client: client, store: store, onWarning: { warnings.add($0) })
        #expect(try await source.accessToken() == "fresh-access-0123456789")
        #expect(try store.load() == old, "the file still holds the spent pair")
        let said = warnings.all.joined(separator: "\n")
        #expect(warnings.all.count == 1, "\(said)")
        #expect(said.contains("cannot save the token to \(store.url.path)") && said.contains("goes on with the new pair")
                && said.contains("log in again with `traktql auth login`"), "\(said)")
        // Used again while the directory is still read-only: the renewed pair, no second refresh.
        #expect(try await source.accessToken() == "fresh-access-0123456789")
        #expect(server.requests.filter { $0.hasPrefix("POST /oauth/token ") }.count == 1)
        // Fixed: the next call saves it.
        ReadOnlyDirectory.unlock(directory)
        #expect(try await source.accessToken() == "fresh-access-0123456789")
        #expect(try store.load()?.accessToken == "fresh-access-0123456789")
        #expect(warnings.all.last?.contains("saved now") == true, "\(warnings.all)")
        #expect(server.requests.filter { $0.hasPrefix("POST /oauth/token ") }.count == 1)
    }

    /// Without a warning handler (an embedder), the failed save is that call's error; later
    /// calls still use the renewed pair.
    @Test func withoutAWarningHandlerTheFailedSaveIsTheError() async throws {
        let (store, base) = TokenStoreTests.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let directory = store.url.deletingLastPathComponent().path
        let server = try LoopbackServer { head, _ in
            ReadOnlyDirectory.lock(directory)
            return .init(body: #"{"access_token":"fresh-a-0123456789","refresh_token":"fresh-r-0123456789","expires_in":7200}"#)
        }
        defer {
            server.stop()
            ReadOnlyDirectory.unlock(directory)
        }
        let client = try OAuthClient(baseURL: URL(string: server.baseURL)!, clientID: "c", clientSecret: nil, transport: CurlTransport())
        try store.save(OAuthToken(accessToken: "old-a-0123456789", refreshToken: "old-r-0123456789", expiresAt: Date().addingTimeInterval(-5),
                                  scope: "", createdAt: Date(timeIntervalSince1970: 1_700_000_000), server: client.serverIdentity))
        let source = RefreshingTokenSource(client: client, store: store)
        await #expect { _ = try await source.accessToken() } throws: {
            ($0 as? TraktQLError)?.description.contains("goes on with the new pair") == true
        }
        #expect(try await source.accessToken() == "fresh-a-0123456789")
    }

    final class Warnings: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ text: String) { lock.withLock { list.append(text) } }
        var all: [String] { lock.withLock { list } }
    }
}
