import Foundation
import TraktQL

/// `traktql sync`: brings a ``MirrorStore`` in step with a Trakt v2 account.
///
/// - **First sync** (or `--full`, or a section with no saved state): every section is read
///   through `/sync/…` (the logged-in user) or `/users/NAME/…` (`--user`) at `limit=250&extended=full`,
///   page by page. Each page is saved in `sync_pending` as it arrives (its carried objects go
///   to `objects` then, the page itself with them reduced to their ids), so a sync stopped by
///   Ctrl-C, a crash or `kill -9` resumes without fetching those pages again. When a section's
///   last page is in, its rows replace the live ones, with its `sync_sections` row, in one
///   transaction: a reader sees the previous section or the new one, never a mix.
/// - **Later syncs** read `GET /sync/last_activities` once; only sections whose members moved
///   are read (see ``MirrorSync/incremental(_:)``): history from `start_at` = the newest saved
///   `watched_at` minus ``historyOverlap``, ratings and collection from their newest-first head;
///   any sign of a removal, or a move the new rows do not explain, reads the section in full.
///   Watchlist, lists and comments are read in full when they moved (they are small).
/// - `--user NAME` has no `/sync/last_activities` (it is the logged-in user's): every section
///   is read each time, history from its `start_at` window checked against its item count.
public final class MirrorSync: Sendable {
    public struct Account: Sendable {
        /// The API's base URL (`https://api.trakt.tv`), saved in the mirror's `account` row.
        public var server: URL
        /// The user's slug.
        public var user: String
        /// True: the logged-in user, through `/sync` with their token; false: public routes.
        public var own: Bool

        public init(server: URL, user: String, own: Bool) {
            self.server = server
            self.user = user
            self.own = own
        }
    }

    public struct Options: Sendable {
        /// Read every section in full.
        public var full = false
        /// Progress of the run (pages, items, calls), for a progress line.
        public var progress: (@Sendable (MirrorProgress) -> Void)?
        /// A rate-limit wait, said in words.
        public var onWait: (@Sendable (String) -> Void)?
        /// The clock (`synced_at`, `sync_runs`).
        public var clock: @Sendable () -> Date = { Date() }

        public init(full: Bool = false) { self.full = full }
    }

    /// How far before the newest saved play a later history read starts (plays recorded late,
    /// with a `watched_at` just before the newest one, are still seen); de-duplicated by id.
    public static let historyOverlap: Int64 = 300_000

    /// Elements per page (Trakt's cap).
    static let pageLimit = 250
    /// A bound on pages per route, against a server that never sends a short page.
    static let maximumPages = 20_000

    let store: MirrorStore
    let account: Account
    let client: MirrorClient
    let options: Options
    let started: Date
    let tracker = ProgressTracker()

    /// `token` is the bearer token (needed for `own`); `transport` the configured connection.
    public init(store: MirrorStore, account: Account, transport: any HTTPTransport, clientID: String, token: String?,
                options: Options = Options(), budget: V2RateBudget = V2RateBudget()) {
        self.store = store
        self.account = account
        self.options = options
        self.client = MirrorClient(server: account.server, transport: transport, clientID: clientID,
                                   token: token, budget: budget, onWait: options.onWait)
        self.started = options.clock()
    }

    /// The username of the token's user (`GET /users/settings`): one call.
    public static func ownUsername(server: URL, transport: any HTTPTransport, clientID: String, token: String) async throws -> String {
        let client = MirrorClient(server: server, transport: transport, clientID: clientID, token: token, budget: V2RateBudget(), onWait: nil)
        let (body, _) = try await client.get("/users/settings")
        guard let name = body["user"]?["ids"]?["slug"]?.stringValue ?? body["user"]?["username"]?.stringValue, !name.isEmpty else {
            throw MirrorError("GET /users/settings named no user")
        }
        return name
    }

    /// Runs one sync. A failure (a call that fails, the store) ends the run: the sections done
    /// are kept, the one being read keeps its previous rows (and its pages fetched so far, for
    /// the next run), and the run is recorded as failed before the error is thrown.
    public func run() async throws -> MirrorSyncReport {
        try checkAccount()
        let runID = try store.write { db -> Int64 in
            _ = try db.execute("INSERT INTO sync_runs (started_at, full, calls) VALUES (?, ?, 0)", [(Self.millis(started)).sqliteValue, (options.full ? 1 : 0).sqliteValue])
            return db.lastInsertedRowID
        }
        var report = MirrorSyncReport(user: account.user, server: account.server.absoluteString, started: started)
        do {
            try await sync(into: &report)
            report.calls = client.calls
            report.finished = options.clock()
            try record(report, run: runID, outcome: "ok")
            if account.own {
                try store.write { db in _ = try db.execute("UPDATE account SET imported_from = NULL WHERE id = 1") }
            }
            // The sync is complete and saved: a compaction that fails (a full disk, a reader
            // holding the file) is said, not a failed sync; the next sync tries it again.
            do {
                try compactIfMostlyFree()
            } catch let error as SQLiteError {
                report.warnings.append(Self.compactionWarning(error))
            }
            return report
        } catch {
            report.calls = client.calls
            report.finished = options.clock()
            let outcome = error is CancellationError ? "interrupted" : "failed: \(error)"
            try? record(report, run: runID, outcome: outcome)
            throw error
        }
    }

