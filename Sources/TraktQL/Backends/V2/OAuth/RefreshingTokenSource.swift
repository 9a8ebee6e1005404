import Foundation

/// The bearer token of the saved login (``TokenStore``), refreshed shortly before it expires.
///
/// Trakt's refresh tokens work once, so a refresh saves the new pair to the store *before* the
/// new access token is handed out: a crash in between must not leave a used-up refresh token
/// on disk. Concurrent callers share one refresh, and so do other traktql processes using the
/// same store: the refresh runs under the store's ``TokenFileLock``. A token saved for another
/// server is never sent to this one.
public actor RefreshingTokenSource: BearerTokenSource {
    public let client: OAuthClient
    public let store: TokenStore?
    /// Refresh when the access token expires within this many seconds.
    public let margin: TimeInterval
    /// Whether a missing login is an error (``OAuthError/Kind/notLoggedIn``) rather than `nil`
    /// (no token: the call goes out unauthenticated).
    public let requiresLogin: Bool
    /// Seconds to wait for another traktql's refresh (``TokenFileLock``); by default the HTTP
    /// timeout of a refresh and a little more.
    public let lockTimeout: TimeInterval
    private let clock: @Sendable () -> Date
    /// Sees every token pair obtained (the session registers it with its ``Redactor``).
    private let onNewToken: (@Sendable (OAuthToken) -> Void)?
    private var current: OAuthToken?
    private var refreshing: Task<OAuthToken?, any Error>?

    /// - Parameter token: the login to use when there is no `store` (with one, the store's wins).
    public init(client: OAuthClient, store: TokenStore?, token: OAuthToken? = nil, margin: TimeInterval = 300, requiresLogin: Bool = true,
                lockTimeout: TimeInterval? = nil, clock: @escaping @Sendable () -> Date = { Date() },
                onNewToken: (@Sendable (OAuthToken) -> Void)? = nil) {
        self.client = client
        self.store = store
        self.current = token
        self.margin = margin
        self.requiresLogin = requiresLogin
        self.lockTimeout = lockTimeout ?? client.timeout + 10
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
        guard let token = try usable(current) else { return nil }
        guard token.needsRefresh(at: clock(), margin: margin) else { return token }
        current = try await refreshOnce(token)
        return try usable(current)
    }

    /// `token` when it may be used here; nil (or "not logged in") when there is none; an error
    /// for a login saved for another server.
    private func usable(_ token: OAuthToken?) throws(OAuthError) -> OAuthToken? {
        guard let token else {
            if requiresLogin { throw OAuthError.notLoggedIn("no saved login") }
            return nil
        }
        if let server = token.server, server != client.serverIdentity {
            throw OAuthError.notLoggedIn("the saved login is for \(server), not \(client.serverIdentity)")
        }
        return token
    }

    /// Refreshes `token` once for all concurrent callers in this process, and — with a store —
    /// once for all processes sharing the token file: under the file's lock, the file is read
    /// again, and a pair another traktql saved meanwhile is used as it is when it is fresh.
    /// Returns the pair to use (nil when the login was removed meanwhile).
    private func refreshOnce(_ token: OAuthToken) async throws -> OAuthToken? {
        let task: Task<OAuthToken?, any Error>
        if let refreshing {
            task = refreshing
        } else {
            let client = self.client, store = self.store, onNewToken = self.onNewToken
            let clock = self.clock, margin = self.margin, lockTimeout = self.lockTimeout
            task = Task { () async throws -> OAuthToken? in
                guard let store else { return try await Self.refreshAndSave(token, client: client, store: nil, onNewToken: onNewToken) }
                let lock = try await TokenFileLock.acquire(for: store, timeout: lockTimeout)
                let outcome: Result<OAuthToken?, any Error>
                do {
                    // Another traktql may have refreshed (or logged out, or in again) while this one waited.
                    let onDisk = try store.load()
                    if let onDisk, onDisk != token { onNewToken?(onDisk) }
                    if let onDisk, onDisk.server == nil || onDisk.server == client.serverIdentity, onDisk.needsRefresh(at: clock(), margin: margin) {
                        // Not cancellable from here on: once the request is out, the old refresh
                        // token is spent either way, so the new pair must reach the file.
                        let refreshed = Task { try await Self.refreshAndSave(onDisk, client: client, store: store, onNewToken: onNewToken) }
                        outcome = .success(try await refreshed.value)
                    } else {
                        outcome = .success(onDisk)
                    }
                } catch {
                    outcome = .failure(error)
                }
                lock.release()
                return try outcome.get()
            }
            refreshing = task
        }
        defer { refreshing = nil }
        // Cancelling the caller (Ctrl-C) ends a wait for the lock; a refresh already sent finishes.
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// Sends the refresh and saves the new pair before anyone uses it.
    private static func refreshAndSave(_ token: OAuthToken, client: OAuthClient, store: TokenStore?,
                                       onNewToken: (@Sendable (OAuthToken) -> Void)?) async throws -> OAuthToken {
        let fresh: OAuthToken
        do {
            fresh = try await client.refresh(token)
        } catch let error as OAuthError where error.kind == .invalidGrant {
            throw OAuthError.notLoggedIn(token.isExpired() ? "the saved login expired and could not be renewed" : "the saved login could not be renewed")
        }
        onNewToken?(fresh)
        do {
            try store?.save(fresh)
        } catch {
            // Usable in this process, but the next one would find a spent refresh token: say so.
            throw OAuthError(.tokenFile, error.message + " (the login was renewed but could not be saved; run `traktql auth login` again)")
        }
        return fresh
    }

    /// Forgets the token in memory (after logout, without a store).
    public func reset() {
        current = nil
    }
}
