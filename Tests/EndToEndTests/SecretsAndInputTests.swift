import Foundation
import Testing
import TraktEmulator
import TraktEmulatorServer
import TestSupport

@Suite(.serialized) struct SecretsAndInputTests {
    /// `name` holding `data` in `directory` (removed with it).
    static func temporaryFile(_ name: String, _ data: Data, in directory: TemporaryDirectory) throws -> URL {
        let file = URL(fileURLWithPath: directory.path).appendingPathComponent(name)
        try data.write(to: file)
        return file
    }

    @Test func nulBytesInAScriptAreAClearUsageError() async throws {
        let directory = try TemporaryDirectory()
        defer { withExtendedLifetime(directory) {} }  // removed at the end of the test, not after its last use
        let file = try Self.temporaryFile("nul.tql", Data("explain activity\nactivity\u{0}\n".utf8), in: directory)
        let out = try await BinaryRunner.run("traktql", [file.path])
        #expect(out.status == 1)
        #expect(out.stderr.contains("NUL byte on line 2"))
        #expect(out.stdout.isEmpty)
    }

    @Test func invalidUTF8InAScriptIsAClearUsageError() async throws {
        let directory = try TemporaryDirectory()
        defer { withExtendedLifetime(directory) {} }  // removed at the end of the test, not after its last use
        let file = try Self.temporaryFile("latin1.tql", Data([0x61, 0x0A, 0x62, 0xE9, 0x0A]), in: directory)
        let out = try await BinaryRunner.run("traktql", [file.path])
        #expect(out.status == 1)
        #expect(out.stderr.contains("not valid UTF-8 (first bad byte on line 2)"))
    }

    /// The API key and the password never appear in output, explain, errors or logs.
    @Test func secretsNeverAppear() async throws {
        let key = "sekrit-key-4711", password = "hunter2-pass"
        let server = try await EmulatorServer.start(EmulatorConfiguration(seed: 3, size: DatasetScale.small.size, apiKey: "other"))
        try await withEmulator(server) {
            let runs: [[String]] = [
                ["-c", "explain activity scope:friends since:1d", "--format", "json"],
                ["-c", "explain activity user:justin"],
                ["-c", "activity scope:friends"],
                ["-c", "activity user:justin | limit 3", "--format", "ndjson"],
                ["-c", "activity sesaon:1"],
            ]
            for arguments in runs {
                for environment in [["TRAKT_API_KEY": key, "TRAKT_PASSWORD": password, "TRAKT_USERNAME": "justin"], [:]] {
                    let flags = environment.isEmpty ? ["--api-key", key, "--username", "justin", "--password", password] : []
                    let out = try await BinaryRunner.run("traktql", arguments + flags + ["--api-url", server.baseURL.absoluteString], environment: environment)
                    let all = out.stdout + out.stderr
                    #expect(!all.contains(key) && !all.contains(password), "\(arguments): \(all)")
                }
            }
            // Against the real key the error still names the call with the key redacted.
            let out = try await BinaryRunner.run("traktql", ["--api-url", server.baseURL.absoluteString, "--api-key", key, "-c", "activity user:justin"])
            #expect(out.stderr.contains("/activity/user.json/<key>/justin"))
        }
    }

    @Test func aConfigFileReadableByOthersGetsAWarning() async throws {
        let directory = try TemporaryDirectory()
        defer { withExtendedLifetime(directory) {} }  // removed at the end of the test, not after its last use
        let home = URL(fileURLWithPath: directory.path)
        let folder = home.appendingPathComponent("traktql")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("config.json")
        try Data(#"{"api_key": "from-config-file", "tz": "UTC"}"#.utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let open = try await BinaryRunner.run("traktql", ["-c", "explain activity"], environment: ["XDG_CONFIG_HOME": home.path])
        #expect(open.stderr.contains("readable by others"))
        #expect(!open.stderr.contains("from-config-file"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let closed = try await BinaryRunner.run("traktql", ["-c", "explain activity"], environment: ["XDG_CONFIG_HOME": home.path])
        #expect(!closed.stderr.contains("readable by others"))
        #expect(closed.status == 0)
    }
}