    /// The mirror belongs to one account on one server: a mirror of another is refused.
    private func checkAccount() throws {
        try store.write { db in
            if let row = try db.rows("SELECT server, user, own FROM account WHERE id = 1").first {
                let server = row[0].text ?? "", user = row[1].text ?? "", own = row[2].integer ?? 0
                guard server == account.server.absoluteString, user.lowercased() == account.user.lowercased() else {
                    throw MirrorError("this mirror is of \(user) on \(server), not of \(account.user) on \(account.server.absoluteString); give another --mirror-file")
                }
                if (own == 1) != account.own {
                    _ = try db.execute("UPDATE account SET own = ? WHERE id = 1", [(account.own ? 1 : 0).sqliteValue])
                }
            } else {
                _ = try db.execute("INSERT INTO account (id, server, user, own, created_at) VALUES (1, ?, ?, ?, ?)", [(account.server.absoluteString).sqliteValue, (account.user).sqliteValue, (account.own ? 1 : 0).sqliteValue, (Self.millis(started)).sqliteValue])
            }
        }
    }

    private func sync(into report: inout MirrorSyncReport) async throws {
        var activities: Value?
        if account.own {
            activities = try await client.get("/sync/last_activities").body
            guard case .object? = activities else { throw MirrorError("GET /sync/last_activities: not a JSON object") }
        }
        let saved = try store.read { db in
            try Dictionary(db.rows("SELECT section, remote FROM sync_sections").map { row -> (String, String?) in
                (row[0].text ?? "", row[1].text)
            }, uniquingKeysWith: { first, _ in first })
        }
        for section in MirrorSection.allCases {
            try Task.checkCancellation()
            let remote = activities.map { section.remote(of: $0) }
            var outcome = MirrorSyncReport.Section(section: section)
            let known = saved[section.rawValue]
            if options.full || known == nil {
                outcome = try await fullRead(section, remote: remote)
            } else if let remote, known! == remote {
                outcome.read = .unchanged
                outcome.rows = try store.read { db in try Self.rowCount(section, db) }
            } else if account.own && known! == nil {
                // Imported from an export file (no saved times): this online sync completes it.
                outcome = try await fullRead(section, remote: remote)
            } else {
                outcome = try await incremental(section, remote: remote)
            }
            report.sections.append(outcome)
        }
    }

    /// A full read leaves its pending pages' space free in the file (SQLite keeps freed pages):
    /// when more than a quarter of the file is free, it is rewritten (`VACUUM`), so the mirror
    /// takes what its rows take.
    private func compactIfMostlyFree() throws {
        let (free, total) = try store.read { db in
            (try db.int("PRAGMA freelist_count") ?? 0, try db.int("PRAGMA page_count") ?? 0)
        }
        guard total > 0, free * 4 > total else { return }
        try store.connection.executeScript("VACUUM")
    }

    /// A failed `VACUUM`, in words. It writes a copy of the mirror in SQLite's temporary
    /// directory and then the mirror again through its WAL, so a full disk may be either.
    static func compactionWarning(_ error: SQLiteError) -> String {
        let start = "the mirror is complete, but compacting it (VACUUM) failed: "
        guard error.isDiskFull else { return start + "\(error); the next sync tries again" }
        let beside = error.path.map { SQLiteError.directory($0) } ?? "the mirror's directory"
        return start + error.sqliteText + "; it needs room for a copy of the mirror in \(beside) and in the temporary directory "
            + "(SQLITE_TMPDIR, TMPDIR or /var/tmp): free some space there, and the next sync compacts it"
    }

    private func record(_ report: MirrorSyncReport, run: Int64, outcome: String) throws {
        try store.write { db in
            _ = try db.execute("UPDATE sync_runs SET finished_at = ?, calls = ?, outcome = ?, summary = ? WHERE id = ?", [(report.finished.map(Self.millis)).sqliteValue, (report.calls).sqliteValue, (outcome).sqliteValue, (report.summaryJSON).sqliteValue, (run).sqliteValue])
        }
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
