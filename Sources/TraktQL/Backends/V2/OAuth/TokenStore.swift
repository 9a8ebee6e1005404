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
/// read or write, that belongs to another user, or that is a symbolic link is refused with a
/// message saying how to fix it.
public struct TokenStore: Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// `$XDG_CONFIG_HOME/traktql/token.json`, else `$HOME/.config/traktql/token.json`.
    public static func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()).appendingPathComponent(".config")
        return base.appendingPathComponent("traktql/token.json")
    }

    /// The largest token file read (a token file is a few hundred bytes).
    static let maximumBytes = 65_536

    var path: String { url.path }
    var directory: String { (path as NSString).deletingLastPathComponent }

    /// The saved token, or nil when there is none.
    public func load() throws(OAuthError) -> OAuthToken? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { return nil }
            if code == ELOOP { throw fileError("it is a symbolic link; a token file must be a plain file") }
            throw fileError("it cannot be opened (\(String(cString: strerror(code))))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fileError("it cannot be examined") }
        if let problem = Self.problem(with: info, path: path) { throw fileError(problem) }
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
            if data.count > Self.maximumBytes { throw fileError("it is larger than 64 KiB, so it is not a traktql token file") }
        }
        do {
            return try JSONDecoder().decode(OAuthToken.self, from: data)
        } catch {
            throw fileError("it is not a traktql token file (\(Self.decodingProblem(error))); run `traktql auth logout` and log in again")
        }
    }

    /// Why a token file with `info` must not be used, or nil when it is fine.
    static func problem(with info: stat, path: String) -> String? {
        if info.st_mode & S_IFMT != S_IFREG { return "it is not a regular file" }
        if info.st_uid != getuid() { return "it belongs to another user (uid \(info.st_uid)), who could have swapped in their own login" }
        if info.st_mode & 0o077 != 0 {
            let mode = String(info.st_mode & 0o777, radix: 8)
            return "other users can read or write it (mode \(mode)); run: chmod 600 \(path)"
        }
        return nil
    }

    private func fileError(_ why: String) -> OAuthError {
        OAuthError(.tokenFile, "refusing the token file \(path): \(why)")
    }

    private static func decodingProblem(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: return "no \(key.stringValue)"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?: return "bad \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "not JSON"
        }
    }

    /// Saves `token`, replacing the previous one atomically.
    public func save(_ token: OAuthToken) throws(OAuthError) {
        try prepareDirectory()
        let data: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            data = try encoder.encode(token) + Data("\n".utf8)
        } catch {
            throw OAuthError(.tokenFile, "cannot encode the token")
        }
        let temporary = directory + "/.token.json.\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        // O_EXCL: never reuse (or follow a link planted at) a name; 0600 from the first byte.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw OAuthError(.tokenFile, "cannot write \(directory): \(String(cString: strerror(errno)))") }
        var ok = fchmod(fd, 0o600) == 0
        data.withUnsafeBytes { raw in
            var offset = 0
            while ok && offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    ok = false
                } else {
                    offset += n
                }
            }
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OAuthError(.tokenFile, "cannot save the token to \(path): \(reason)")
        }
        // The rename is durable once the directory entry is.
        let dirFD = open(directory, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
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
}
