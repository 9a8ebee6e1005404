import Foundation
import Testing
import TestSupport
import TraktEmulator
import TraktEmulatorServer
import TraktProtocol

/// Issue 12 end to end: hostile server text and catalog slugs on a real pty, secrets against an
/// echoing server, secret files, URL userinfo, and the client's bounds on bodies and time.
@Suite(.serialized) struct SecurityEndToEndTests {
    static let now = "2024-11-24T12:00:00Z"

    /// What a terminal must never receive from a server: OSC (ESC ]), CSI sequences other than
    /// the line editor's cursor moves and our colours, C1 controls, bidi controls, NUL, DEL.
    static func attacks(_ text: String) -> [String] {
        let stripped = text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*[GKABCDm]", with: "", options: .regularExpression)
        return stripped.unicodeScalars.compactMap { s -> String? in
            let v = s.value
            let bad = v == 0x1B || v == 0 || v == 0x7F || (0x80...0x9F).contains(v) || (0x202A...0x202E).contains(v)
                || (0x2066...0x2069).contains(v) || (v < 0x20 && ![0x07, 0x08, 0x09, 0x0A, 0x0D].contains(v))
            return bad ? String(format: "U+%04X", v) : nil
        }
    }

    static func onATerminal(_ command: String, stdin: String? = nil, home: String) async throws -> BinaryRunner.Output {
        try await BinaryRunner.runProgram("/usr/bin/script", ["-qec", command, "/dev/null"], stdin: stdin,
                                          environment: ["HOME": home, "XDG_STATE_HOME": home + "/state", "TERM": "xterm", "COLUMNS": "120", "EDITRC": "/dev/null"])
    }

