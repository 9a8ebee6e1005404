import Foundation

/// The bearer token of the saved login (``TokenStore``), refreshed shortly before it expires.
///
/// Trakt's refresh tokens work once, so a refresh saves the new pair to the store *before* the
/// new access token is handed out: a crash in between must not leave a used-up refresh token
/// on disk. Before the refresh goes out, the store's lock is held and the temporary file of the
/// save is already open (``TokenStore/reserveSave()``): a directory that cannot take the new
/// pair is found while the old pair is still good. Concurrent callers share one refresh, and so
/// do other traktql processes using the same store: the refresh runs under the store's
/// ``TokenFileLock``. A token saved for another server is never sent to this one.
///
/// Should the save still fail after the refresh (the disk filled up meanwhile), the renewed pair
/// stays in use for the rest of this process — the file holds only the spent pair — and the
/// failure is reported with what to do (``onWarning``, else as the error of that one call). Each
/// later call tries the save again, so fixing the problem during a session keeps the login.
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
    /// Hears about a renewed pair that could not be saved (and when it is saved later).
    private let onWarning: (@Sendable (String) -> Void)?
    private var current: OAuthToken?
    private var refreshing: Task<Refreshed?, any Error>?
    /// A renewed pair the store could not take, and the spent pair the file still holds.
    private var unsaved: (spent: OAuthToken, fresh: OAuthToken)?
    /// Why there is no token to send when ``accessToken()`` answers nil (a login saved for
    /// another server), for the "you need to log in" message.
    private var absence: String?

    /// What one refresh produced: the pair to use, and the save failure when it could not be saved.
    struct Refreshed: Sendable {
        var token: OAuthToken
        var spent: OAuthToken?
        var saveFailure: OAuthError?
    }

    /// - Parameter token: the login to use when there is no `store` (with one, the store's wins).
    public init(client: OAuthClient, store: TokenStore?, token: OAuthToken? = nil, margin: TimeInterval = 300, requiresLogin: Bool = true,
                lockTimeout: TimeInterval? = nil, clock: @escaping @Sendable () -> Date = { Date() },
                onNewToken: (@Sendable (OAuthToken) -> Void)? = nil, onWarning: (@Sendable (String) -> Void)? = nil) {
        self.client = client
        self.store = store
        self.current = token
        self.margin = margin
        self.requiresLogin = requiresLogin
        self.lockTimeout = lockTimeout ?? client.timeout + 10
        self.clock = clock
        self.onNewToken = onNewToken
        self.onWarning = onWarning
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

    public var missingLoginReason: String? { absence }

    /// The current token pair (refreshed if needed), or nil when not logged in and not required.
    ///
    /// With a store, the file is the truth and is read on every call (a few hundred bytes): a
    /// login, logout or refresh by another traktql — or by `.login`/`.logout` in this shell —
    /// takes effect at once. The one exception is a renewed pair that could not be saved: it is
    /// used while the file still holds the pair it replaced.
    public func validToken() async throws -> OAuthToken? {
        if let store {
            var onDisk = try store.load()
            if let pending = unsaved {
                if onDisk == pending.spent {
                    onDisk = await saveAgain(pending, to: store)
                } else {
                    unsaved = nil  // a login, logout or refresh elsewhere replaced the file: it wins
                }
            }
            if onDisk != current, let onDisk { onNewToken?(onDisk) }
            current = onDisk
        }
        guard let token = try usable(current) else { return nil }
        guard token.needsRefresh(at: clock(), margin: margin) else { return token }
        current = try await refreshOnce(token)
        return try usable(current)
    }

    /// Tries once more to save a renewed pair the store refused; the pair to use either way.
    private func saveAgain(_ pending: (spent: OAuthToken, fresh: OAuthToken), to store: TokenStore) async -> OAuthToken {
        guard let lock = try? await TokenFileLock.acquire(for: store, timeout: 1) else { return pending.fresh }
        var use = pending.fresh
        do {
            if let onDisk = try store.load(), onDisk != pending.spent {
                use = onDisk  // replaced meanwhile: theirs wins
                unsaved = nil
            } else {
                try store.save(pending.fresh)
                unsaved = nil
                onWarning?("the renewed login is saved now (\(store.url.path))")
            }
        } catch {
            // Still not writable: go on with the pair in memory; the warning was given.
        }
        lock.release()
        return use
    }

    /// `token` when it may be used here; nil (or "not logged in") when there is none or it was
    /// saved for another server: a login belongs to the server it was made for, and public
    /// calls to another server go out without it.
    private func usable(_ token: OAuthToken?) throws(OAuthError) -> OAuthToken? {
        absence = nil
        guard let token else {
            if requiresLogin { throw OAuthError.notLoggedIn("no saved login") }
            return nil
        }
        if let server = token.server, server != client.serverIdentity {
            let why = "the saved login is for \(server), not \(client.serverIdentity)"
            if requiresLogin { throw OAuthError.notLoggedIn(why) }
            absence = why
            return nil
        }
        return token
    }

    /// Refreshes `token` once for all concurrent callers in this process, and — with a store —
    /// once for all processes sharing the token file: under the file's lock, the file is read
    /// again, and a pair another traktql saved meanwhile is used as it is when it is fresh.
    /// Returns the pair to use (nil when the login was removed meanwhile).
    private func refreshOnce(_ token: OAuthToken) async throws -> OAuthToken? {
        let task: Task<Refreshed?, any Error>
        if let refreshing {
            task = refreshing
        } else {
            let client = self.client, store = self.store, onNewToken = self.onNewToken
            let clock = self.clock, margin = self.margin, lockTimeout = self.lockTimeout
            task = Task { () async throws -> Refreshed? in
                guard let store else { return try await Self.refreshAndSave(token, client: client, store: nil, onNewToken: onNewToken) }
                let lock = try await TokenFileLock.acquire(for: store, timeout: lockTimeout)
                let outcome: Result<Refreshed?, any Error>
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
                        outcome = .success(onDisk.map { Refreshed(token: $0) })
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
        let refreshed = try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
        guard let refreshed else { return nil }
        if let failure = refreshed.saveFailure, let spent = refreshed.spent {
            let first = unsaved == nil
            unsaved = (spent, refreshed.token)
            current = refreshed.token
            let message = failure.message + "; the login was renewed, and this traktql goes on with the new pair until it exits, "
                + "but the file still holds the used-up one: fix that and run another statement here to save it, "
                + "or log in again with `\(OAuthError.loginCommand)`"
            if first {
                guard let onWarning else { throw OAuthError(.tokenFile, message) }
                onWarning(message)
            }
        }
        return refreshed.token
    }

    /// Sends the refresh and saves the new pair before anyone uses it. The save's temporary file
    /// is opened first: a directory that cannot take the pair stops the refresh before it is sent.
    private static func refreshAndSave(_ token: OAuthToken, client: OAuthClient, store: TokenStore?,
                                       onNewToken: (@Sendable (OAuthToken) -> Void)?) async throws -> Refreshed {
        guard let store else { return Refreshed(token: try await refresh(token, client: client, onNewToken: onNewToken)) }
        var pending = try store.reserveSave()
        let fresh: OAuthToken
        do {
            fresh = try await refresh(token, client: client, onNewToken: onNewToken)
        } catch {
            pending.discard()
            throw error
        }
        do {
            try pending.commit(fresh)
        } catch {
            return Refreshed(token: fresh, spent: token, saveFailure: error)
        }
        return Refreshed(token: fresh)
    }

    private static func refresh(_ token: OAuthToken, client: OAuthClient, onNewToken: (@Sendable (OAuthToken) -> Void)?) async throws -> OAuthToken {
        let fresh: OAuthToken
        do {
            fresh = try await client.refresh(token)
        } catch let error as OAuthError where error.kind == .invalidGrant {
            throw OAuthError.notLoggedIn(token.isExpired() ? "the saved login expired and could not be renewed" : "the saved login could not be renewed")
        }
        onNewToken?(fresh)
        return fresh
    }

    /// Forgets the token in memory (after logout, without a store).
    public func reset() {
        current = nil
        unsaved = nil
    }
}
