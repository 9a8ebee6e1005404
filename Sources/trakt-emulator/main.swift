import ArgumentParser
import Foundation
import TraktEmulator
import TraktEmulatorServer
import TraktProtocol

/// `trakt-emulator`: parses arguments and hands over to ``EmulatorServer``.
@main
struct TraktEmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trakt-emulator",
        abstract: "A faithful HTTP(S) server of Trakt API v2 (OAuth device flow, paging, rate limits) and the (defunct) v1 activity API, over one deterministic generated dataset.",
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

    @Option(name: .customLong("api-key"), help: "Accept only this API key (default: any key). Visible to other local users: prefer --api-key-file.")
    var apiKey: String?

    @Option(name: .customLong("api-key-file"), help: ArgumentHelp("Accept only the API key on the first line of FILE ('-' reads standard input).", valueName: "FILE"))
    var apiKeyFile: String?

    @Flag(name: .customLong("allow-fault-header"), help: "Honour X-Emulator-Fault request headers (for tests: any client can then stall or reset the server).")
    var allowFaultHeader = false

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Close a connection that sends no complete request head for this many seconds (default 15).", valueName: "SECONDS"))
    var idleTimeout: Double = 15

    @Option(help: "Random faults, e.g. 503:0.1,429:0.05,latency:50ms,truncate:0.01,malformed:0.01,reset:0.01")
    var faults: String = ""

    @Option(help: "Pin the server clock: ISO-8601 (2024-06-01T12:00:00Z) or Unix seconds.")
    var now: String?

    @Option(help: "The server clock: fixed (default: pinned by --now, moved only by POST /emulator/advance) or real (runs from the start at the real clock's pace; the community keeps watching as time passes).")
    var clock: String = "fixed"

    @Option(help: "Timestamp convention for start_ts/end_ts and timestamps: pacific (default) or utc.")
    var convention: String = "pacific"

    @Option(name: .customLong("same-second-burst"), help: ArgumentHelp("Add N activities that share one second, an hour before the end: more than the 100-item page lets a client page past (to test clients; the generator otherwise keeps every second under 25).", valueName: "N"))
    var sameSecondBurst = 0

    @Flag(name: .customLong("hostile-text"), help: "Put terminal-attacking text (escape sequences, OSC 52, bidi overrides, NUL) into every title, name and comment.")
    var hostileText = false

    // Trakt API v2 (docs/EMULATOR.md, "API v2").
    @Option(name: .customLong("client-id"), help: "v2: the app's client id (trakt-api-key). Default: any client id is accepted and printed.")
    var clientID: String?

    @Option(name: .customLong("client-secret"), help: "v2: the app's client secret for /oauth/* (default: any). Visible to other local users: prefer --client-secret-file.")
    var clientSecret: String?

    @Option(name: .customLong("client-secret-file"), help: ArgumentHelp("v2: the client secret on the first line of FILE ('-' reads standard input).", valueName: "FILE"))
    var clientSecretFile: String?

    @Option(name: .customLong("access-token"), help: "v2: a pre-issued bearer token for --token-user (never expires). Visible to other local users: prefer --access-token-file.")
    var accessToken: String?

    @Option(name: .customLong("access-token-file"), help: ArgumentHelp("v2: the pre-issued token on the first line of FILE ('-' reads standard input).", valueName: "FILE"))
    var accessTokenFile: String?

    @Option(name: .customLong("operator-secret-file"), help: ArgumentHelp("v2: POST /emulator/approve/{user_code} needs the secret on the first line of FILE, sent as Authorization: Bearer SECRET.", valueName: "FILE"))
    var operatorSecretFile: String?

    @Flag(name: .customLong("approve-from-loopback"), help: "v2: POST /emulator/approve/{user_code} from this machine needs no operator secret (anyone on this machine can then approve a login as any user).")
    var approveFromLoopback = false

    @Option(name: .customLong("redirect-uri"), help: "v2: the app's registered redirect URI: /oauth/authorize redirects only there, /oauth/token requires it (default urn:ietf:wg:oauth:2.0:oob).")
    var redirectURI: String = V2Settings.outOfBandRedirect

    @Option(name: .customLong("token-user"), help: "v2: the user pre-issued and device-flow tokens belong to (default: justin).")
    var tokenUser: String?

    @Option(name: .customLong("device-approval"), help: "v2 device flow: auto (approved on the poll after the first), manual (POST /emulator/approve/{user_code}, with --operator-secret-file or --approve-from-loopback) or deny.")
    var deviceApproval: String = "auto"

    @Option(name: .customLong("token-ttl"), help: "v2: lifetime of issued access tokens, e.g. 7d, 24h, 3600s (default 7d).")
    var tokenTTL: String = "7d"

    @Option(name: .customLong("rate-limit"), help: "v2: requests per token (or client) and period, e.g. 1000/300s (default); 0 = off.")
    var rateLimit: String = "1000/300s"

    @Option(name: .customLong("write-rate-limit"), help: "v2: writes (POST, PUT, DELETE) per user and period, apart from reads, e.g. 1/1s (default, Trakt's); 0 = off.")
    var writeRateLimit: String = "1/1s"

    @Flag(name: .customLong("echo-token-in-errors"), help: "v2, for tests of clients' redaction: every error message ends with the request's bearer token.")
    var echoTokenInErrors = false

    @Option(name: .customLong("state"), help: ArgumentHelp("Keep v2 writes in FILE (an append-only JSON-lines journal, fsynced per write) and replay it at start; without it writes live in memory.", valueName: "FILE"))
    var state: String?

    @Flag(name: .customLong("reset-state"), help: "Empty the --state file before starting (forget every write).")
    var resetState = false

    @Option(name: .customLong("tls-cert"), help: "Serve HTTPS with this PEM certificate chain (needs --tls-key).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    /// "7d", "24h", "30m", "3600s" or plain seconds.
    static func seconds(_ s: String) -> Int? {
        let v = s.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int)] = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]
        for (suffix, unit) in units where v.hasSuffix(suffix) {
            guard let n = Int(v.dropLast()), n > 0, n <= 3650 * 86_400 / unit else { return nil }
            return n * unit
        }
        guard let n = Int(v), n > 0 else { return nil }
        return n
    }

    func validate() throws {
        guard DeviceApproval(rawValue: deviceApproval) != nil else { throw ValidationError("--device-approval must be auto, manual or deny") }
        guard Self.seconds(tokenTTL) != nil else { throw ValidationError("--token-ttl must be a duration such as 7d, 24h or 3600s") }
        do { _ = try RateLimit(parsing: rateLimit) } catch { throw ValidationError("--rate-limit: \(error.description)") }
        do { _ = try RateLimit(parsing: writeRateLimit) } catch { throw ValidationError("--write-rate-limit: \(error.description)") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        if resetState && state == nil { throw ValidationError("--reset-state needs --state FILE") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard idleTimeout.isFinite, idleTimeout > 0, idleTimeout <= 3600 else { throw ValidationError("--idle-timeout must be more than 0 and at most 3600 seconds") }
        if apiKey != nil && apiKeyFile != nil { throw ValidationError("--api-key and --api-key-file contradict each other") }
        if clientSecret != nil && clientSecretFile != nil { throw ValidationError("--client-secret and --client-secret-file contradict each other") }
        if accessToken != nil && accessTokenFile != nil { throw ValidationError("--access-token and --access-token-file contradict each other") }
        if [apiKeyFile, clientSecretFile, accessTokenFile, operatorSecretFile].filter({ $0 == "-" }).count > 1 {
            throw ValidationError("only one of the --…-file options can read standard input ('-')")
        }
        if deviceApproval == DeviceApproval.manual.rawValue && operatorSecretFile == nil && !approveFromLoopback {
            throw ValidationError("--device-approval manual needs someone to approve codes: --operator-secret-file FILE (POST /emulator/approve with "
                                  + "Authorization: Bearer SECRET) or --approve-from-loopback (anyone on this machine)")
        }
        guard !redirectURI.isEmpty, !redirectURI.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else {
            throw ValidationError("--redirect-uri must be a URI without spaces or control characters")
        }
        guard DatasetScale(rawValue: scale) != nil else { throw ValidationError("--scale must be small, default, large or huge") }
        guard (0...100_000).contains(sameSecondBurst) else { throw ValidationError("--same-second-burst must be 0...100000") }
        if let activities, !(0...16_000_000).contains(activities) {
            throw ValidationError("--activities must be 0...16000000")
        }
        guard EmulatorClock(rawValue: clock) != nil else { throw ValidationError("--clock must be fixed or real") }
        guard TimestampConvention(rawValue: convention) != nil else { throw ValidationError("--convention must be pacific or utc") }
        do { _ = try FaultSpec(parsing: faults) } catch { throw ValidationError("--faults: \(error.description)") }
        if let now {
            guard let date = Self.parseNow(now) else {
                throw ValidationError("--now must be ISO-8601 (e.g. 2024-06-01T12:00:00Z) or Unix seconds, got '\(now)'")
            }
            if let problem = EmulatorConfiguration.problem(withNow: date) { throw ValidationError("--now '\(now)': \(problem)") }
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

    /// The first line of `path` (`-`: standard input), trimmed; `option` names it in errors.
    static func readKeyFile(_ path: String, option: String = "--api-key-file") throws -> String {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readData(ofLength: 65_537)
        } else {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw ValidationError("\(option): cannot read \(path)") }
            data = handle.readData(ofLength: 65_537)
            try? handle.close()
        }
        guard data.count <= 65_536, let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("\(option): \(path) is not a one-line text file")
        }
        let key = (text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else { throw ValidationError("\(option): \(path) is empty") }
        return key
    }

    func run() async throws {
        var size = activities.map { DatasetSize(activities: $0) } ?? DatasetScale(rawValue: scale)!.size
        size.sameSecondBurst = sameSecondBurst
        let key = try apiKeyFile.map { try Self.readKeyFile($0) } ?? apiKey
        let secret = try clientSecretFile.map { try Self.readKeyFile($0, option: "--client-secret-file") } ?? clientSecret
        let token = try accessTokenFile.map { try Self.readKeyFile($0, option: "--access-token-file") } ?? accessToken
        let operatorSecret = try operatorSecretFile.map { try Self.readKeyFile($0, option: "--operator-secret-file") }
        let onArgv = [(apiKey, "--api-key"), (clientSecret, "--client-secret"), (accessToken, "--access-token")].filter { $0.0 != nil }.map(\.1)
        if !onArgv.isEmpty {
            let files = onArgv.map { $0 + "-file" }.joined(separator: ", ")
            FileHandle.standardError.write(Data(("trakt-emulator: warning: \(onArgv.joined(separator: ", ")) on the command line can be seen by other "
                                                 + "local users (ps); use \(files)\n").utf8))
        }
        var config = EmulatorConfiguration(
            host: host, port: port, seed: seed, size: size, apiKey: key, faults: try FaultSpec(parsing: faults),
            now: now.flatMap(Self.parseNow), convention: TimestampConvention(rawValue: convention)!, hostileText: hostileText,
            allowFaultHeader: allowFaultHeader, idleTimeout: .milliseconds(Int64((idleTimeout * 1000).rounded())))
        config.clock = EmulatorClock(rawValue: clock)!
        config.v2 = V2Settings(
            clientID: clientID, clientSecret: secret, accessToken: token, tokenUser: tokenUser,
            deviceApproval: DeviceApproval(rawValue: deviceApproval)!, tokenTTL: Self.seconds(tokenTTL)!,
            rateLimit: try RateLimit(parsing: rateLimit),
            // The core makes what it reports safe to print (client ids are the clients' text).
            onNotice: { line in FileHandle.standardError.write(Data("trakt-emulator: \(line)\n".utf8)) })
        config.v2.echoTokenInErrors = echoTokenInErrors
        config.v2.writeRateLimit = try RateLimit(parsing: writeRateLimit)
        config.v2.operatorSecret = operatorSecret
        config.v2.approveFromLoopback = approveFromLoopback
        config.v2.redirectURI = redirectURI
        if let tlsCert, let tlsKey { config.tls = TLSFiles(certificatePath: tlsCert, keyPath: tlsKey) }
        if !config.isLoopback {
            FileHandle.standardError.write(Data((config.exposureWarning + "\n").utf8))
        }
        let emulator = Emulator(config)
        if let state {
            do {
                for warning in try emulator.openState(path: state, reset: resetState) {
                    FileHandle.standardError.write(Data("trakt-emulator: warning: \(OperatorText.printable(warning))\n".utf8))
                }
            } catch {
                FileHandle.standardError.write(Data("trakt-emulator: \(OperatorText.printable(error.description))\n".utf8))
                throw ExitCode(64)
            }
            FileHandle.standardError.write(Data("trakt-emulator: state \(OperatorText.printable(state)): \(emulator.writtenActivityCount) written activities replayed\n".utf8))
        }
        let server = try await EmulatorServer.start(serving: emulator)
        if let tokenUser, !server.dataset.catalogUsers.contains(where: { $0.username.lowercased() == tokenUser.lowercased() }) {
            FileHandle.standardError.write(Data("trakt-emulator: --token-user '\(OperatorText.printable(tokenUser))' is not a user of this dataset\n".utf8))
            throw ExitCode(64)
        }
        FileHandle.standardOutput.write(Data((server.baseURL.absoluteString + "\n").utf8))
        FileHandle.standardError.write(
            Data(
                "trakt-emulator: \(server.dataset.activityCount) activities, \(server.dataset.userCount) users, seed \(seed), generated in \(String(format: "%.0f", server.generationMilliseconds)) ms\n"
                    .utf8))
        await server.waitUntilStopped()
    }
}
