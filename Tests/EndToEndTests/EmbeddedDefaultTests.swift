import Foundation
import Testing
import TestSupport
import TraktEmulator
import TraktEmulatorServer

/// The built-in default (nothing configured) is the emulator core called in-process (issue 23,
/// item 2): the same answers as `trakt-emulator` serves over HTTP, no server inside traktql,
/// and a clean exit every time.
@Suite(.serialized) struct EmbeddedDefaultTests {
    static let seed = "7"
    static let now = "2024-11-24T12:00:00Z"
    static let pinned = ["--emulator-scale", "small", "--seed", seed, "--now", now]

    /// Statements with answers of every kind: rows, aggregates, paging, a friends stream with
    /// credentials, API errors (404 on one call of a fan-out), on v1 and v2 (`user:me`).
    static let v1Statements = [
        "activity user:justin | limit 7",
        "activity since:30d | count by action, type",
        "activity show:the-walking-dead season:1,2 | select time, who, action, sxe | limit 40",
        "activity user:justin action:seen since:2024-01-01 | limit 250 | count",
        "activity scope:friends since:14d | count by who",
        "activity user:justin,nosuch1 since:7d | limit 20",
    ]
    static let v2Statements = [
        "activity user:me | limit 7",
        "activity user:me action:seen,scrobble,checkin since:2024-06-01 | count by type",
        "activity user:justin action:rating | stats avg(rating) as mean, count as n",
        "activity user:me action:watchlist | select title, time | limit 30",
        "activity user:nosuch-at-all action:seen",
    ]

