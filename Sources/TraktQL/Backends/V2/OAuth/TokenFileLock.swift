#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An exclusive advisory lock (`flock`) on `token.json.lock` beside the saved login, held while
/// one traktql re-reads, refreshes and saves the pair.
///
/// Trakt's refresh tokens work once: two processes that refresh the same pair at the same time
/// lose the login (the second sends a spent refresh token). Whoever holds this lock is the only
/// one refreshing; the others wait, then read the pair it saved.
///
/// `flock` belongs to the open file, so two holders in one process exclude each other too, and
/// the kernel drops the lock when its holder exits or dies: a crash leaves no stale lock. The
/// wait polls with a non-blocking `flock`, so it never blocks a thread, stops at its deadline,
/// and ends at once when the task is cancelled (Ctrl-C). Released when the value goes away.
public struct TokenFileLock: ~Copyable {
    private let fd: Int32
    /// The lock file.
    public let path: String

    /// How often a waiting process tries again.
    static let pollInterval: Duration = .milliseconds(25)

    /// Locks the lock file of `store`, waiting at most `timeout` seconds for another holder.
    ///
    /// Creates the store's directory (0700) and the lock file (0600, never through a symbolic
    /// link). Throws ``OAuthError/Kind/lockTimeout`` when the wait runs out, ``OAuthError/Kind/tokenFile``
    /// for an unusable lock file, and `CancellationError` when the task is cancelled meanwhile.
    public static func acquire(for store: TokenStore, timeout: TimeInterval) async throws -> TokenFileLock {
        try store.prepareDirectory()
        let path = store.lockPath
        let fd = try openLockFile(path)
        let deadline = ContinuousClock.now + OutsideNumber.duration(seconds: timeout)
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return TokenFileLock(fd: fd, path: path) }
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK || code == EAGAIN else {
                close(fd)
                throw OAuthError(.tokenFile, "cannot lock \(path): \(String(cString: strerror(code)))")
            }
            guard ContinuousClock.now < deadline else {
                close(fd)
                throw OAuthError(
                    .lockTimeout,
                    "another traktql has been renewing the saved login for more than \(OutsideNumber.wholeSeconds(timeout)) s (it holds \(path)); "
                        + "try again when it is done")
            }
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                close(fd)
                throw CancellationError()
            }
        }
    }

    /// Opens (creating) the lock file and checks it: a plain file of ours, 0600, never through a
    /// symbolic link, never waiting on a FIFO planted there.
    private static func openLockFile(_ path: String) throws(OAuthError) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0o600)
        if fd < 0 {
            let code = errno
            if code == ELOOP { throw OAuthError(.tokenFile, "refusing the lock file \(path): it is a symbolic link; remove it") }
            throw OAuthError(.tokenFile, "cannot open the lock file \(path): \(String(cString: strerror(code)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw OAuthError(.tokenFile, "cannot examine the lock file \(path)")
        }
        if let problem = TokenStore.problem(with: info, path: path) {
            close(fd)
            throw OAuthError(.tokenFile, "refusing the lock file \(path): \(problem)")
        }
        return fd
    }

    /// Checks that the lock of `store` could be taken (its file opens and is safe) without
    /// taking it: `auth login` checks this before it asks for a device code.
    static func checkUsable(for store: TokenStore) throws(OAuthError) {
        try store.prepareDirectory()
        close(try openLockFile(store.lockPath))
    }

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// Releases the lock now (otherwise it goes when the value does).
    public consuming func release() {}

    deinit {
        // Closing the only descriptor of the open file drops its flock.
        close(fd)
    }
}

extension TokenStore {
    /// `token.json.lock` beside the token file (see ``TokenFileLock``). It is never deleted:
    /// removing a lock file while someone waits on it would let two processes lock two files.
    public var lockPath: String { path + ".lock" }
}
