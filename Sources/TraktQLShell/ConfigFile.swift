#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TraktQL

/// `$XDG_CONFIG_HOME/traktql/config.json` (default `~/.config/traktql/config.json`):
///
/// ```json
/// {"api_url": "http://localhost:8080", "api_key": "…", "username": "…", "password": "…",
///  "tz": "Europe/Berlin", "format": "table", "convention": "pacific"}
/// ```
///
/// Flags and environment variables win over it. It may hold secrets, so it must not be
/// readable by others; traktql warns when it is.
struct ConfigFile: Decodable {
    var apiURL: String?
    var apiKey: String?
    var username: String?
    var password: String?
    var tz: String?
    var format: String?
    var convention: String?

    enum CodingKeys: String, CodingKey {
        case apiURL = "api_url", apiKey = "api_key", username, password, tz, format, convention
    }

    static func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".config")
        return base.appendingPathComponent("traktql/config.json")
    }

    /// Reads the file if it exists; returns warnings to print (permissions, parse errors).
    static func load(from url: URL) -> (ConfigFile?, warnings: [String]) {
        guard FileManager.default.fileExists(atPath: url.path) else { return (nil, []) }
        var warnings: [String] = []
        var info = stat()
        if stat(url.path, &info) == 0, info.st_mode & 0o077 != 0 {
            warnings.append("warning: \(url.path) is readable by others and may hold your API key; run: chmod 600 \(url.path)")
        }
        do {
            let data = try Data(contentsOf: url)
            return (try JSONDecoder().decode(ConfigFile.self, from: data), warnings)
        } catch {
            warnings.append("warning: ignoring \(url.path): it is not valid JSON config (\(error.localizedDescription))")
            return (nil, warnings)
        }
    }
}
