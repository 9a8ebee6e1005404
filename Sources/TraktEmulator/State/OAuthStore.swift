import Foundation

/// Tokens, refresh tokens, device codes and authorization codes issued by the emulator, and the
/// client ids it has reported. In memory; one lock (OAuth calls are rare next to page reads).
///
/// Every secret comes from the system's CSPRNG (`SystemRandomNumberGenerator`), never from the
/// dataset's seeded generator: people run the emulator as a Trakt sandbox, sometimes on a shared
/// host, and a seeded secret would let one observed code (or the default seed alone) predict the
/// next login's tokens. Only the dataset is deterministic.
///
/// What a client can make the store keep is bounded: expired device codes, authorization codes
/// and tokens are purged, live device codes and authorization codes are capped, and only the
/// first ``maximumReportedClients`` client ids are remembered.
final class OAuthStore: @unchecked Sendable {
    struct Token {
        let user: Int
        /// Unix seconds; nil = never (the pre-issued `--access-token`).
        let expires: Int64?
        let refresh: String?
    }

    struct DeviceCode {
        let userCode: String
        let created: Int64
        /// Unix seconds after which polls answer 410 and the code may be purged.
        let expires: Int64
        var polls = 0
        var lastPoll: Double?
        var approvedUser: Int?
        var denied = false
        var used = false
    }

    struct AuthorizationCode {
        let user: Int
        /// The `redirect_uri` the authorization request named (nil: it named none).
        let redirectURI: String?
        let expires: Int64
    }

    enum PollResult: Equatable {
        case pending, invalid, used, expired, denied, slowDown
        case approved(user: Int)
    }

    /// Live (unexpired) device codes at most: past it, `/oauth/device/code` answers 429.
    static let maximumDeviceCodes = 10_000
    /// Unredeemed, unexpired authorization codes at most: past it, `/oauth/authorize` answers 429.
    static let maximumAuthorizationCodes = 10_000
    /// Seconds an authorization code stays redeemable (RFC 6749 recommends at most 10 minutes).
    static let authorizationCodeLifetime: Int64 = 600
    /// Client ids remembered (and reported once each) at most; later ones are accepted but not
    /// remembered, and the operator is told once.
    static let maximumReportedClients = 1_000

    private let lock = NSLock()
    private var tokens: [String: Token] = [:]
    /// refresh token → user; a refresh token is removed when it is used.
    private var refreshTokens: [String: Int] = [:]
    private var deviceCodes: [String: DeviceCode] = [:]
    private var userCodes: [String: String] = [:]
    /// authorization code → its user and redirect URI (single use).
    private var authCodes: [String: AuthorizationCode] = [:]
    private var seenClients: Set<String> = []
    private var clientsOverflowed = false
    /// When expired tokens, device codes and authorization codes were last purged (Unix seconds):
    /// each at most once a second, so that issuing stays O(1) however many are kept.
    private var lastTokenPurge: Int64 = 0
    private var lastDeviceCodePurge: Int64 = .min
    private var lastAuthorizationCodePurge: Int64 = .min

    init() {}

    /// `n` hexadecimal digits from the system's CSPRNG.
    private static func secret(hexDigits n: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var s = ""
        while s.count < n {
            let word = generator.next() as UInt64
            let digits = String(word, radix: 16)
            s += String(repeating: "0", count: 16 - digits.count) + digits
        }
        return String(s.prefix(n))
    }

    func addPermanent(token: String, user: Int) {
        lock.locked { tokens[token] = Token(user: user, expires: nil, refresh: nil) }
    }

    /// What to tell the operator about `client`: `.new` the first time it is seen, `.overflow`
    /// once when more than ``maximumReportedClients`` were seen, `.known` otherwise.
    enum Sighting: Equatable { case new, known, overflow }

    func sighting(ofClient client: String) -> Sighting {
        lock.locked {
            if seenClients.contains(client) { return .known }
            if seenClients.count >= Self.maximumReportedClients {
                if clientsOverflowed { return .known }
                clientsOverflowed = true
                return .overflow
            }
            seenClients.insert(client)
            return .new
        }
    }

    /// The user of a valid bearer token, nil when unknown, revoked or expired.
    func user(forToken token: String, now: Int64) -> Int? {
        lock.locked {
            guard let t = tokens[token] else { return nil }
            if let e = t.expires, e <= now { return nil }
            return t.user
        }
    }

    /// Issues a new access/refresh pair (and drops expired pairs, at most once a minute).
    func issue(user: Int, ttl: Int, now: Int64) -> (access: String, refresh: String) {
        lock.locked {
            if now - lastTokenPurge >= 60 {
                lastTokenPurge = now
                for (key, token) in tokens {
                    guard let expires = token.expires, expires <= now else { continue }
                    tokens[key] = nil
                    if let refresh = token.refresh { refreshTokens[refresh] = nil }
                }
            }
            let access = Self.secret(hexDigits: 64)
            let refresh = Self.secret(hexDigits: 64)
            tokens[access] = Token(user: user, expires: now + Int64(ttl), refresh: refresh)
            refreshTokens[refresh] = user
            return (access, refresh)
        }
    }

