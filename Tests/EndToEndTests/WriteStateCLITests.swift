#if canImport(Glibc)
import Glibc
#endif
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// `trakt-emulator --state FILE` (issue 25): writes survive a restart, and `kill -9` in the
/// middle of writing loses at most the writes that were not yet answered.
@Suite(.serialized) struct WriteStateCLITests {
    static let arguments = ["--port", "0", "--scale", "small", "--now", "2025-06-01T12:00:00Z", "--client-id", "app", "--rate-limit", "0", "--write-rate-limit", "0"]

    /// Starts the emulator with `extra` arguments; returns it and its URL.
    func start(_ extra: [String], directory: String) throws -> (Spawn.Child, String) {
        let emulator = try #require(Spawn.start(BinaryRunner.binary("trakt-emulator").path, Self.arguments + extra, captureOutput: true,
                                                errorFile: directory + "/stderr"))
        let url = Spawn.readOutput(emulator, timeout: 60, untilNewline: true).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(url.hasPrefix("http://127.0.0.1:"), "\(url) \((try? String(contentsOfFile: directory + "/stderr", encoding: .utf8)) ?? "")")
        return (emulator, url)
    }

    static func request(_ url: String, _ path: String, method: String = "GET", body: Any? = nil) -> URLRequest {
        var r = URLRequest(url: URL(string: url + path)!)
        r.httpMethod = method
        r.timeoutInterval = 10
        r.setValue("2", forHTTPHeaderField: "trakt-api-version")
        r.setValue("app", forHTTPHeaderField: "trakt-api-key")
        r.setValue("Bearer state-token", forHTTPHeaderField: "Authorization")
        r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let body { r.httpBody = try? JSONSerialization.data(withJSONObject: body) }
        return r
    }

    /// justin's movie history count.
    static func plays(_ url: String) async throws -> Int {
        let (_, response) = try await URLSession.shared.data(for: Self.request(url, "/sync/history/movies?limit=1"))
        return Int((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "X-Pagination-Item-Count") ?? "") ?? -1
    }

    /// One play of a movie; true when the emulator answered 201.
    static func addPlay(_ url: String) async -> Bool {
        let body = ["movies": [["ids": ["slug": "inception-2010"]]]]
        guard let (_, response) = try? await URLSession.shared.data(for: Self.request(url, "/sync/history", method: "POST", body: body)) else { return false }
        return (response as? HTTPURLResponse)?.statusCode == 201
    }

    @Test func writesSurviveARestartAndKillNineLosesAtMostTheUnansweredOnes() async throws {
        let directory = NSTemporaryDirectory() + "emulator-state-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "state-token\n".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        let state = directory + "/writes.jsonl"
        let extra = ["--state", state, "--access-token-file", directory + "/token"]

        // Plain restart: 5 acknowledged writes come back.
        var (emulator, url) = try start(extra, directory: directory)
        let base = try await Self.plays(url)
        #expect(base >= 0)
        for _ in 0..<5 { #expect(await Self.addPlay(url)) }
        #expect(try await Self.plays(url) == base + 5)
        kill(emulator.pid, SIGTERM)
        Spawn.wait(emulator, timeout: 10)
        close(emulator.output)
        (emulator, url) = try start(extra, directory: directory)
        #expect(try await Self.plays(url) == base + 5)
        #expect(((try? String(contentsOfFile: directory + "/stderr", encoding: .utf8)) ?? "").contains("replayed"))

        // kill -9 while writes are in flight: every answered one is kept, at most the ones in
        // flight are lost.
        let acknowledged = WriteCounter()
        let sent = WriteCounter()
        let target = url
        let writers = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        for _ in 0..<400 {
                            if Task.isCancelled { return }
                            sent.add()
                            if await Self.addPlay(target) { acknowledged.add() } else { return }
                        }
                    }
                }
            }
        }
        while acknowledged.value < 60 { try await Task.sleep(for: .milliseconds(5)) }
        kill(emulator.pid, SIGKILL)
        Spawn.wait(emulator, timeout: 10)
        close(emulator.output)
        await writers.value
        let answered = acknowledged.value
        let tried = sent.value
        (emulator, url) = try start(extra, directory: directory)
        let after = try await Self.plays(url) - base - 5
        #expect(after >= answered, "an answered write was lost: \(after) kept, \(answered) answered")
        #expect(after <= tried, "\(after) kept of \(tried) sent")
        kill(emulator.pid, SIGTERM)
        Spawn.wait(emulator, timeout: 10)
        close(emulator.output)

        // --reset-state forgets them all.
        (emulator, url) = try start(extra + ["--reset-state"], directory: directory)
        #expect(try await Self.plays(url) == base)
        kill(emulator.pid, SIGTERM)
        Spawn.wait(emulator, timeout: 10)
        close(emulator.output)
    }

    @Test func resetStateNeedsAStateFileAndADamagedFileIsRefused() async throws {
        let out = try await BinaryRunner.run("trakt-emulator", ["--reset-state", "--scale", "small"], timeout: 10)
        #expect(out.status == 64, "\(out.stderr)")
        #expect(out.stderr.contains("--reset-state needs --state FILE"), "\(out.stderr)")
        let path = NSTemporaryDirectory() + "emulator-damaged-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "not a record\n{\"v\":1}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let damaged = try await BinaryRunner.run("trakt-emulator", ["--state", path, "--scale", "small"], timeout: 30)
        #expect(damaged.status == 64, "\(damaged.stderr)")
        #expect(damaged.stderr.contains("line 1 is not a journal record"), "\(damaged.stderr)")
    }
}

/// A count shared by the writer tasks.
final class WriteCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0

    func add() {
        lock.lock()
        n += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return n
    }
}