    /// The answer without the banner line (which names where the data comes from).
    static func withoutBanner(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("traktql: no API configured") }.joined(separator: "\n")
    }

    @Test func theBuiltInDefaultAnswersAsTraktEmulatorDoesOverHTTP() async throws {
        var configuration = EmulatorConfiguration(seed: UInt64(Self.seed)!, size: DatasetScale.small.size, now: ISO8601DateFormatter().date(from: Self.now))
        configuration.v2.accessToken = "http-token-for-justin"
        configuration.v2.tokenUser = "justin"
        let server = try await EmulatorServer.start(configuration)
        try await withEmulator(server) {
            let url = server.baseURL.absoluteString
            let credentials = ["TRAKT_USERNAME": "justin", "TRAKT_PASSWORD": "password-justin", "TRAKT_API_KEY": "k"]
            let runs: [(builtIn: [String], overHTTP: [String], environment: [String: String])] = [
                (Self.pinned + ["--keep-going"], ["--api-url", url, "--now", Self.now, "--keep-going"], credentials),
                (["--api", "v2"] + Self.pinned + ["--keep-going"],
                 ["--api", "v2", "--api-url", url, "--client-id", "traktql", "--now", Self.now, "--keep-going"],
                 ["TRAKT_ACCESS_TOKEN": "http-token-for-justin"]),
            ]
            for (index, run) in runs.enumerated() {
                let statements = (index == 0 ? Self.v1Statements : Self.v2Statements).flatMap { ["-c", $0] }
                // The table run checks names against the server's catalog; the json run lets the API answer 404.
                for format in ["table", "json"] {
                    let arguments = ["--format", format] + (format == "json" ? ["--no-name-check"] : []) + statements
                    let builtIn = try await BinaryRunner.run("traktql", run.builtIn + arguments,
                                                             environment: run.environment.merging(["XDG_CONFIG_HOME": "/nonexistent"]) { a, _ in a })
                    let overHTTP = try await BinaryRunner.run("traktql", run.overHTTP + arguments,
                                                              environment: run.environment.merging(["XDG_CONFIG_HOME": "/nonexistent"]) { a, _ in a })
                    #expect(builtIn.stderr.contains("using the built-in emulator"), "\(builtIn.stderr)")
                    #expect(builtIn.status == 2 && overHTTP.status == 2, "the last statement fails: \(builtIn.status) \(overHTTP.status)\n\(builtIn.stderr)\n\(overHTTP.stderr)")
                    #expect(builtIn.stdout.split(separator: "\n").count > 15, "\(builtIn.stdout)")
                    #expect(builtIn.stdout == overHTTP.stdout, "stdout differs (\(index == 0 ? "v1" : "v2"), \(format))")
                    #expect(Self.withoutBanner(builtIn.stderr) == Self.withoutBanner(overHTTP.stderr).replacingOccurrences(of: url, with: "<url>"),
                            "stderr differs:\n\(builtIn.stderr)\n---\n\(overHTTP.stderr)")
                }
            }
        }
    }

    /// The banner says where the answers come from, and where to get the same data over HTTP.
    @Test func theBannerNamesTheBuiltInEmulatorAndTraktEmulator() async throws {
        for api in ["v1", "v2"] {
            let out = try await BinaryRunner.run("traktql", ["--api", api] + Self.pinned + ["-c", "activity user:justin | limit 1"],
                                                 environment: ["XDG_CONFIG_HOME": "/nonexistent"])
            #expect(out.status == 0, "\(out.stderr)")
            let banner = out.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(banner.hasPrefix("traktql: no API configured; using the built-in emulator (Trakt API \(api)"), "\(banner)")
            #expect(banner.contains("in this process") && banner.contains("`trakt-emulator` serves the same data over HTTP"), "\(banner)")
            #expect(!banner.contains("127.0.0.1") && !banner.contains("http://"), "no address: nothing listens (\(banner))")
            // The API names itself and the next step (APIVersion), the emulator who its token is for.
            let (name, next) = api == "v1" ? ("(Trakt API v1) in this process", ", --api v2 for v2.")
                : ("(Trakt API v2, logged in as justin (user:me)) in this process", ", --client-id for your Trakt account.")
            #expect(banner.contains(name) && banner.hasSuffix("Use --api-url or TRAKT_API_URL for another server" + next), "\(banner)")
        }
    }

    /// Nothing listens: the built-in default opens no socket of any kind for a query, a login
    /// or a logout (strace sees every socket(2) call the process makes).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"), "needs strace"))
    func theBuiltInDefaultOpensNoSocket() async throws {
        let out = try await BinaryRunner.runProgram("/usr/bin/strace", ["-f", "-qq", "-e", "trace=socket,bind,listen,connect",
                                                                        BinaryRunner.binary("traktql").path, "--api", "v2"] + Self.pinned
                                                    + ["-c", "activity user:justin | limit 3", "-c", ".login", "-c", ".whoami", "-c", ".logout"],
                                                    environment: ["XDG_CONFIG_HOME": "/nonexistent", "TRAKT_CLIENT_SECRET": ""], timeout: 90)
        #expect(out.status == 0, "\(out.stderr.suffix(800))")
        #expect(out.stdout.contains("Logged in to the built-in emulator as justin"), "\(out.stdout)")
        #expect(Self.socketCalls(out.stderr).isEmpty, "\(Self.socketCalls(out.stderr))")
        // The same trace sees the call a configured server needs (the check can fail).
        let control = try await BinaryRunner.runProgram("/usr/bin/strace", ["-f", "-qq", "-e", "trace=socket,bind,listen,connect",
                                                                            BinaryRunner.binary("traktql").path, "--api-url", "http://127.0.0.1:9",
                                                                            "--api-key", "k", "-c", "activity user:justin | limit 3"],
                                                        environment: ["XDG_CONFIG_HOME": "/nonexistent"], timeout: 90)
        #expect(control.status == 2)
        #expect(Self.socketCalls(control.stderr).contains { $0.contains("connect(") && $0.contains("127.0.0.1") }, "\(control.stderr.suffix(800))")
    }

    /// The lines of an strace log that open, bind or connect a socket.
    static func socketCalls(_ log: String) -> [Substring] {
        log.split(separator: "\n").filter { $0.contains("socket(") || $0.contains("bind(") || $0.contains("listen(") || $0.contains("connect(") }
    }

    /// A statement that gets an API error (a 404 on one call of a fan-out, while the others
    /// are under way) exits 2 every time, run after run: 300 runs on v1 (issue 23), and 100 more
    /// on v2 (fewer, to keep the suite's time). With the in-process emulator there is no server
    /// to shut down, which is where the exit-132 crashes came from.
    @Test(arguments: [(["--api", "v1"], 300), (["--api", "v2"], 100)])
    func anAPIErrorExits2In300BackToBackRuns(_ api: [String], runs: Int) async throws {
        let arguments = ShutdownTests.environment + [BinaryRunner.binary("traktql").path] + api
            + ["--emulator-scale", "small", "--no-name-check", "-c", "activity user:justin,nosuch1,nosuch2,nosuch3 since:7d | limit 20"]
        let errorFile = NSTemporaryDirectory() + "traktql-300-\(UUID().uuidString).err"
        defer { try? FileManager.default.removeItem(atPath: errorFile) }
        let (endings, odd) = await Thread.detachedResult { () -> ([Spawn.Ending: Int], String) in
            var endings: [Spawn.Ending: Int] = [:]
            var odd = ""
            for _ in 0..<runs {
                guard let child = Spawn.start("/usr/bin/env", arguments, errorFile: errorFile) else {
                    endings[.timedOut, default: 0] += 1
                    continue
                }
                let ending = Spawn.ending(child, timeout: 60)
                endings[ending, default: 0] += 1
                let stderr = (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? ""
                if odd.isEmpty && (ending != .exited(2) || !stderr.contains("not found")) { odd = "\(ending): \(stderr)" }
            }
            return (endings, odd)
        }
        #expect(endings == [.exited(2): runs], "\(endings.map { "\($0.value)× \($0.key)" }.sorted()); \(odd)")
        #expect(odd.isEmpty, "\(odd)")
    }
}

extension Thread {
    /// Runs blocking work (waits on children) on a thread of its own, off Swift's cooperative
    /// pool (two threads on a two-core machine).
    static func detachedResult<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }
}
