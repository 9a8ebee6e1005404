import Foundation
import TraktQL

extension TraktQLShell {
    /// The saved login of `traktql auth login` as the v2 backend's bearer token, refreshed
    /// shortly before it expires (``RefreshingTokenSource``), when no token was given with
    /// `--access-token`/`TRAKT_ACCESS_TOKEN`. Without a saved login, calls go out without a
    /// token and `user:me` says to log in.
    ///
    /// The saved pair is added to the redactor now; a pair obtained later — by a refresh during
    /// the session, by this traktql or another one, or by `.login` — is learned by it when the
    /// source first sees it (``Redactor/learn(_:)``), so every copy of the redactor (errors,
    /// warnings, history, explain) redacts it from then on.
    static func savedLogin(for server: URL, credentials: V2Credentials, tokenFile: URL?, transport: any HTTPTransport,
                           redactor: inout Redactor) -> (any BearerTokenSource)? {
        // A server the token must not go to (plain http:// to another machine) gets none; the
        // backend then refuses what needs one, with its own message.
        guard let client = try? OAuthClient(baseURL: server, clientID: credentials.clientID, clientSecret: credentials.clientSecret,
                                            transport: transport) else { return nil }
        let store = TokenStore(url: tokenFile ?? TokenStore.defaultLocation())
        if let saved = try? store.load() {
            redactor.add(saved)
        }
        let learner = redactor
        // A renewed pair that could not be saved is said at once (with what to do); the session
        // goes on with it.
        return RefreshingTokenSource(client: client, store: store, requiresLogin: false, onNewToken: { learner.learn($0) },
                                     onWarning: { Console.err(learner.redact(TerminalSafety.sanitize("traktql: warning: " + $0)) + "\n") })
    }
}
