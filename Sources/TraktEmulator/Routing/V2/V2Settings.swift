import Foundation

/// How the device flow approves a code (`--device-approval`).
public enum DeviceApproval: String, Sendable, CaseIterable {
    /// Approved as the token user on the poll after the first (the first poll answers 400 pending).
    case auto
    /// Pending until `POST /emulator/approve/{user_code}`.
    case manual
    /// Denied (418) on the poll after the first.
    case deny
}

/// A request budget per token (or per client id without a token): `N/PERIOD`, e.g. `1000/300s`.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    /// Requests allowed per window; 0 turns limiting off.
    public var limit: Int
    /// Window length in seconds.
    public var period: Int

    public init(limit: Int, period: Int) {
        self.limit = limit
        self.period = max(1, period)
    }

    /// Trakt's GET limit: 1000 calls per 5 minutes.
    public static let trakt = RateLimit(limit: 1000, period: 300)
    /// Trakt's write limit (`AUTHED_API_POST_LIMIT`): 1 POST, PUT or DELETE per second per user.
    public static let traktWrites = RateLimit(limit: 1, period: 1)
    public static let off = RateLimit(limit: 0, period: 1)

    public var isOff: Bool { limit == 0 }

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Parses `N/PERIOD` (`1000/300s`, `60/1m`, `10/1h`, `5/30`), or `0` (off).
    public init(parsing text: String) throws(ParseError) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "0" || t == "off" {
            self = .off
            return
        }
        let parts = t.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let n = Int(parts[0]), n >= 0 else {
            throw ParseError(description: "invalid rate limit '\(text)': expected N/PERIOD such as 1000/300s, or 0 for none")
        }
        var p = parts[1]
        var unit = 1
        if p.hasSuffix("s") {
            p.removeLast()
        } else if p.hasSuffix("m") {
            p.removeLast()
            unit = 60
        } else if p.hasSuffix("h") {
            p.removeLast()
            unit = 3600
        }
        guard let v = Int(p), v > 0, v <= 86_400 * 7 else {
            throw ParseError(description: "invalid rate-limit period '\(parts[1])': expected seconds such as 300s, 5m or 1h")
        }
        self.init(limit: n, period: v * unit)
    }

    public var description: String { isOff ? "0" : "\(limit)/\(period)s" }
}

/// The Trakt v2 side of the emulator: the app's credentials, pre-issued tokens, the device
/// flow and the rate limit.
public struct V2Settings: Sendable {
    /// The v2 app's client id (`trakt-api-key`); nil = any client id is accepted (and reported
    /// once through ``onNewClient``).
    public var clientID: String?
    /// The app's client secret for `/oauth/*`; nil = any secret is accepted.
    public var clientSecret: String?
    /// A pre-issued bearer token for ``tokenUser`` (never expires).
    public var accessToken: String?
    /// The user pre-issued and device-flow tokens belong to (default: the dataset's first user, `justin`).
    public var tokenUser: String?
    public var deviceApproval: DeviceApproval
    /// Lifetime of issued access tokens, seconds (default 7 days).
    public var tokenTTL: Int
    /// Reads (GET, HEAD) per token, or per client id without one (`--rate-limit`).
    public var rateLimit: RateLimit
    /// Writes (POST, PUT, DELETE) per user, in a bucket of their own (`--write-rate-limit`):
    /// Trakt's `AUTHED_API_POST_LIMIT` is ``RateLimit/traktWrites``, the command line's default;
    /// off by default when embedding (tests write as fast as they like).
    public var writeRateLimit: RateLimit = .off
    /// `interval` of device codes (seconds); polling sooner than this after the previous poll gets 429.
    public var deviceInterval: Int
    /// `expires_in` of device codes (seconds); polling after it gets 410.
    public var deviceCodeLifetime: Int
    /// Called with a line for the operator (the CLI prints it): each new client id seen while
    /// ``clientID`` is nil, once (the id made safe to print: ``OperatorText``), and once a note
    /// when more ids were seen than the emulator remembers.
    public var onNotice: (@Sendable (String) -> Void)?
    /// The secret that authorises `POST /emulator/approve/{user_code}` (sent as
    /// `Authorization: Bearer …`; `--operator-secret-file`). Compared in constant time.
    public var operatorSecret: String?
    /// `POST /emulator/approve/{user_code}` from this machine (a loopback peer, or in-process)
    /// needs no operator secret (`--approve-from-loopback`). Off by default: without it or an
    /// operator secret, nobody can approve a code over HTTP.
    public var approveFromLoopback = false
    /// The app's registered redirect URI (`--redirect-uri`): `/oauth/authorize` redirects only
    /// there, and `/oauth/token` requires the same one.
    public var redirectURI = V2Settings.outOfBandRedirect

    /// The redirect URI of apps without a web page: the code is shown, not sent anywhere.
    public static let outOfBandRedirect = "urn:ietf:wg:oauth:2.0:oob"
    /// For tests of clients' redaction: every v2 error message ends with the bearer token the
    /// request carried, bare (`… (request token 3f9a…)`), as a careless server might echo it.
    /// Off by default (`--echo-token-in-errors`).
    public var echoTokenInErrors = false

    public init(
        clientID: String? = nil, clientSecret: String? = nil, accessToken: String? = nil, tokenUser: String? = nil,
        deviceApproval: DeviceApproval = .auto, tokenTTL: Int = 7 * 86_400, rateLimit: RateLimit = .trakt,
        deviceInterval: Int = 5, deviceCodeLifetime: Int = 600, onNotice: (@Sendable (String) -> Void)? = nil
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.accessToken = accessToken
        self.tokenUser = tokenUser
        self.deviceApproval = deviceApproval
        self.tokenTTL = tokenTTL
        self.rateLimit = rateLimit
        self.deviceInterval = deviceInterval
        self.deviceCodeLifetime = deviceCodeLifetime
        self.onNotice = onNotice
    }
}

/// `--tls-cert FILE --tls-key FILE`: serve HTTPS.
public struct TLSFiles: Sendable, Equatable {
    /// PEM certificate chain (server certificate first).
    public var certificatePath: String
    /// PEM private key.
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }
}
