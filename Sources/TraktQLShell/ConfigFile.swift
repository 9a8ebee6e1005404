#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TraktQL

/// `$XDG_CONFIG_HOME/traktql/config.json` (default `~/.config/traktql/config.json`):
///
/// ```json
/// {"api_url": "http://localhost:8080", "api_key": "…", "username": "…", "password": "…",
///  "tz": "Europe/Berlin", "format": "table", "convention": "pacific",
///  "max_pages": 100, "cache_ttl": "5min", "timeout": "120s",
///  "api": "v2", "client_id": "…", "client_secret": "…"}
/// ```
///
/// Flags and environment variables win over it. It may hold secrets, so it must be private:
/// traktql warns when others can read it, when its directory is writable by others, and when it
/// belongs to another user. Like OpenSSH's `Bad owner or permissions`, a file that another user
/// can change (written by others, owned by another user, or in a directory others can write)
/// is refused outright when it holds `api_url` or a secret: whoever can write it could send
/// traktql's credentials to their own server. Unknown keys are warned about (with a
/// did-you-mean). A file that cannot be read or is not a JSON object is an error naming the
/// file (and the line and column of invalid JSON): traktql never goes on without it, which
/// would answer from the built-in emulator instead of the configured server.
struct ConfigFile {
    var apiURL: String?
    var apiKey: String?
    var username: String?
    var password: String?
    var tz: String?
    var format: String?
    var convention: String?
    var maxPages: String?
    var cacheTTL: String?
    var timeout: String?
    var api: String?
    var clientID: String?
    var clientSecret: String?
    /// `mirror` (on, off, true, false) and `mirror_max_age` (a duration): the local mirror.
    var mirror: String?
    var mirrorMaxAge: String?
    /// The keys present in the file (`api_url`, `tz`, …).
    var presentKeys: [String] = []

    static let keys = ["api_url", "api_key", "username", "password", "tz", "format", "convention", "max_pages", "cache_ttl", "timeout",
                       "api", "client_id", "client_secret", "mirror", "mirror_max_age"]
    /// What a file others can change must not hold: where traktql connects, and secrets.
    static let guardedKeys = ["api_url", "api_key", "password", "client_secret"]

    /// The largest config file read (a config is a few hundred bytes).
    static let maximumBytes = 1 << 20

