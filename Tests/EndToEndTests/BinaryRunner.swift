import Foundation

/// Runs a built executable of this package and captures what it prints.
struct BinaryRunner {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `.build/debug/NAME`, or NAME in `TRAKTQL_TEST_BINARIES` when set (to run the end-to-end
    /// tests against another build, e.g. main's, and see which of them fail there).
    static func binary(_ name: String) -> URL {
        if let directory = ProcessInfo.processInfo.environment["TRAKTQL_TEST_BINARIES"], !directory.isEmpty {
            return URL(fileURLWithPath: directory).appendingPathComponent(name)
        }
        return root.appendingPathComponent(".build/debug/\(name)")
    }

    /// Runs `name` with `arguments`; kills it after `timeout` seconds (and reports status -9).
    /// Waits without blocking Swift's cooperative threads (there are only two on this machine).
    static func run(_ name: String, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    timeout: TimeInterval = 60, directory: String? = nil) async throws -> Output {
        try await runProgram(binary(name).path, arguments, stdin: stdin, environment: environment, timeout: timeout, directory: directory)
    }

    /// Runs any program the same way.
    static func runProgram(_ path: String, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                           timeout: TimeInterval = 60, directory: String? = nil) async throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["XDG_CONFIG_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("traktql-e2e-noconfig").path
        for name in ["TRAKT_API_URL", "TRAKT_API_KEY", "TRAKT_USERNAME", "TRAKT_PASSWORD"] { env[name] = nil }
        // The machine's trust and proxy settings are not the test's: a test sets what it needs.
        for name in ["SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"] {
            env[name] = nil
        }
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.currentDirectoryURL = directory.map { URL(fileURLWithPath: $0) } ?? root
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let collected = Collected()
        return try await withCheckedThrowingContinuation { continuation in
            // Pipes are drained on Dispatch threads so a large output cannot block the child.
            let group = DispatchGroup()
            group.enter()
            group.enter()
            group.enter()
            process.terminationHandler = { _ in group.leave() }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
                return
            }
            DispatchQueue.global().async {
                if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
                try? input.fileHandleForWriting.close()
            }
            DispatchQueue.global().async { collected.setOut(out.fileHandleForReading.readDataToEndOfFile()); group.leave() }
            DispatchQueue.global().async { collected.setErr(err.fileHandleForReading.readDataToEndOfFile()); group.leave() }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            group.notify(queue: .global()) {
                let status = process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
                let (o, e) = collected.get()
                continuation.resume(returning: Output(status: status, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self)))
            }
        }
    }
}

/// What the pipe readers collected, behind a lock.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data(), err = Data()
    func setOut(_ d: Data) { lock.lock(); out = d; lock.unlock() }
    func setErr(_ d: Data) { lock.lock(); err = d; lock.unlock() }
    func get() -> (Data, Data) { lock.lock(); defer { lock.unlock() }; return (out, err) }
}
