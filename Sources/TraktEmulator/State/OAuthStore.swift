import Foundation

/// Tokens, refresh tokens, device codes and authorization codes issued by the emulator.
/// In memory; one lock (OAuth calls are rare next to page reads).
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
        var polls = 0
        var lastPoll: Double?
        var approvedUser: Int?
        var denied = false
        var used = false
    }

    enum PollResult: Equatable {
        case pending, invalid, used, expired, denied, slowDown
        case approved(user: Int)
    }

    private let lock = NSLock()
    private var tokens: [String: Token] = [:]
    /// refresh token → (user, used).
    private var refreshTokens: [String: (user: Int, used: Bool)] = [:]
    private var deviceCodes: [String: DeviceCode] = [:]
    private var userCodes: [String: String] = [:]
    /// authorization code → user (single use).
    private var authCodes: [String: Int] = [:]
    private var counter: UInt64 = 0
    private var rng: SplitMix64
    private var seenClients: Set<String> = []

    init(seed: UInt64) { rng = SplitMix64(seed: seed, stream: 0x0A07) }

    private func hex(_ n: Int) -> String {
        var s = ""
        while s.count < n { s += String(format: "%016llx", rng.next()) }
        return String(s.prefix(n))
    }

    func addPermanent(token: String, user: Int) {
        lock.locked { tokens[token] = Token(user: user, expires: nil, refresh: nil) }
    }

    /// True the first time `client` is seen.
    func firstSighting(ofClient client: String) -> Bool {
        lock.locked { seenClients.insert(client).inserted }
    }

    /// The user of a valid bearer token, nil when unknown, revoked or expired.
    func user(forToken token: String, now: Int64) -> Int? {
        lock.locked {
            guard let t = tokens[token] else { return nil }
            if let e = t.expires, e <= now { return nil }
            return t.user
        }
    }

    /// Issues a new access/refresh pair.
    func issue(user: Int, ttl: Int, now: Int64) -> (access: String, refresh: String) {
        lock.locked {
            let access = hex(64)
            let refresh = hex(64)
            tokens[access] = Token(user: user, expires: now + Int64(ttl), refresh: refresh)
            refreshTokens[refresh] = (user, false)
            return (access, refresh)
        }
    }

    /// Consumes a refresh token (once): the user, or nil when unknown or already used.
    func redeem(refresh: String) -> Int? {
        lock.locked {
            guard let r = refreshTokens[refresh], !r.used else { return nil }
            refreshTokens[refresh] = (r.user, true)
            // The access token of the old pair stops working too.
            for (k, t) in tokens where t.refresh == refresh { tokens[k] = nil }
            return r.user
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
            if let r = refreshTokens.removeValue(forKey: token) {
                for (k, t) in tokens where t.refresh == token { tokens[k] = nil }
                _ = r
                return true
            }
            return false
        }
    }

    func newDeviceCode(now: Int64) -> (device: String, user: String) {
        lock.locked {
            let device = hex(64)
            let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
            var user = ""
            repeat {
                user = String((0..<8).map { _ in alphabet[rng.below(alphabet.count)] })
            } while userCodes[user] != nil
            deviceCodes[device] = DeviceCode(userCode: user, created: now)
            userCodes[user] = device
            return (device, user)
        }
    }

    /// One poll of `POST /oauth/device/token`.
    func poll(
        device: String, now: Int64, monotonic: Double, lifetime: Int, interval: Int, approval: DeviceApproval, tokenUser: Int
    ) -> PollResult {
        lock.locked {
            guard var d = deviceCodes[device] else { return .invalid }
            if d.used { return .used }
            if now >= d.created + Int64(lifetime) { return .expired }
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

    /// `POST /emulator/approve/{user_code}`: false when the code is unknown.
    func approve(userCode: String, user: Int) -> Bool {
        lock.locked {
            guard let device = userCodes[userCode.uppercased()], var d = deviceCodes[device] else { return false }
            d.approvedUser = user
            deviceCodes[device] = d
            return true
        }
    }

    func newAuthorizationCode(user: Int) -> String {
        lock.locked {
            let code = hex(32)
            authCodes[code] = user
            return code
        }
    }

    func redeem(authorizationCode code: String) -> Int? {
        lock.locked { authCodes.removeValue(forKey: code) }
    }
}