    /// A config file that cannot be used: unreadable, not JSON, not an object, or unsafe for
    /// what it holds. traktql stops (exit 2) rather than run without it.
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        TokenStore.configDirectory(environment: environment).appendingPathComponent("traktql/config.json")
    }

    /// Reads the file if it exists (nil when there is none); returns warnings to print
    /// (permissions, unknown keys). Throws when the file exists but cannot be used.
    static func load(from url: URL) throws(Failure) -> (ConfigFile?, warnings: [String]) {
        let path = url.path
        // Non-blocking: a FIFO at the path must not stop traktql; the type is checked first.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return (nil, []) }
            throw Failure(message: "cannot read the config file \(path): \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Failure(message: "cannot examine the config file \(path)") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw Failure(message: "the config file \(path) is not a regular file")
        }
        guard info.st_size <= off_t(maximumBytes) else { throw Failure(message: "the config file \(path) is larger than 1 MiB") }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(message: "cannot read the config file \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            if data.count > maximumBytes { throw Failure(message: "the config file \(path) is larger than 1 MiB") }
        }
        let file = try parse(data, name: path)
        if let danger = othersCanChange(path: path, info: info) {
            let guarded = file.0.presentKeys.filter(guardedKeys.contains)
            if !guarded.isEmpty {
                throw Failure(message: "refusing the config file \(path): \(danger.reason), so they could point traktql at their own server or read "
                              + "what it sends; it holds \(guarded.joined(separator: ", ")); run: \(danger.fix)")
            }
        }
        return (file.0, permissionWarnings(path: path, info: info) + file.1)
    }

    /// Whether another user can change the file (or replace it), as OpenSSH checks its config:
    /// written by others, owned by someone other than the user or root, or in a directory that
    /// others may write without the sticky bit.
    static func othersCanChange(path: String, info: stat) -> (reason: String, fix: String)? {
        if info.st_mode & 0o022 != 0 {
            return ("other users can write it (mode \(String(info.st_mode & 0o777, radix: 8)))", "chmod 600 \(path)")
        }
        if info.st_uid != getuid() && info.st_uid != 0 {
            return ("it belongs to another user (uid \(info.st_uid))", "chown \(getuid()) \(path)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        var directoryInfo = stat()
        if stat(directory, &directoryInfo) == 0, directoryInfo.st_mode & 0o022 != 0, directoryInfo.st_mode & S_ISVTX == 0 {
            return ("other users can write its directory \(directory) and replace it", "chmod 700 \(directory)")
        }
        return nil
    }

    /// Others writing the directory could swap the file; another user's file is theirs to change.
    static func permissionWarnings(path: String, info: stat) -> [String] {
        var warnings: [String] = []
        if info.st_mode & 0o077 != 0 {
            warnings.append("warning: \(path) is readable by others and may hold your API key; run: chmod 600 \(path)")
        }
        if info.st_uid != getuid() {
            warnings.append("warning: \(path) belongs to another user (uid \(info.st_uid)), who can change what traktql connects to and sends")
        }
        let directory = (path as NSString).deletingLastPathComponent
        var directoryInfo = stat()
        if stat(directory, &directoryInfo) == 0, directoryInfo.st_mode & 0o022 != 0 {
            warnings.append("warning: \(directory) is writable by other users, who could replace your config file; run: chmod 700 \(directory)")
        }
        return warnings
    }

    /// The settings in `data`, and warnings; throws when it is not a JSON object.
    static func parse(_ data: Data, name: String) throws(Failure) -> (ConfigFile, [String]) {
        let value: Value
        do {
            value = try JSONReader.parse(data)
        } catch {
            let (line, column) = position(of: error.offset, in: data)
            throw Failure(message: "\(name):\(line):\(column): it is not valid JSON: \(error.message)")
        }
        guard case .object(let members) = value else {
            throw Failure(message: "\(name):1:1: it must hold one JSON object ({\"api_url\": …, \"tz\": …})")
        }
        var file = ConfigFile()
        var warnings: [String] = []
        for (key, member) in members {
            let text: String?
            switch member {
            case .string(let s): text = s
            case .int(let n): text = String(n)
            case .double(let d): text = String(d)
            case .bool(let b) where key == "mirror": text = b ? "on" : "off"
            case .null: continue
            default: text = nil
            }
            guard keys.contains(key) else {
                let hint = Suggestion.closest(to: key, in: keys).map { "; did you mean '\($0)'?" } ?? "; the keys are \(keys.joined(separator: ", "))"
                warnings.append("warning: \(name): unknown key '\(key)' ignored\(hint)")
                continue
            }
            guard let text else {
                warnings.append("warning: \(name): '\(key)' must be a string or a number; ignored")
                continue
            }
            file.presentKeys.append(key)
            switch key {
            case "api_url": file.apiURL = text
            case "api_key": file.apiKey = text
            case "username": file.username = text
            case "password": file.password = text
            case "tz": file.tz = text
            case "format": file.format = text
            case "convention": file.convention = text
            case "max_pages": file.maxPages = text
            case "cache_ttl": file.cacheTTL = text
            case "timeout": file.timeout = text
            case "api": file.api = text
            case "client_id": file.clientID = text
            case "client_secret": file.clientSecret = text
            case "mirror": file.mirror = text
            case "mirror_max_age": file.mirrorMaxAge = text
            default: break
            }
        }
        return (file, warnings)
    }

    /// 1-based line and column (in characters) of a byte offset.
    static func position(of offset: Int, in data: Data) -> (line: Int, column: Int) {
        let prefix = data.prefix(max(0, offset))
        let line = prefix.reduce(1) { $1 == 10 ? $0 + 1 : $0 }
        let lineStart = prefix.lastIndex(of: 10).map { $0 + 1 } ?? prefix.startIndex
        let column = String(decoding: prefix[lineStart...], as: UTF8.self).count + 1
        return (line, column)
    }
}
