import Foundation

/// The bearer token of the saved login (``TokenStore``), refreshed shortly before it expires.
///
/// Trakt's refresh tokens work once, so a refresh saves the new pair to the store *before* the
/// new access token is handed out: a crash in between must not leave a used-up refresh token
/// on disk. Concurrent callers share one refresh. A token saved for another server is never
/// sent to this one.
public actor RefreshingTokenSource: BearerTokenSource {
    public let client: OAuthClient
    public let store: TokenStore?
    /// Refresh when the access token expires within this many seconds.
    public let margin: TimeInterval
    /// Whether a missing login is an error (``OAuthError/Kind/notLoggedIn``) rather than `nil`
    /// (no token: the call goes out unauthenticated).
    public let requiresLogin: Bool
    private let clock: @Sendable () -> Date
    /// Sees every token pair obtained (the session registers it with its ``Redactor``).
    private let onNewToken: (@Sendable (OAuthToken) -> Void)?
    private var current: OAuthToken?
    private var refreshing: Task<(OAuthToken, OAuthError?), any Error>?

    /// - Parameter token: the login to use when there is no `store` (with one, the store's wins).
    public init(client: OAuthClient, store: TokenStore?, token: OAuthToken? = nil, margin: TimeInterval = 300, requiresLogin: Bool = true,
                clock: @escaping @Sendable () -> Date = { Date() }, onNewToken: (@Sendable (OAuthToken) -> Void)? = nil) {
        self.client = client
        self.store = store
        self.current = token
        self.margin = margin
        self.requiresLogin = requiresLogin
        self.clock = clock
        self.onNewToken = onNewToken
    }

    public func accessToken() async throws(TraktQLError) -> String? {
        do {
            return try await validToken()?.accessToken
        } catch let error as OAuthError {
            throw error.traktQLError
        } catch is CancellationError {
            throw .network(message: "cancelled while refreshing the login", call: "")
        } catch {
            throw .network(message: "\(error)", call: "")
        }
    }

    /// The current token pair (refreshed if needed), or nil when not logged in and not required.
    ///
    /// With a store, the file is the truth and is read on every call (a few hundred bytes): a
    /// login, logout or refresh by another traktql — or by `.login`/`.logout` in this shell —
    /// takes effect at once.
    public func validToken() async throws -> OAuthToken? {
        if let store {
            let onDisk = try store.load()
            if onDisk != current, let onDisk { onNewToken?(onDisk) }
            current = onDisk
        }
        guard let token = current else {
            if requiresLogin { throw OAuthError.notLoggedIn("no saved login") }
            return nil
        }
        if let server = token.server, server != client.serverIdentity {
            throw OAuthError.notLoggedIn("the saved login is for \(server), not \(client.serverIdentity)")
        }
        guard token.needsRefresh(at: clock(), margin: margin) else { return token }
        return try await refreshOnce(token)
    }

    private func refreshOnce(_ token: OAuthToken) async throws -> OAuthToken {
        let task: Task<(OAuthToken, OAuthError?), any Error>
        if let refreshing {
            task = refreshing
        } else {
            let client = self.client, store = self.store, onNewToken = self.onNewToken
            // Not a child task: a refresh under way finishes (and is saved) even when the
            // caller is cancelled, since the old refresh token is spent either way.
            task = Task { () async throws -> (OAuthToken, OAuthError?) in
                let fresh: OAuthToken
                do {
                    fresh = try await client.refresh(token)
                } catch let error as OAuthError where error.kind == .invalidGrant {
                    throw OAuthError.notLoggedIn(token.isExpired() ? "the saved login expired and could not be renewed" : "the saved login could not be renewed")
                }
                onNewToken?(fresh)
                // Saved before anyone uses it.
                do {
                    try store?.save(fresh)
                    return (fresh, nil)
                } catch let error as OAuthError {
                    return (fresh, error)
                }
            }
            refreshing = task
        }
        defer { refreshing = nil }
        let (fresh, saveError) = try await task.value
        current = fresh
        if let saveError {
            // Usable in this process, but the next one would find a spent refresh token: say so.
            throw OAuthError(.tokenFile, saveError.message + " (the login was renewed but could not be saved; run `traktql auth login` again)")
        }
        return fresh
    }

    /// Forgets the token in memory (after logout, without a store).
    public func reset() {
        current = nil
    }
}
