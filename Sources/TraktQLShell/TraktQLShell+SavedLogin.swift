import Foundation
import TraktQL

extension TraktQLShell {
    /// The saved login of `traktql auth login` as the v2 backend's bearer token, refreshed
    /// shortly before it expires (``RefreshingTokenSource``), when no token was given with
    /// `--access-token`/`TRAKT_ACCESS_TOKEN`. Without a saved login, calls go out without a
    /// token and `user:me` says to log in.
    ///
    /// The saved pair is registered with the redactor now; a pair obtained by a refresh during
    /// the session never reaches output either (explain shows `<token>`, errors carry no headers),
    /// but the redactor, a value fixed at start, does not learn it.
    static func savedLogin(for server: URL, credentials: V2Credentials, tokenFile: URL?, transport: any HTTPTransport,
                           redactor: inout Redactor) -> (any BearerTokenSource)? {
        // A server the token must not go to (plain http:// to another machine) gets none; the
        // backend then refuses what needs one, with its own message.
        guard let client = try? OAuthClient(baseURL: server, clientID: credentials.clientID, clientSecret: credentials.clientSecret,
                                            transport: transport) else { return nil }
        let store = TokenStore(url: tokenFile ?? TokenStore.defaultLocation())
        if let saved = try? store.load() {
            redactor.add(saved.accessToken, label: "<token>")
            redactor.add(saved.refreshToken, label: "<token>")
        }
        return RefreshingTokenSource(client: client, store: store, requiresLogin: false)
    }
}
