import Foundation

/// A Trakt OAuth token pair as traktql keeps it: what `/oauth/device/token` and `/oauth/token`
/// answer, with the lifetime turned into an instant. Stored by ``TokenStore`` (snake_case JSON).
public struct OAuthToken: Codable, Sendable, Equatable {
    public var accessToken: String
    public var refreshToken: String
    /// When the access token stops working (`created_at + expires_in`).
    public var expiresAt: Date
    public var scope: String
    public var createdAt: Date
    /// The API the token was issued by (`http://127.0.0.1:8080`), so it is not sent elsewhere.
    public var server: String?

    public init(accessToken: String, refreshToken: String, expiresAt: Date, scope: String, createdAt: Date, server: String? = nil) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
        self.scope = scope
        self.createdAt = createdAt
        self.server = server
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case expiresAt = "expires_at"
        case scope
        case createdAt = "created_at"
        case server
    }

    /// The longest lifetime believed from a server (Trakt documents 24 hours to 90 days): a
    /// longer `expires_in` (`1e300`) is cut to this, so renewal still happens.
    public static let longestLifetime: TimeInterval = 366 * 86_400
    /// The lifetime assumed when a token answer has no usable `expires_in`: shorter than any
    /// lifetime Trakt has documented, so the pair is renewed before the server ends it.
    public static let assumedLifetime: TimeInterval = 3600

    // Unix seconds on disk, as Trakt sends `created_at` (the default Date coding is 2001-based).
    // Every field is checked: a file that says `"expires_at": 1e300` is refused with the field's
    // name, never turned into an instant that traps when it is written back.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try c.decode(String.self, forKey: .accessToken)
        refreshToken = try c.decode(String.self, forKey: .refreshToken)
        expiresAt = try Self.savedInstant(try c.decode(Double.self, forKey: .expiresAt), key: .expiresAt, in: c)
        scope = try c.decodeIfPresent(String.self, forKey: .scope) ?? ""
        createdAt = try Self.savedInstant(try c.decodeIfPresent(Double.self, forKey: .createdAt) ?? 0, key: .createdAt, in: c)
        server = try c.decodeIfPresent(String.self, forKey: .server)
    }

    private static func savedInstant(_ seconds: Double, key: CodingKeys, in c: KeyedDecodingContainer<CodingKeys>) throws -> Date {
        guard let date = savedInstant(seconds) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: outOfRange(seconds, key.rawValue))
        }
        return date
    }

    /// An instant of a token file: Unix seconds from 1970 to 9999 (whole seconds, as the file
    /// keeps them), else nil.
    static func savedInstant(_ seconds: Double) -> Date? {
        guard seconds.isFinite, (0...OutsideNumber.latestUnixTime).contains(seconds) else { return nil }
        return Date(timeIntervalSince1970: min(seconds.rounded(), OutsideNumber.latestUnixTime))
    }

    static func outOfRange(_ seconds: Double, _ field: String) -> String {
        "\(field) \(seconds) is not a time between 1970 and 9999"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(accessToken, forKey: .accessToken)
        try c.encode(refreshToken, forKey: .refreshToken)
        try c.encode(OutsideNumber.unixSeconds(expiresAt), forKey: .expiresAt)
        try c.encode(scope, forKey: .scope)
        try c.encode(OutsideNumber.unixSeconds(createdAt), forKey: .createdAt)
        try c.encodeIfPresent(server, forKey: .server)
    }

    /// A saved token file (what ``encode(to:)`` writes), read with traktql's bounded JSON reader.
    /// Throws the reason it is not one, naming the field: `no refresh_token`,
    /// `expires_at 1e+300 is not a time between 1970 and 9999`.
    public init(tokenFile data: Data) throws(TokenFileProblem) {
        let value: Value
        do {
            value = try JSONReader.parse(data, maxDepth: 8)
        } catch {
            throw TokenFileProblem(reason: "not JSON")
        }
        guard case .object = value else { throw TokenFileProblem(reason: "not a JSON object") }
        func text(_ key: CodingKeys, required: Bool) throws(TokenFileProblem) -> String? {
            switch value[key.rawValue] {
            case .string(let s)?: return s
            case nil, .null?: if required { throw TokenFileProblem(reason: "no \(key.rawValue)") } else { return nil }
            default: throw TokenFileProblem(reason: "bad \(key.rawValue)")
            }
        }
        func instant(_ key: CodingKeys, required: Bool) throws(TokenFileProblem) -> Date? {
            switch value[key.rawValue] {
            case nil, .null?: if required { throw TokenFileProblem(reason: "no \(key.rawValue)") } else { return nil }
            case .int(let i)?: guard let date = Self.savedInstant(Double(i)) else { throw TokenFileProblem(reason: Self.outOfRange(Double(i), key.rawValue)) }; return date
            case .double(let d)?: guard let date = Self.savedInstant(d) else { throw TokenFileProblem(reason: Self.outOfRange(d, key.rawValue)) }; return date
            default: throw TokenFileProblem(reason: "bad \(key.rawValue)")
            }
        }
        guard let access = try text(.accessToken, required: true), !access.isEmpty else { throw TokenFileProblem(reason: "empty access_token") }
        self.init(accessToken: access, refreshToken: try text(.refreshToken, required: true) ?? "",
                  expiresAt: try instant(.expiresAt, required: true) ?? Date(timeIntervalSince1970: 0),
                  scope: try text(.scope, required: false) ?? "",
                  createdAt: try instant(.createdAt, required: false) ?? Date(timeIntervalSince1970: 0),
                  server: try text(.server, required: false))
    }

    /// Why a token file is not one (``init(tokenFile:)``).
    public struct TokenFileProblem: Error, Sendable, Equatable {
        public var reason: String
    }

    /// The token body of `/oauth/device/token` or `/oauth/token`
    /// (`access_token, token_type, expires_in, refresh_token, scope, created_at`).
    ///
    /// Every number is range-checked (RFC 6749 §5.1: `expires_in` counts from the answer):
    /// - the token expires `expires_in` seconds after `receivedAt` — never before it, never more
    ///   than ``longestLifetime`` after it; without a usable `expires_in` (missing, not a
    ///   number, `NaN`), ``assumedLifetime``;
    /// - `created_at` is kept when it is within a year before `receivedAt` (or a day after:
    ///   clocks differ); otherwise `receivedAt` stands in for it.
    ///
    /// A refresh answer without a `refresh_token` keeps `previousRefreshToken` (RFC 6749 §6: the
    /// old one stays valid when no new one is issued). Throws when the answer holds no usable
    /// access token: then nothing in it can be used.
    public init(tokenResponse body: Data, server: String?, receivedAt: Date = Date(), previousRefreshToken: String? = nil) throws(OAuthError) {
        let object: Value
        do {
            object = try JSONReader.parse(body, maxDepth: 16)
        } catch {
            throw OAuthError(.network, "the server's token answer is not JSON (\(error.message))")
        }
        guard case .object = object else { throw OAuthError(.network, "the server's token answer is not a JSON object") }
        guard let access = object["access_token"]?.stringValue, !access.isEmpty else {
            throw OAuthError(.network, "the server's token answer has no access_token")
        }
        guard let refresh = object["refresh_token"]?.stringValue.flatMap({ $0.isEmpty ? nil : $0 }) ?? previousRefreshToken else {
            throw OAuthError(.network, "the server's token answer has no refresh_token")
        }
        // Whole seconds, as the file keeps them: the pair in memory equals the pair read back.
        let receivedAt = Date(timeIntervalSince1970: receivedAt.timeIntervalSince1970.rounded(.down))
        let lifetime = OutsideNumber.double(object["expires_in"]).map { OutsideNumber.clamp($0, to: 0...Self.longestLifetime).rounded(.down) }
            ?? Self.assumedLifetime
        var created = receivedAt
        if let said = OutsideNumber.double(object["created_at"]),
           (receivedAt.timeIntervalSince1970 - Self.longestLifetime...receivedAt.timeIntervalSince1970 + 86_400).contains(said) {
            created = Date(timeIntervalSince1970: said.rounded())
        }
        self.init(accessToken: access, refreshToken: refresh, expiresAt: receivedAt.addingTimeInterval(lifetime),
                  scope: object["scope"]?.stringValue ?? "", createdAt: created, server: server)
    }

    public func isExpired(at now: Date = Date()) -> Bool { now >= expiresAt }

    /// Whether the access token should be refreshed before use: it expires within `margin`
    /// seconds (a call started now should not meet its expiry half-way).
    public func needsRefresh(at now: Date = Date(), margin: TimeInterval = 300) -> Bool {
        now.addingTimeInterval(margin) >= expiresAt
    }

    /// Both tokens, for a ``Redactor``.
    public var secrets: [String] { [accessToken, refreshToken] }
}

extension Redactor {
    /// Adds both tokens of `token` (labelled `<token>`).
    public mutating func add(_ token: OAuthToken) {
        for secret in token.secrets { add(secret, label: "<token>") }
    }

    /// Learns both tokens of `token` for this redactor and all its copies (``learn(_:label:)``):
    /// a pair obtained by a refresh during the session.
    public func learn(_ token: OAuthToken) {
        for secret in token.secrets { learn(secret, label: "<token>") }
    }
}

extension OAuthToken: CustomStringConvertible, CustomReflectable {
    /// Never the tokens themselves (a stray `print(token)` must not leak them).
    public var description: String {
        "OAuthToken(scope: \(scope), expires: \(expiresAt), server: \(server ?? "-"))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["accessToken": "<token>", "refreshToken": "<token>", "expiresAt": expiresAt, "scope": scope, "server": server as Any])
    }
}
