import Foundation

/// Supplies the OAuth bearer token for Trakt API v2 calls that need one (🔒 routes, `user:me`).
///
/// The v2 backend asks for a token each time it builds an authenticated call, so a source can
/// refresh a token that is about to expire. A refreshing source saves the new token pair before
/// it hands out the new access token: Trakt's refresh tokens are single-use.
public protocol BearerTokenSource: Sendable {
    /// The access token to send, or `nil` when the user is not logged in.
    func accessToken() async throws(TraktQLError) -> String?
    /// Why ``accessToken()`` last answered nil, when there is more to say than "not logged in"
    /// (a login saved for another server).
    var missingLoginReason: String? { get async }
}

extension BearerTokenSource {
    public var missingLoginReason: String? { get async { nil } }
}

/// A fixed token: `TRAKT_ACCESS_TOKEN`, `--access-token`, or a test's pre-issued token.
public struct StaticBearerToken: BearerTokenSource {
    public let token: String
    public init(_ token: String) { self.token = token }
    public func accessToken() async throws(TraktQLError) -> String? { token }
}

/// What identifies a v2 client: the app's client id (sent as `trakt-api-key`), its secret (for
/// the device flow and token refresh) and where the user's bearer token comes from.
public struct V2Credentials: Sendable {
    public var clientID: String
    public var clientSecret: String?
    public var bearer: (any BearerTokenSource)?

    public init(clientID: String, clientSecret: String? = nil, bearer: (any BearerTokenSource)? = nil) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.bearer = bearer
    }
}