    /// Consumes a refresh token (once): the user, or nil when unknown or already used.
    func redeem(refresh: String) -> Int? {
        lock.locked {
            guard let user = refreshTokens.removeValue(forKey: refresh) else { return nil }
            // The access token of the old pair stops working too.
            for (k, t) in tokens where t.refresh == refresh { tokens[k] = nil }
            return user
        }
    }

    /// Revokes an access token (and its refresh token); false when it was unknown.
    @discardableResult
    func revoke(token: String) -> Bool {
        lock.locked {
            if let t = tokens.removeValue(forKey: token) {
                if let r = t.refresh { refreshTokens[r] = nil }
                return true
            }
            if refreshTokens.removeValue(forKey: token) != nil {
                for (k, t) in tokens where t.refresh == token { tokens[k] = nil }
                return true
            }
            return false
        }
    }

    /// A new device code and its user code, or nil when ``maximumDeviceCodes`` live codes exist
    /// (expired ones are purged first).
    func newDeviceCode(now: Int64, lifetime: Int) -> (device: String, user: String)? {
        lock.locked {
            if now != lastDeviceCodePurge {
                lastDeviceCodePurge = now
                for (key, code) in deviceCodes where now >= code.expires {
                    deviceCodes[key] = nil
                    userCodes[code.userCode] = nil
                }
            }
            guard deviceCodes.count < Self.maximumDeviceCodes else { return nil }
            let device = Self.secret(hexDigits: 64)
            let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
            var generator = SystemRandomNumberGenerator()
            var user = ""
            repeat {
                user = String((0..<8).map { _ in alphabet.randomElement(using: &generator)! })
            } while userCodes[user] != nil
            deviceCodes[device] = DeviceCode(userCode: user, created: now, expires: now + Int64(max(0, lifetime)))
            userCodes[user] = device
            return (device, user)
        }
    }

    /// How many device codes are kept (live or not yet purged).
    var deviceCodeCount: Int { lock.locked { deviceCodes.count } }
    /// How many authorization codes are kept (unredeemed, live or not yet purged).
    var authorizationCodeCount: Int { lock.locked { authCodes.count } }

    /// One poll of `POST /oauth/device/token`.
    func poll(
        device: String, now: Int64, monotonic: Double, interval: Int, approval: DeviceApproval, tokenUser: Int
    ) -> PollResult {
        lock.locked {
            guard var d = deviceCodes[device] else { return .invalid }
            if d.used { return .used }
            if now >= d.expires { return .expired }
            if let last = d.lastPoll, interval > 0, monotonic - last < Double(interval) {
                d.lastPoll = monotonic
                deviceCodes[device] = d
                return .slowDown
            }
            d.lastPoll = monotonic
            d.polls += 1
            if d.polls >= 2 && d.approvedUser == nil && !d.denied {
                switch approval {
                case .auto: d.approvedUser = tokenUser
                case .deny: d.denied = true
                case .manual: break
                }
            }
            defer { deviceCodes[device] = d }
            if d.denied { return .denied }
            if let u = d.approvedUser {
                d.used = true
                return .approved(user: u)
            }
            return .pending
        }
    }

    /// `POST /emulator/approve/{user_code}`: false when the code is unknown or expired.
    func approve(userCode: String, user: Int, now: Int64) -> Bool {
        lock.locked {
            guard let device = userCodes[userCode.uppercased()], var d = deviceCodes[device], now < d.expires else { return false }
            d.approvedUser = user
            deviceCodes[device] = d
            return true
        }
    }

    /// A new authorization code for `user`, or nil when ``maximumAuthorizationCodes``
    /// unredeemed codes exist (expired ones are purged first).
    func newAuthorizationCode(user: Int, redirectURI: String?, now: Int64) -> String? {
        lock.locked {
            if now != lastAuthorizationCodePurge {
                lastAuthorizationCodePurge = now
                for (key, code) in authCodes where now >= code.expires { authCodes[key] = nil }
            }
            guard authCodes.count < Self.maximumAuthorizationCodes else { return nil }
            let code = Self.secret(hexDigits: 32)
            authCodes[code] = AuthorizationCode(user: user, redirectURI: redirectURI, expires: now + Self.authorizationCodeLifetime)
            return code
        }
    }

    /// Consumes an authorization code (once, before it expires).
    func redeem(authorizationCode code: String, now: Int64) -> AuthorizationCode? {
        lock.locked {
            guard let found = authCodes.removeValue(forKey: code), now < found.expires else { return nil }
            return found
        }
    }
}
