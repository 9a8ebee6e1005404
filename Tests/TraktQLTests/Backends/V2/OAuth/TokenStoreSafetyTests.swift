#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

@testable import TraktQL

/// Issue 22, low findings on the token file: a FIFO (or any non-file) is examined without
/// blocking, the directory is checked on load as well as on save, a corrupt or unsafe file can
/// be removed by logout, a login's checks run before it starts, and a relative
/// `XDG_CONFIG_HOME` is ignored.
@Suite struct TokenStoreSafetyTests {
    /// Runs `body` on another thread and gives up after `seconds`: a load that blocks in open(2)
    /// would hang the test for ever otherwise.
    static func finishes<T: Sendable>(within seconds: TimeInterval, _ body: @escaping @Sendable () -> T) -> T? {
        let done = DispatchSemaphore(value: 0)
        let box = Box<T>()
        Thread.detachNewThread {
            box.value = body()
            done.signal()
        }
        return done.wait(timeout: .now() + seconds) == .success ? box.value : nil
    }

    final class Box<T>: @unchecked Sendable { var value: T? }

    /// A FIFO at token.json used to block every v2 query in open(2), waiting for a writer.
    @Test func aFIFOIsRefusedAtOnce() throws {
        let (store, base) = TokenStoreTests.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createDirectory(at: store.url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        #expect(mkfifo(store.url.path, 0o600) == 0)
        let message = Self.finishes(within: 5) { () -> String in
            do {
                _ = try store.load()
                return "loaded"
            } catch {
                return (error as? OAuthError)?.message ?? "\(error)"
            }
        }
        #expect(message?.contains("it is not a regular file; remove it with `traktql auth logout`") == true, "\(message ?? "blocked")")
        // Logout's reading does not block either, and calls it unusable (so it removes it).
        let removal = Self.finishes(within: 5) { () -> Bool in
            if case .unusable = store.readForRemoval() { return true } else { return false }
        }
        #expect(removal == true)
    }

    /// Another user's FIFO (or login) in a directory others may write must not be read: the
    /// directory is checked when loading, not only when saving.
    @Test func aDirectoryOthersCanWriteIsRefusedOnLoad() throws {
        let (store, base) = TokenStoreTests.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try store.save(TokenStoreTests.sample())
        let directory = store.url.deletingLastPathComponent().path
        chmod(directory, 0o777)
        #expect { _ = try store.load() } throws: {
            ($0 as? OAuthError)?.message.contains("other users can write its directory \(directory)") == true
        }
        chmod(directory, 0o1777)
        #expect(throws: OAuthError.self, "sticky or not: they could have put the file there") { _ = try store.load() }
        chmod(directory, 0o700)
        #expect(try store.load() == TokenStoreTests.sample())
    }

    /// The advice for a corrupt token file is `traktql auth logout`; logout's reading sees it as
    /// unusable (never throws), so it can remove it.
    @Test func aCorruptFileIsUnusableForLogoutAndTheAdviceNamesLogout() throws {
        let (store, base) = TokenStoreTests.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try store.save(TokenStoreTests.sample())
        for garbage in ["not json", #"{"access_token":"a","refresh_token":"r","expires_at":1e300}"#, String(repeating: " ", count: 70_000)] {
            try Data(garbage.utf8).write(to: store.url)
            chmod(store.url.path, 0o600)
            #expect { _ = try store.load() } throws: { ($0 as? OAuthError)?.message.contains("run `traktql auth logout` to remove it") == true }
            guard case .unusable = store.readForRemoval() else {
                Issue.record("a corrupt file must be removable")
                continue
            }
        }
        // A readable login that others can read is still revoked by logout: it is read for that.
        try store.save(TokenStoreTests.sample())
        chmod(store.url.path, 0o644)
        guard case .token(let token) = store.readForRemoval() else {
            Issue.record("a login others can read is still a login to revoke")
            return
        }
        #expect(token == TokenStoreTests.sample())
    }

    /// `auth login` checks the place it will save to before it asks for a code.
    @Test func theChecksBeforeALoginFindWhatWouldStopTheSave() throws {
        let (store, base) = TokenStoreTests.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try store.checkReadyForLogin()
        let directory = store.url.deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["token.json.lock"], "nothing left behind but the lock file")
        try FileManager.default.createDirectory(atPath: store.url.path, withIntermediateDirectories: false)
        #expect { try store.checkReadyForLogin() } throws: { ($0 as? OAuthError)?.message.contains("a directory is in its place") == true }
        try FileManager.default.removeItem(atPath: store.url.path)
        try FileManager.default.removeItem(atPath: store.lockPath)
        try FileManager.default.createSymbolicLink(atPath: store.lockPath, withDestinationPath: "/etc/passwd")
        #expect { try store.checkReadyForLogin() } throws: { ($0 as? OAuthError)?.message.contains("symbolic link") == true }
        try FileManager.default.removeItem(atPath: store.lockPath)
        chmod(directory, 0o777)
        #expect { try store.checkReadyForLogin() } throws: { ($0 as? OAuthError)?.message.contains("chmod 700") == true }
    }

    /// The XDG Base Directory spec: a relative `XDG_CONFIG_HOME` is invalid and ignored (it put
    /// token.json in whatever directory traktql ran in).
    @Test func aRelativeXDGConfigHomeIsIgnored() {
        #expect(TokenStore.defaultLocation(environment: ["XDG_CONFIG_HOME": "cfg", "HOME": "/h"]).path == "/h/.config/traktql/token.json")
        #expect(TokenStore.defaultLocation(environment: ["XDG_CONFIG_HOME": "./cfg", "HOME": "/h"]).path == "/h/.config/traktql/token.json")
        #expect(TokenStore.defaultLocation(environment: ["XDG_CONFIG_HOME": "/abs", "HOME": "/h"]).path == "/abs/traktql/token.json")
        #expect(TokenStore.defaultLocation(environment: ["XDG_CONFIG_HOME": "", "HOME": "/h"]).path == "/h/.config/traktql/token.json")
        #expect(TokenStore.defaultLocation(environment: ["HOME": "relative"]).path.hasPrefix("/"))
    }
}
