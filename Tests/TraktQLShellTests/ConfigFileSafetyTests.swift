#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import TraktQL
@testable import TraktQLShell

/// Issue 22 (a config file others can change) and issue 21 item 6 (a config file that cannot
/// be used is an error, never a warning followed by answers from the built-in emulator).
@Suite struct ConfigFileSafetyTests {
    static func directory() throws -> String {
        let directory = NSTemporaryDirectory() + "traktql-config-safety-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return directory
    }

    static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, mode)
    }

    /// Like OpenSSH's "Bad owner or permissions": whoever can change the file could send
    /// traktql's secrets to their server, so api_url and secrets are refused from it.
    @Test func aFileOthersCanWriteIsRefusedForSecretsAndTheServer() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/config.json"
        for (text, keys) in [(#"{"api_url": "http://127.0.0.1:9", "client_id": "c"}"#, "api_url"),
                             (#"{"client_secret": "s", "tz": "UTC"}"#, "client_secret"),
                             (#"{"api_key": "k", "password": "p"}"#, "api_key, password")] {
            try Self.write(text, to: path, mode: 0o666)
            #expect { try ConfigFile.load(from: URL(fileURLWithPath: path)) } throws: { error in
                let message = (error as? ConfigFile.Failure)?.message ?? ""
                return message.contains("refusing the config file \(path): other users can write it (mode 666)")
                    && message.contains("it holds \(keys)") && message.contains("run: chmod 600 \(path)")
            }
        }
        // Harmless settings in such a file are still read (with the warning).
        try Self.write(#"{"tz": "UTC", "format": "csv"}"#, to: path, mode: 0o666)
        let (file, warnings) = try ConfigFile.load(from: URL(fileURLWithPath: path))
        #expect(file?.tz == "UTC" && warnings.contains { $0.contains("readable by others") })
        // The same goes for a directory others can write (they could replace the file)…
        try Self.write(#"{"api_url": "http://127.0.0.1:9"}"#, to: path)
        chmod(directory, 0o777)
        #expect(throws: ConfigFile.Failure.self) { try ConfigFile.load(from: URL(fileURLWithPath: path)) }
        // …unless it is sticky (/tmp-like: others cannot replace a file of ours there).
        chmod(directory, 0o1777)
        #expect(try ConfigFile.load(from: URL(fileURLWithPath: path)).0?.apiURL == "http://127.0.0.1:9")
        chmod(directory, 0o700)
        if getuid() == 0 {
            chown(path, 4242, 4242)
            #expect { try ConfigFile.load(from: URL(fileURLWithPath: path)) } throws: {
                ($0 as? ConfigFile.Failure)?.message.contains("belongs to another user (uid 4242)") == true
            }
        }
    }

    @Test func aFileThatCannotBeUsedIsAnErrorNamingIt() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/config.json"
        try Self.write("{\n  \"tz\": \"UTC\",\n  oops\n}", to: path)
        #expect { try ConfigFile.load(from: URL(fileURLWithPath: path)) } throws: {
            ($0 as? ConfigFile.Failure)?.message.hasPrefix("\(path):3:3: it is not valid JSON") == true
        }
        try Self.write("[1, 2]", to: path)
        #expect { try ConfigFile.load(from: URL(fileURLWithPath: path)) } throws: {
            ($0 as? ConfigFile.Failure)?.message.hasPrefix("\(path):1:1: it must hold one JSON object") == true
        }
        // A FIFO is refused at once, not waited on.
        try FileManager.default.removeItem(atPath: path)
        #expect(mkfifo(path, 0o600) == 0)
        #expect { try ConfigFile.load(from: URL(fileURLWithPath: path)) } throws: {
            ($0 as? ConfigFile.Failure)?.message == "the config file \(path) is not a regular file"
        }
        // No file at all: nothing to read, no error.
        try FileManager.default.removeItem(atPath: path)
        #expect(try ConfigFile.load(from: URL(fileURLWithPath: path)).0 == nil)
    }

    @Test func aRelativeXDGConfigHomeIsIgnored() {
        #expect(ConfigFile.defaultLocation(environment: ["XDG_CONFIG_HOME": "cfg", "HOME": "/h"]).path == "/h/.config/traktql/config.json")
        #expect(ConfigFile.defaultLocation(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]).path == "/x/traktql/config.json")
    }

    /// The server is decided in one place, for queries and `auth` alike.
    @Test func oneResolutionForQueriesAndLogin() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = ShellConfiguration()
        configuration.configFile = URL(fileURLWithPath: directory + "/none.json")
        configuration.clientID = "c"
        let resolved = try configuration.resolveConnection()
        #expect(resolved.api == .v2 && configuration.apiURL?.absoluteString == "https://api.trakt.tv")
        #expect(configuration.authOptions.apiURL?.absoluteString == "https://api.trakt.tv", "auth logs in where queries go")
        var v1 = ShellConfiguration()
        v1.configFile = configuration.configFile
        v1.clientID = "c"
        v1.api = "v1"
        _ = try v1.resolveConnection()
        #expect(v1.apiURL == nil && v1.authOptions.apiURL == nil, "v1 without a URL: the built-in emulator, for both")
        var withUserinfo = ShellConfiguration()
        withUserinfo.configFile = configuration.configFile
        withUserinfo.apiURL = URL(string: "https://u:p@example.com")
        #expect(throws: ShellConfiguration.ConnectionFailure.self) { try withUserinfo.resolveConnection() }
    }
}
