import Foundation

/// How an engine reaches its mirror: opened on first use (a session that never turns the
/// mirror on never opens it), then shared by every statement of the session. The shell makes
/// one from `--mirror-file` or the account's default path; `TraktQLMirror` opens it.
public final class MirrorAccess: @unchecked Sendable {
    /// The database file (it may not exist yet: then opening fails with what to run).
    public let location: String
    private let opener: @Sendable () throws(TraktQLError) -> any MirrorDatabase
    // Guards `opened` and `warnedStale`: statements of a session may run concurrently (`let`s).
    private let lock = NSLock()
    private var opened: (any MirrorDatabase)?
    private var warnedStale = false

    /// `open` is called once, at the first statement that reads the mirror.
    public init(location: String, open: @escaping @Sendable () throws(TraktQLError) -> any MirrorDatabase) {
        self.location = location
        self.opener = open
    }

    /// A database already open (tests, embedding programs).
    public convenience init(_ database: any MirrorDatabase) {
        self.init(location: database.location, open: { database })
    }

    /// The database, opened now if it was not yet.
    public func database() throws(TraktQLError) -> any MirrorDatabase {
        lock.lock()
        defer { lock.unlock() }
        if let opened { return opened }
        let database = try opener()
        opened = database
        return database
    }

    /// True the first time it is asked: a session warns about an old mirror once (the
    /// shell's banner, or the first query's warnings).
    public func claimStaleWarning() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if warnedStale { return false }
        warnedStale = true
        return true
    }

    /// The message when no mirror exists at `location` yet.
    public static func missing(at location: String, server: String, syncCommand: String = "traktql sync") -> TraktQLError {
        .usage("no mirror of your account on \(server) yet (looked for \(location)): run `\(syncCommand)` first, then query it with --mirror")
    }

    /// When the session has no mirror configured at all (an embedding program that turned
    /// `mirror` on without giving ``EngineConfiguration/mirror``).
    static let unconfigured = MirrorAccess(location: "", open: { () throws(TraktQLError) -> any MirrorDatabase in
        throw .usage("no mirror is configured for this session: run `traktql sync`, then `traktql --mirror` (or --mirror-file PATH)")
    })
}
