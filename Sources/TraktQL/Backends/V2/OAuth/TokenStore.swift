#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The saved login: `$XDG_CONFIG_HOME/traktql/token.json` (default `~/.config/traktql/token.json`).
///
/// The file is created with mode 0600 (never readable by others, not even for a moment: the
/// temporary file is opened 0600 and renamed over the old one, so a reader sees the old pair or
/// the new one, never half of one). Its directory is created 0700. A token file that others can
/// read or write, that belongs to another user, that is a symbolic link or not a regular file
/// (a FIFO, a device), or whose directory others can write, is refused with a message saying
/// how to fix it — and it is examined without ever blocking: it is opened non-blocking and its
/// type checked before a byte is read.
public struct TokenStore: Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// `$XDG_CONFIG_HOME/traktql/token.json`, else `$HOME/.config/traktql/token.json`.
    public static func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        configDirectory(environment: environment).appendingPathComponent("traktql/token.json")
    }

    /// `$XDG_CONFIG_HOME`, else `$HOME/.config`. The XDG Base Directory spec says a relative
    /// path in `XDG_CONFIG_HOME` is invalid and must be ignored (it would put the login in
    /// whatever directory traktql was started from); a relative `HOME` is ignored likewise.
    public static func configDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return URL(fileURLWithPath: xdg) }
        let home = environment["HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".config")
    }

    /// The largest token file read (a token file is a few hundred bytes).
    static let maximumBytes = 65_536

    var path: String { url.path }
    var directory: String { (path as NSString).deletingLastPathComponent }

    /// The saved token, or nil when there is none.
    public func load() throws(OAuthError) -> OAuthToken? {
        switch try examine() {
        case nil: return nil
        case .token(let token)?: return token
        case .unusable(let problem)?: throw fileError(problem)
        }
    }

    /// What the token file holds: a token, or why it is no token file (it exists, but its
    /// contents are not a login: not JSON, a field missing or out of range, too large).
    enum Contents {
        case token(OAuthToken)
        case unusable(String)
    }

    /// Reads the file when it is safe to; throws when it must not be read at all (unsafe
    /// directory, link, FIFO, another owner, others may read it). `forRemoval` reads a file of
    /// ours that others may read all the same (logout revokes what it holds).
    func examine(forRemoval: Bool = false) throws(OAuthError) -> Contents? {
        if !forRemoval { try checkDirectoryForReading() }
        // O_NONBLOCK: a FIFO planted at the path must not stop traktql in open(2) waiting for a
        // writer; its type is checked before anything is read.
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            let code = errno
            if code == ENOENT { return nil }
            if code == ELOOP { throw fileError("it is a symbolic link; a token file must be a plain file; remove it with `traktql auth logout`") }
            throw fileError("it cannot be opened (\(String(cString: strerror(code))))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fileError("it cannot be examined") }
        if let problem = Self.problem(with: info, path: path, ignoringMode: forRemoval) {
            throw fileError(info.st_mode & S_IFMT != S_IFREG ? problem + "; remove it with `traktql auth logout`" : problem)
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw fileError("it cannot be read")
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            if data.count > Self.maximumBytes { return .unusable("it is larger than 64 KiB, so it is not a traktql token file; \(Self.removeHint)") }
        }
        do {
            return .token(try OAuthToken(tokenFile: data))
        } catch {
            return .unusable("it is not a traktql token file (\(error.reason)); \(Self.removeHint)")
        }
    }

    static let removeHint = "run `traktql auth logout` to remove it, then log in again"

    /// Refuses to read from a directory that another user owns or may write: they could have
    /// put anything at the token's name (a FIFO, their own login).
    private func checkDirectoryForReading() throws(OAuthError) {
        var info = stat()
        guard lstat(directory, &info) == 0 else { return }  // no directory: no token
        if info.st_mode & S_IFMT != S_IFDIR {
            throw fileError("\(directory) is not a directory")
        }
        if info.st_uid != getuid() && info.st_uid != 0 {
            throw fileError("its directory \(directory) belongs to another user (uid \(info.st_uid)), who could have put anything there")
        }
        if info.st_mode & 0o022 != 0 {
            throw fileError("other users can write its directory \(directory) and could have put anything there; run: chmod 700 \(directory)")
        }
    }

    /// Why a token file with `info` must not be used, or nil when it is fine.
    static func problem(with info: stat, path: String, ignoringMode: Bool = false) -> String? {
        if info.st_mode & S_IFMT != S_IFREG { return "it is not a regular file" }
        if info.st_uid != getuid() { return "it belongs to another user (uid \(info.st_uid)), who could have swapped in their own login" }
        if !ignoringMode, info.st_mode & 0o077 != 0 {
            let mode = String(info.st_mode & 0o777, radix: 8)
            return "other users can read or write it (mode \(mode)); run: chmod 600 \(path)"
        }
        return nil
    }

    private func fileError(_ why: String) -> OAuthError {
        OAuthError(.tokenFile, "refusing the token file \(path): \(why)")
    }

    /// Saves `token`, replacing the previous one atomically.
    public func save(_ token: OAuthToken) throws(OAuthError) {
        var pending = try reserveSave()
        try pending.commit(token)
    }

    /// Opens the temporary file a save will write (0600, in the token's directory) now, so that
    /// a directory that cannot take the new pair is found before anything is spent — before a
    /// refresh goes out (its answer must be saved), before a device code is asked for.
    public func reserveSave() throws(OAuthError) -> PendingSave {
        try prepareDirectory()
        if let problem = replaceProblem() { throw OAuthError(.tokenFile, "cannot save the token to \(path): \(problem)") }
        let temporary = directory + "/.token.json.\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        // O_EXCL: never reuse (or follow a link planted at) a name; 0600 from the first byte.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw OAuthError(.tokenFile, "cannot save the token in \(directory): \(String(cString: strerror(errno))); "
                                + "make it writable (chmod 700 \(directory)) or give another place with XDG_CONFIG_HOME")
        }
        return PendingSave(fd: fd, temporary: temporary, store: self)
    }

    /// What would stop a rename onto the token's path (a directory there), or nil.
    private func replaceProblem() -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT == S_IFDIR ? "a directory is in its place" : nil
    }

    /// A save under way: the temporary file is open; ``commit(_:)`` writes the pair and renames
    /// it over the token file, ``discard()`` (or dropping it) removes it.
    public struct PendingSave: ~Copyable {
        private var fd: Int32
        private let temporary: String
        private let store: TokenStore

        fileprivate init(fd: Int32, temporary: String, store: TokenStore) {
            self.fd = fd
            self.temporary = temporary
            self.store = store
        }

        /// Writes `token`, flushes it and renames it over the token file.
        public mutating func commit(_ token: OAuthToken) throws(OAuthError) {
            let data: Data
            do {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                data = try encoder.encode(token) + Data("\n".utf8)
            } catch {
                throw OAuthError(.tokenFile, "cannot encode the token")
            }
            let descriptor = fd
            fd = -1
            var ok = fchmod(descriptor, 0o600) == 0
            var failure: Int32 = 0
            data.withUnsafeBytes { raw in
                var offset = 0
                while ok && offset < raw.count {
                    let n = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        ok = false
                    } else {
                        offset += n
                    }
                }
            }
            if ok && fsync(descriptor) != 0 { failure = errno; ok = false }
            close(descriptor)
            if ok && rename(temporary, store.path) != 0 { failure = errno; ok = false }
            guard ok else {
                unlink(temporary)
                throw OAuthError(.tokenFile, "cannot save the token to \(store.path): \(String(cString: strerror(failure)))")
            }
            // The rename is durable once the directory entry is.
            let dirFD = open(store.directory, O_RDONLY | O_CLOEXEC)
            if dirFD >= 0 {
                fsync(dirFD)
                close(dirFD)
            }
        }

        /// Removes the temporary file without saving anything.
        public mutating func discard() {
            guard fd >= 0 else { return }
            close(fd)
            fd = -1
            unlink(temporary)
        }

        deinit {
            if fd >= 0 {
                close(fd)
                unlink(temporary)
            }
        }
    }

    /// Everything a login will need, checked before it starts (so that a code approved on
    /// another device is never thrown away): the directory can be created and written, nothing
    /// blocks the file's name, and the lock file is usable.
    public func checkReadyForLogin() throws(OAuthError) {
        var pending = try reserveSave()
        pending.discard()
        try TokenFileLock.checkUsable(for: self)
    }

    /// Creates the directory 0700; refuses one that others may write (they could replace the file).
    func prepareDirectory() throws(OAuthError) {
        var info = stat()
        if lstat(directory, &info) != 0 {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw OAuthError(.tokenFile, "cannot create \(directory): \(error.localizedDescription)")
            }
            chmod(directory, 0o700)
            return
        }
        if info.st_mode & S_IFMT != S_IFDIR {
            throw OAuthError(.tokenFile, "cannot save the token: \(directory) is not a directory")
        }
        if info.st_uid != getuid() {
            throw OAuthError(.tokenFile, "refusing to save the token in \(directory): it belongs to another user (uid \(info.st_uid))")
        }
        if info.st_mode & 0o022 != 0 {
            throw OAuthError(.tokenFile, "refusing to save the token in \(directory): other users can write it and could replace the file; run: chmod 700 \(directory)")
        }
        // Ours and not writable by others, but listable: traktql's own directory becomes 0700.
        if info.st_mode & 0o077 != 0 { chmod(directory, 0o700) }
    }

    /// Deletes the saved token; false when there was none.
    @discardableResult
    public func delete() throws(OAuthError) -> Bool {
        if unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        throw OAuthError(.tokenFile, "cannot delete \(path): \(String(cString: strerror(errno)))")
    }

    /// What logout finds: the login to revoke, or why the file is no usable login (it is
    /// removed all the same: `auth logout` is the advice for a corrupt or unsafe token file).
    public enum Removal {
        case none
        case token(OAuthToken)
        case unusable(String)
    }

    /// The token file as `auth logout` sees it: never throws for the file's contents or kind.
    public func readForRemoval() -> Removal {
        do {
            switch try examine(forRemoval: true) {
            case nil: return .none
            case .token(let token)?: return .token(token)
            case .unusable(let problem)?: return .unusable(problem)
            }
        } catch {
            var info = stat()
            if lstat(path, &info) != 0 { return .none }
            return .unusable(error.message)
        }
    }
}
