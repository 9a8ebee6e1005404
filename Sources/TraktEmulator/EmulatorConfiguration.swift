import Foundation
import TraktProtocol

/// Everything needed to make an emulator: the dataset, the APIs' behaviour and faults (read by
/// the core, ``Emulator``), and how a server exposes it (``host``, ``port``, ``idleTimeout``,
/// ``tls``: plain values read only by the HTTP server in `TraktEmulatorServer`; an in-process
/// front end ignores them).
public struct EmulatorConfiguration: Sendable {
    /// Address to bind (default loopback). Server only.
    public var host: String
    /// Port to bind; 0 picks any free port. Server only.
    public var port: Int
    /// Dataset seed.
    public var seed: UInt64
    /// Dataset size.
    public var size: DatasetSize
    /// When set, only this API key is accepted (others get 401 `invalid API key`); when nil,
    /// any key is accepted.
    public var apiKey: String?
    /// Random faults (see ``FaultSpec``).
    public var faults: FaultSpec
    /// Pins the server clock (dataset end, `current`, `when`/`elapsed`); nil = real time, with
    /// the dataset ending at the moment it was generated. Outside ``supportedNow`` it is moved
    /// to the nearest end of that range (the command lines refuse such a `--now` in words).
    public var now: Date?

    /// The clocks the dataset can end at: its people watch for years before `now`, and their
    /// days are counted from 1970, so a clock before 1980 (or not a number) has no dataset.
    public static let supportedNow: ClosedRange<Date> = Date(timeIntervalSince1970: 315_532_800)...Date(timeIntervalSince1970: 253_370_764_800)

    /// `now`, or the nearest end of ``supportedNow`` (its start when `now` is not a number).
    public static func nearestSupported(_ now: Date) -> Date {
        let seconds = now.timeIntervalSince1970
        if seconds.isNaN || now < supportedNow.lowerBound { return supportedNow.lowerBound }
        return min(now, supportedNow.upperBound)
    }

    /// `--now`'s problem, if it has one: not a finite time, or outside ``supportedNow``.
    public static func problem(withNow now: Date) -> String? {
        guard now.timeIntervalSince1970.isFinite, supportedNow.contains(now) else {
            return "the emulator's clock must be between 1980-01-01 and 9999-01-01 (its people watch for years before it)"
        }
        return nil
    }
    /// How `start_ts`/`end_ts` are read and `timestamp`/`timestamps` written.
    public var convention: TimestampConvention
    /// Whether the clock runs (`--clock real`: new community activity appears as time passes)
    /// or stands (``EmulatorClock/fixed``, the default: it moves only by `POST /emulator/advance`).
    public var clock: EmulatorClock = .fixed
    /// Put terminal-attacking text (escape sequences, OSC 52, bidi overrides, NUL, very long
    /// titles) into every printable string, to test clients' output hygiene.
    public var hostileText: Bool
    /// Honour `X-Emulator-Fault` request headers (tests); off by default, since any client
    /// could then make the server stall or drop connections.
    public var allowFaultHeader: Bool
    /// A connection that has not sent a complete request head within this time of opening (or
    /// of its last answer) is closed: silent and trickling (slowloris) connections alike.
    /// Server only.
    public var idleTimeout: Duration
    /// The Trakt API v2 side: client id/secret, tokens, device flow, rate limit (Routing/V2, Routing/OAuth).
    public var v2: V2Settings = V2Settings()
    /// Serve HTTPS with this certificate and key (the base URL becomes https://). Server only.
    public var tls: TLSFiles?

    public init(
        host: String = "127.0.0.1", port: Int = 0, seed: UInt64 = 1, size: DatasetSize = DatasetScale.default.size,
        apiKey: String? = nil, faults: FaultSpec = .none, now: Date? = nil, convention: TimestampConvention = .pacific,
        hostileText: Bool = false, allowFaultHeader: Bool = false, idleTimeout: Duration = .seconds(15)
    ) {
        self.hostileText = hostileText
        self.allowFaultHeader = allowFaultHeader
        self.idleTimeout = idleTimeout
        self.host = host
        self.port = port
        self.seed = seed
        self.size = size
        self.apiKey = apiKey
        self.faults = faults
        self.now = now
        self.convention = convention
    }

    /// True for 127.0.0.0/8, ::1 and "localhost" (the address parsed, not matched by prefix).
    public var isLoopback: Bool { Loopback.isLoopback(host) }

    /// What stderr says when the server listens beyond this machine: who can read what through
    /// v1 keys and passwords, and who can get an OAuth token for which account through v2.
    public var exposureWarning: String {
        let keys = apiKey == nil ? "any API key is accepted" : "only the configured API key is accepted"
        var text = "trakt-emulator: listening on non-loopback address \(OperatorText.printable(host)): reachable from the network; \(keys), "
            + "and every user's password is \"password-\" followed by the username (sent as its SHA-1): anyone who can connect can read every user's activity"
        let user = OperatorText.printable(v2.tokenUser ?? "justin")
        var oauth: [String] = [v2.clientID == nil ? "any v2 client id is accepted" : "only the configured v2 client id is accepted"]
        switch v2.deviceApproval {
        case .auto:
            oauth.append("every OAuth device code is approved by itself as \(user) (--device-approval auto), so anyone who can connect gets a token for that account")
        case .manual:
            let who = [v2.operatorSecret != nil ? "whoever holds the operator secret" : nil,
                       v2.approveFromLoopback ? "anyone on this machine" : nil].compactMap { $0 }
            oauth.append("OAuth device codes are approved by " + (who.isEmpty ? "nobody over HTTP" : who.joined(separator: " and ")) + " (POST /emulator/approve)")
        case .deny:
            oauth.append("OAuth device codes are denied")
        }
        if v2.clientSecret == nil { oauth.append("any OAuth client secret is accepted") }
        if v2.accessToken != nil { oauth.append("the pre-issued --access-token never expires") }
        text += "; OAuth (v2): " + oauth.joined(separator: ", ")
        return text + (allowFaultHeader ? ", and X-Emulator-Fault lets any client stall or reset the server" : "")
    }
}

/// `--clock`: whether the server clock runs on its own.
public enum EmulatorClock: String, Sendable, CaseIterable {
    /// Pinned by `--now` (or, without it, the data stands at the start while responses read the
    /// real clock); `POST /emulator/advance` moves it.
    case fixed
    /// Runs at the real clock's pace from the start (`--now`, or the real time): the community
    /// goes on watching as time passes.
    case real
}

/// Errors from starting the emulator.
public struct EmulatorError: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }
}
