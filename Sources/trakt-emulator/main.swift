import ArgumentParser
import Foundation
import TraktEmulator
import TraktProtocol

/// `trakt-emulator`: parses arguments and hands over to ``EmulatorServer``.
@main
struct TraktEmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trakt-emulator",
        abstract: "A faithful HTTP server of the (defunct) Trakt v1 activity API over a deterministic generated dataset.",
        discussion: "Prints the URL it is bound to on one line on stdout, then serves until interrupted. See docs/EMULATOR.md."
    )

    @Option(help: "Address to bind. A non-loopback address is announced on stderr.")
    var host = "127.0.0.1"

    @Option(help: "Port to bind (0 = any free port).")
    var port = 0

    @Option(help: "Dataset seed.")
    var seed: UInt64 = 1

    @Option(help: "Number of activities to generate (overrides --scale).")
    var activities: Int?

    @Option(help: "Dataset preset: small (5k activities), default (100k), large (1M), huge (5M).")
    var scale: String = "default"

    @Option(name: .customLong("api-key"), help: "Accept only this API key (default: any key).")
    var apiKey: String?

    @Option(help: "Random faults, e.g. 503:0.1,429:0.05,latency:50ms,truncate:0.01,malformed:0.01,reset:0.01")
    var faults: String = ""

    @Option(help: "Pin the server clock: ISO-8601 (2024-06-01T12:00:00Z) or Unix seconds.")
    var now: String?

    @Option(help: "Timestamp convention for start_ts/end_ts and timestamps: pacific (default) or utc.")
    var convention: String = "pacific"

    @Option(name: .customLong("same-second-burst"), help: ArgumentHelp("Add N activities that share one second, an hour before the end: more than the 100-item page lets a client page past (to test clients; the generator otherwise keeps every second under 25).", valueName: "N"))
    var sameSecondBurst = 0

    @Flag(name: .customLong("hostile-text"), help: "Put terminal-attacking text (escape sequences, OSC 52, bidi overrides, NUL) into every title, name and comment.")
    var hostileText = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard DatasetScale(rawValue: scale) != nil else { throw ValidationError("--scale must be small, default, large or huge") }
        guard (0...100_000).contains(sameSecondBurst) else { throw ValidationError("--same-second-burst must be 0...100000") }
        if let activities, !(0...16_000_000).contains(activities) {
            throw ValidationError("--activities must be 0...16000000")
        }
        guard TimestampConvention(rawValue: convention) != nil else { throw ValidationError("--convention must be pacific or utc") }
        do { _ = try FaultSpec(parsing: faults) } catch { throw ValidationError("--faults: \(error.description)") }
        if let now, Self.parseNow(now) == nil {
            throw ValidationError("--now must be ISO-8601 (e.g. 2024-06-01T12:00:00Z) or Unix seconds, got '\(now)'")
        }
    }

    static func parseNow(_ s: String) -> Date? {
        if let n = Int64(s) { return Date(timeIntervalSince1970: TimeInterval(n)) }
        let f = ISO8601DateFormatter()
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withFullDate]
        return f.date(from: s)
    }

    func run() async throws {
        var size = activities.map { DatasetSize(activities: $0) } ?? DatasetScale(rawValue: scale)!.size
        size.sameSecondBurst = sameSecondBurst
        let config = EmulatorConfiguration(
            host: host, port: port, seed: seed, size: size, apiKey: apiKey, faults: try FaultSpec(parsing: faults),
            now: now.flatMap(Self.parseNow), convention: TimestampConvention(rawValue: convention)!, hostileText: hostileText)
        if !config.isLoopback {
            FileHandle.standardError.write(Data("trakt-emulator: listening on non-loopback address \(host): reachable from the network\n".utf8))
        }
        let server = try await EmulatorServer.start(config)
        FileHandle.standardOutput.write(Data((server.baseURL.absoluteString + "\n").utf8))
        FileHandle.standardError.write(
            Data(
                "trakt-emulator: \(server.dataset.activityCount) activities, \(server.dataset.userCount) users, seed \(seed), generated in \(String(format: "%.0f", server.generationMilliseconds)) ms\n"
                    .utf8))
        await server.waitUntilStopped()
    }
}
