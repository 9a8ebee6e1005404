import Foundation
import Testing

/// `traktql --api v2` on the built binary: the embedded emulator speaks v2 with a token for
/// justin (`user:me`), the answers equal v1's (one play per episode), and neither the token
/// nor the client secret appears in any output, error or explain.
@Suite(.serialized) struct V2CLITests {
    static let pinned = ["--emulator-scale", "small", "--now", "2024-11-24T12:00:00Z", "--seed", "7"]

    @Test func userMeOnTheEmbeddedV2EmulatorEqualsV1Justin() async throws {
        let v2 = try await BinaryRunner.run("traktql", ["--api", "v2"] + Self.pinned + ["-c", "activity user:me actions:seen,scrobble,checkin since:2024-06-01 | count"])
        #expect(v2.status == 0, "\(v2.stderr)")
        let v1 = try await BinaryRunner.run("traktql", Self.pinned + ["-c", "activity user:justin actions:seen,scrobble,checkin since:2024-06-01 | flatten episodes | count"])
        #expect(v1.status == 0, "\(v1.stderr)")
        #expect(!v1.stdout.isEmpty && v2.stdout == v1.stdout, "v2 \(v2.stdout) v1 \(v1.stdout)")
        // `set api` switches within one run.
        let switched = try await BinaryRunner.run("traktql", Self.pinned + ["-c", "set api = v2", "-c", "activity user:me actions:seen,scrobble,checkin since:2024-06-01 | count"])
        #expect(switched.status == 0, "\(switched.stderr)")
        #expect(switched.stdout.hasSuffix(v1.stdout), "\(switched.stdout)")
    }

    /// On the built-in v2 emulator `user:me` works with no login: `.whoami` says whose token it
    /// uses rather than "not logged in", and `.logout` does not pretend to log it out.
    @Test func whoamiOnTheBuiltInEmulatorNamesItsOwnLogin() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("traktql-whoami-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let out = try await BinaryRunner.run("traktql", ["-q", "--api", "v2"] + Self.pinned + ["-c", ".whoami", "-c", ".auth logout", "-c", ".auth status"],
                                             environment: ["HOME": home, "XDG_CONFIG_HOME": home + "/config"])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("Logged in to the built-in emulator as justin") }.count == 2, "\(out.stdout)")
        #expect(out.stdout.contains("Nothing to log out: user:me uses the built-in emulator's own token"), "\(out.stdout)")
        #expect(!out.stdout.contains("not logged in") && !out.stderr.contains("not logged in"), "\(out.stdout)\(out.stderr)")
    }

    /// Issue 21, item 3: `.login`, `.logout` and `set api` leave no answer of the previous
    /// identity or API in the cache (the keys already differ; this frees what no longer applies).
    @Test func loginLogoutAndSetAPIClearTheCache() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("traktql-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let query = "activity user:me action:rating | limit 3 | count"
        let out = try await BinaryRunner.run("traktql", ["-q", "--api", "v2"] + Self.pinned
                                             + ["-c", query, "-c", ".cache", "-c", ".login", "-c", ".cache", "-c", query, "-c", ".logout", "-c", ".cache",
                                                "-c", query, "-c", "set api = v1", "-c", "activity | limit 1 | count", "-c", ".cache"],
                                             environment: ["HOME": home, "XDG_CONFIG_HOME": home + "/config"])
        #expect(out.status == 0, "\(out.stderr)")
        let counts = out.stdout.split(separator: "\n").filter { $0.contains("cached response") }.map { $0.split(separator: " ").first.map(String.init) ?? "" }
        // After the first query: its calls; after .login and after .logout: none; after set api
        // and one v1 call: that call alone (the v2 query's pages before it are gone).
        #expect(counts.count == 4 && counts[0] != "0" && counts[1] == "0" && counts[2] == "0" && counts[3] == "1", "\(out.stdout)")
    }

    @Test func theTokenAndTheClientSecretNeverShow() async throws {
        let token = "cli-token-9f8e7d6c5b4a"
        let secret = "cli-secret-0a1b2c3d4e5f"
        let environment = ["TRAKT_ACCESS_TOKEN": token, "TRAKT_CLIENT_SECRET": secret]
        let runs = [
            ["--api", "v2", "--keep-going"] + Self.pinned + ["-c", "explain activity user:me show:the-walking-dead", "-c", "activity user:me | limit 3",
                                                              "-c", "activity user:nobody-at-all action:seen", "-c", "activity user:me show:no-such-show action:seen",
                                                              "-c", "explain activity user:me action:rating"],
            ["--api", "v2", "--format", "json"] + Self.pinned + ["-c", "activity user:me action:seen | limit 2", "-c", "explain activity user:me since:7d"],
            ["--api", "v2", "--client-id", "someone", "--api-url", "http://192.0.2.1:9", "-c", "activity user:justin action:seen"],
        ]
        var statuses: [Int32] = []
        for arguments in runs {
            let out = try await BinaryRunner.run("traktql", arguments, environment: environment)
            statuses.append(out.status)
            for text in [out.stdout, out.stderr] {
                #expect(!text.contains(token), "the token shows in: \(text)")
                #expect(!text.contains(secret), "the client secret shows in: \(text)")
            }
            if arguments.contains("http://192.0.2.1:9") {
                #expect(out.stderr.contains("refusing to send the OAuth token over plain http"), "\(out.stderr)")
            }
        }
        #expect(statuses == [2, 0, 1], "\(statuses)")
    }
}