    static func temporaryHome() throws -> String {
        let path = NSTemporaryDirectory() + "traktql-sec-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs /usr/bin/script (scripts/install-deps.sh installs it)")) func aHostile401BodyReachesTheTerminalHarmless() async throws {
        let server = try await EmulatorServer.start(EmulatorConfiguration(seed: 5, size: DatasetScale.small.size, apiKey: "right", hostileText: true))
        try await withEmulator(server) {
            let home = try Self.temporaryHome()
            defer { try? FileManager.default.removeItem(atPath: home) }
            let out = try await Self.onATerminal("\(BinaryRunner.binary("traktql").path) --api-url \(server.baseURL.absoluteString) --api-key wrong -c 'activity'", home: home)
            #expect(out.stdout.contains("the API answered 401: invalid API key"), "\(out.stdout)")
            #expect(out.stdout.contains("\\u{1B}]52"), "the attack is shown as text")
            #expect(Self.attacks(out.stdout).isEmpty, "\(Set(Self.attacks(out.stdout)))")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs /usr/bin/script (scripts/install-deps.sh installs it)")) func hostileCatalogSlugsAreNeverOffered() async throws {
        let server = try await EmulatorServer.start(EmulatorConfiguration(seed: 5, size: DatasetScale.small.size,
                                                                          now: ISO8601DateFormatter().date(from: Self.now), hostileText: true))
        try await withEmulator(server) {
            let home = try Self.temporaryHome()
            defer { try? FileManager.default.removeItem(atPath: home) }
            let command = "\(BinaryRunner.binary("traktql").path) --api-url \(server.baseURL.absoluteString) --now \(Self.now)"
            // TAB waits at most 3 s for the catalog: on a loaded machine the first try may complete nothing.
            var out = try await Self.onATerminal(command, stdin: "activity show:the-walking-d\t\t | limit 1\nactivity user:justi\t\t | limit 1\n.history\n.quit\n", home: home)
            for _ in 0..<2 where !out.stdout.contains("traktql> activity show:the-walking-dead ") {
                out = try await Self.onATerminal(command, stdin: "activity show:the-walking-d\t\t | limit 1\nactivity user:justi\t\t | limit 1\n.history\n.quit\n", home: home)
            }
            #expect(out.status == 0, "\(out.stdout)")
            #expect(out.stdout.contains("traktql> activity show:the-walking-dead "), "the real slug still completes: \(out.stdout)")
            #expect(Self.attacks(out.stdout).isEmpty, "\(Set(Self.attacks(out.stdout))) in \(out.stdout.debugDescription)")
        }
    }

    /// A server that quotes the whole request (URL, Authorization header) in its error message.
    @Test func anEchoingServerNeverGetsASecretPrinted() async throws {
        let server = try LoopbackServer { head, _ in
            let quoted = head.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
            return LoopbackServer.Reply(status: 401, body: "{\"status\":\"failure\",\"error\":\"you sent: \(quoted)\"}")
        }
        defer { server.stop() }
        let home = try Self.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let key = "sekrit-key-4711", password = "hunter2-pass"
        try Data((key + "\n").utf8).write(to: URL(fileURLWithPath: home + "/key"))
        chmod(home + "/key", 0o600)
        let sha1 = SHA1.hex(password)
        let basic = Data("justin:\(sha1)".utf8).base64EncodedString()
        for query in ["activity user:justin", "activity scope:friends", "explain activity user:justin"] {
            let out = try await BinaryRunner.run("traktql", ["--api-url", server.baseURL, "--api-key-file", home + "/key", "--username", "justin",
                                                             "--password-file", "-", "-c", query], stdin: password + "\n")
            let all = out.stdout + out.stderr
            for secret in [key, password, sha1, sha1.uppercased(), basic] {
                #expect(!all.contains(secret), "\(query): \(secret) printed in \(all)")
            }
            if !query.hasPrefix("explain") {
                #expect(out.status == 2)
                #expect(all.contains("you sent: GET"), "the server's text is still shown: \(all)")
            }
            #expect(!all.contains("can be seen by other local users"), "no argv warning for files")
        }
        // A one-character key leaves words alone.
        let endless = try LoopbackServer { _, _ in LoopbackServer.Reply(mode: .endless) }
        defer { endless.stop() }
        let out = try await BinaryRunner.run("traktql", ["--api-url", endless.baseURL, "--api-key", "M", "-c", "activity"])
        #expect(out.stderr.contains("larger than 16 MiB"), "\(out.stderr)")
        #expect(out.stderr.contains("--api-key on the command line can be seen by other local users"))
    }

    @Test func aConfigFileReadAsAScriptDoesNotShowItsSecrets() async throws {
        let home = try Self.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home + "/traktql", withIntermediateDirectories: true)
        let config = home + "/traktql/config.json"
        try Data(#"{"api_key": "sekrit-key-4711", "username": "justin", "password": "hunter2-pass"}"#.utf8).write(to: URL(fileURLWithPath: config))
        chmod(config, 0o600)
        let out = try await BinaryRunner.run("traktql", ["-c", ".read \(config)"], environment: ["XDG_CONFIG_HOME": home])
        #expect(out.status != 0)
        #expect(!(out.stdout + out.stderr).contains("sekrit-key-4711") && !(out.stdout + out.stderr).contains("hunter2-pass"), "\(out.stderr)")
        #expect(out.stderr.contains("<key>") || out.stderr.contains("<password>"), "\(out.stderr)")
    }

    @Test func theConfigFileSetsMaxPagesCacheTTLAndTimeoutAndNamesItsMistakes() async throws {
        let home = try Self.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home + "/traktql", withIntermediateDirectories: true)
        let config = home + "/traktql/config.json"
        try Data(#"{"max_pages": 7, "cache_ttl": "90s", "timeout": "30s", "apikey": "x"}"#.utf8).write(to: URL(fileURLWithPath: config))
        chmod(config, 0o600)
        let out = try await BinaryRunner.run("traktql", ["-c", ".settings"], environment: ["XDG_CONFIG_HOME": home])
        #expect(out.status == 0)
        #expect(out.stdout.contains("max_pages   = 7 "), "\(out.stdout)")
        #expect(out.stdout.contains("cache_ttl   = 90s "))
        #expect(out.stdout.contains("timeout     = 30s "))
        #expect(out.stderr.contains("unknown key 'apikey' ignored; did you mean 'api_key'?"), "\(out.stderr)")
        try Data("{\n  \"tz\": \"UTC\",\n  oops\n}".utf8).write(to: URL(fileURLWithPath: config))
        let bad = try await BinaryRunner.run("traktql", ["-c", ".settings"], environment: ["XDG_CONFIG_HOME": home])
        #expect(bad.stderr.contains("\(config):3:3: it is not valid JSON"), "\(bad.stderr)")
    }

    @Test func userinfoInTheAPIURLIsRefusedWithoutShowingIt() async throws {
        for url in ["http://bob:s3cret-pw@127.0.0.1:9", "http://s3cret-pw@127.0.0.1:9"] {
            let out = try await BinaryRunner.run("traktql", ["--api-url", url, "-c", "explain activity"])
            #expect(out.status == 1)
            #expect(out.stderr.contains("must not hold a username or password"), "\(out.stderr)")
            #expect(!(out.stdout + out.stderr).contains("s3cret-pw"))
        }
    }

    @Test func passwordsOverCleartextToAnotherHostAreWarnedAbout() async throws {
        let home = try Self.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try Data("pw\n".utf8).write(to: URL(fileURLWithPath: home + "/pw"))
        chmod(home + "/pw", 0o600)
        let remote = try await BinaryRunner.run("traktql", ["--api-url", "http://192.0.2.7:9", "--username", "a", "--password-file", home + "/pw", "-c", "explain activity"])
        #expect(remote.stderr.contains("over plain http://"), "\(remote.stderr)")
        let local = try await BinaryRunner.run("traktql", ["--api-url", "http://127.0.0.1:9", "--username", "a", "--password-file", home + "/pw", "-c", "explain activity"])
        #expect(!local.stderr.contains("over plain http://"))
        let loopbackLookalike = try await BinaryRunner.run("traktql", ["--api-url", "http://127.0.0.1.nip.io:9", "--username", "a", "--password-file", home + "/pw", "-c", "explain activity"])
        #expect(loopbackLookalike.stderr.contains("over plain http://"))
    }

    @Test func secretFilesWork() async throws {
        let server = try await EmulatorServer.start(EmulatorConfiguration(seed: 5, size: DatasetScale.small.size, apiKey: "right"))
        try await withEmulator(server) {
            let home = try Self.temporaryHome()
            defer { try? FileManager.default.removeItem(atPath: home) }
            try Data("right\n".utf8).write(to: URL(fileURLWithPath: home + "/key"))
            chmod(home + "/key", 0o644)
            let password = Dataset.password(forUsername: "justin")
            let ok = try await BinaryRunner.run("traktql", ["--api-url", server.baseURL.absoluteString, "--api-key-file", home + "/key",
                                                            "--username", "justin", "--password-file", "-", "-c", "activity scope:friends | limit 1"],
                                                stdin: password + "\n")
            #expect(ok.status == 0, "\(ok.stderr)")
            #expect(ok.stderr.contains("readable by others"), "a key file others can read is warned about")
            let wrong = try await BinaryRunner.run("traktql", ["--api-url", server.baseURL.absoluteString, "--api-key-file", home + "/key",
                                                               "--username", "justin", "--password-file", "-", "-c", "activity scope:friends | limit 1"],
                                                   stdin: "not-it\n")
            #expect(wrong.status == 2)
            let missing = try await BinaryRunner.run("traktql", ["--api-key-file", home + "/nope", "-c", "explain activity"])
            #expect(missing.status == 1 && missing.stderr.contains("cannot read the API key file"))
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs /usr/bin/script (scripts/install-deps.sh installs it)")) func thePasswordIsAskedForOnATerminal() async throws {
        let server = try await EmulatorServer.start(EmulatorConfiguration(seed: 5, size: DatasetScale.small.size))
        try await withEmulator(server) {
            let home = try Self.temporaryHome()
            defer { try? FileManager.default.removeItem(atPath: home) }
            let command = "\(BinaryRunner.binary("traktql").path) --api-url \(server.baseURL.absoluteString) --username justin -c 'activity scope:friends | limit 1' -c 'explain activity'"
            let out = try await Self.onATerminal(command, stdin: Dataset.password(forUsername: "justin") + "\n", home: home)
            #expect(out.stdout.contains("Trakt password for justin: "), "\(out.stdout)")
            #expect(!out.stdout.contains("failed authentication"), "\(out.stdout)")
            #expect(out.status == 0, "\(out.stdout)")
        }
    }

    @Test func theEmulatorTakesItsKeyFromAFile() async throws {
        let home = try Self.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try Data("file-key-123\n".utf8).write(to: URL(fileURLWithPath: home + "/key"))
        guard let child = Spawn.start(BinaryRunner.binary("trakt-emulator").path, ["--port", "0", "--scale", "small", "--api-key-file", home + "/key"],
                                      captureOutput: true) else { Issue.record("cannot start trakt-emulator"); return }
        defer { kill(child.pid, SIGTERM); Spawn.wait(child, timeout: 5); close(child.output) }
        let url = await Self.offThePool { Spawn.readOutput(child, timeout: 30, untilNewline: true).trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(url.hasPrefix("http://127.0.0.1:"))
        let right = try await BinaryRunner.run("traktql", ["--api-url", url, "--api-key-file", home + "/key", "-c", "activity | limit 1"])
        #expect(right.status == 0, "\(right.stderr)")
        let wrong = try await BinaryRunner.run("traktql", ["--api-url", url, "-c", "activity | limit 1"])
        #expect(wrong.status == 2 && wrong.stderr.contains("invalid API key"))
    }

    /// Runs blocking work on a thread of its own: the cooperative pool has two threads here.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in Thread { continuation.resume(returning: work()) }.start() }
    }

    /// Peak RSS (VmHWM) and wall time of one traktql run (blocking: call it through offThePool).
    static func measure(_ arguments: [String]) throws -> (status: Int32, stderr: String, rssMiB: Double, seconds: Double) {
        let process = Process()
        process.executableURL = BinaryRunner.binary("traktql")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = "/nonexistent"
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let started = Date()
        try process.run()
        var peakKiB = 0.0
        while process.isRunning, Date().timeIntervalSince(started) < 60 {
            if let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
               let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kib = Double(line.split(separator: " ").dropFirst().first ?? "") {
                peakKiB = max(peakKiB, kib)
            }
            usleep(20_000)
        }
        if process.isRunning { process.terminate() }
        let seconds = Date().timeIntervalSince(started)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, stderr, peakKiB / 1024, seconds)
    }

    @Test func endlessAndTricklingBodiesAreBoundedInMemoryAndTime() async throws {
        let endless = try LoopbackServer { _, _ in LoopbackServer.Reply(mode: .endless) }
        defer { endless.stop() }
        let endlessURL = endless.baseURL
        let big = try await Self.offThePool { Result { try Self.measure(["--api-url", endlessURL, "-c", "activity user:a,b,c,d"]) } }.get()
        print("endless body, 4-way fan-out: exit \(big.status), peak RSS \(String(format: "%.1f", big.rssMiB)) MiB, \(String(format: "%.2f", big.seconds)) s")
        #expect(big.status == 2)
        #expect(big.stderr.contains("larger than 16 MiB"), "\(big.stderr)")
        #expect(big.rssMiB < 200, "peak RSS \(big.rssMiB) MiB")
        #expect(big.seconds < 60)  // ~0.4 s alone

        let trickle = try LoopbackServer { _, _ in LoopbackServer.Reply(mode: .trickle(interval: 0.5)) }
        defer { trickle.stop() }
        let trickleURL = trickle.baseURL
        let slow = try await Self.offThePool { Result { try Self.measure(["--api-url", trickleURL, "-c", "set timeout = 3s", "-c", "activity user:a,b"]) } }.get()
        print("trickling body, timeout 3 s: exit \(slow.status), peak RSS \(String(format: "%.1f", slow.rssMiB)) MiB, \(String(format: "%.2f", slow.seconds)) s")
        #expect(slow.status == 2)
        #expect(slow.stderr.contains("timeout = 3 s"), "\(slow.stderr)")
        #expect(slow.seconds < 20, "\(slow.seconds) s")  // 3 s budget; 82 s per call before
        #expect(slow.rssMiB < 100)
    }
}
