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
/// belongs to another user. Unknown keys are warned about (with a did-you-mean), invalid JSON
/// names the line and column.
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

    static let keys = ["api_url", "api_key", "username", "password", "tz", "format", "convention", "max_pages", "cache_ttl", "timeout",
                       "api", "client_id", "client_secret"]

    /// The largest config file read (a config is a few hundred bytes).
    static let maximumBytes = 1 << 20

    static func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".config")
        return base.appendingPathComponent("traktql/config.json")
    }

    /// Reads the file if it exists; returns warnings to print (permissions, parse errors,
    /// unknown keys). A file that cannot be used at all gives nil and a warning.
    static func load(from url: URL) -> (ConfigFile?, warnings: [String]) {
        let path = url.path
        var info = stat()
        guard stat(path, &info) == 0 else { return (nil, []) }
        var warnings = permissionWarnings(path: path, info: info)
        guard info.st_mode & 0o170000 == 0o100000 else {
            warnings.append("warning: ignoring \(path): it is not a regular file")
            return (nil, warnings)
        }
        guard info.st_size <= off_t(maximumBytes), let data = FileManager.default.contents(atPath: path) else {
            warnings.append("warning: ignoring \(path): " + (info.st_size > off_t(maximumBytes) ? "it is larger than 1 MiB" : "it cannot be read"))
            return (nil, warnings)
        }
        let (file, problems) = parse(data, name: path)
        return (file, warnings + problems)
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

    /// The settings in `data`, and warnings; nil when it is not a JSON object.
    static func parse(_ data: Data, name: String) -> (ConfigFile?, [String]) {
        let value: Value
        do {
            value = try JSONReader.parse(data)
        } catch {
            let (line, column) = position(of: error.offset, in: data)
            return (nil, ["warning: ignoring \(name):\(line):\(column): it is not valid JSON: \(error.message)"])
        }
        guard case .object(let members) = value else {
            return (nil, ["warning: ignoring \(name): it must hold one JSON object ({\"api_url\": …, \"tz\": …})"])
        }
        var file = ConfigFile()
        var warnings: [String] = []
        for (key, member) in members {
            let text: String?
            switch member {
            case .string(let s): text = s
            case .int(let n): text = String(n)
            case .double(let d): text = String(d)
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
