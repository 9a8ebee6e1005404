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

    // Unix seconds on disk, as Trakt sends `created_at` (the default Date coding is 2001-based).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try c.decode(String.self, forKey: .accessToken)
        refreshToken = try c.decode(String.self, forKey: .refreshToken)
        expiresAt = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .expiresAt))
        scope = try c.decodeIfPresent(String.self, forKey: .scope) ?? ""
        createdAt = Date(timeIntervalSince1970: try c.decodeIfPresent(Double.self, forKey: .createdAt) ?? 0)
        server = try c.decodeIfPresent(String.self, forKey: .server)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(accessToken, forKey: .accessToken)
        try c.encode(refreshToken, forKey: .refreshToken)
        try c.encode(Int64(expiresAt.timeIntervalSince1970.rounded()), forKey: .expiresAt)
        try c.encode(scope, forKey: .scope)
        try c.encode(Int64(createdAt.timeIntervalSince1970.rounded()), forKey: .createdAt)
        try c.encodeIfPresent(server, forKey: .server)
    }

    /// The token body of `/oauth/device/token` or `/oauth/token`
    /// (`access_token, token_type, expires_in, refresh_token, scope, created_at`).
    /// `receivedAt` stands in for a missing `created_at`.
    public init?(tokenResponse body: Data, server: String?, receivedAt: Date = Date()) {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let access = object["access_token"] as? String, !access.isEmpty,
              let refresh = object["refresh_token"] as? String, !refresh.isEmpty,
              let expiresIn = (object["expires_in"] as? NSNumber)?.doubleValue, expiresIn.isFinite, expiresIn > 0
        else { return nil }
        let created = (object["created_at"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue) } ?? receivedAt
        self.init(accessToken: access, refreshToken: refresh, expiresAt: created.addingTimeInterval(expiresIn),
                  scope: object["scope"] as? String ?? "", createdAt: created, server: server)
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
