import Foundation

/// A local SQLite mirror of one account (`traktql sync`, then `--mirror`): the same language,
/// answered from the database, no HTTP.
///
/// An answer over the mirror is the one `--api v2` gives for the same query: each statement
/// reads one v2 route's elements as the mirror saved them (columns, `extra`, and the shared
/// `objects`), and the rebuilt elements are read as v2 reads its answers (``V2Item``,
/// ``V2ItemSchema``), filtered by the same residual filter, merged the same way, and run through
/// the same stages (``LocalPipeline``, ``StreamingStages``).
public struct MirrorBackend: Backend {
    public typealias Calls = MirrorPlan

    public let access: MirrorAccess
    /// Past this age, a query warns (once per session) that the mirror is old.
    public var maxAge: TimeInterval
    /// "Now", for the mirror's age.
    public var clock: @Sendable () -> Date

    public init(access: MirrorAccess, maxAge: TimeInterval = Settings.defaultMirrorMaxAge, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.access = access
        self.maxAge = maxAge
        self.clock = clock
    }

    /// `me` is the mirror's account.
    public var accountAliases: [String] { ["me"] }

    public var schema: any ItemSchema { V2ItemSchema() }

    public func plan(_ query: CheckedQuery, source: String) throws(TraktQLError) -> Plan {
        let database = try access.database()
        return try MirrorPlanner.plan(query, by: self, location: database.location, account: try database.account(), source: source)
    }

    public func execute(_ mirror: MirrorPlan, of plan: Plan, in session: ExecutionSession) async throws(TraktQLError) -> QueryResult {
        let database = try access.database()
        var result = try MirrorReader(plan: plan, mirror: mirror, now: session.now, wholeItems: session.wholeItems).run(on: database)
        if let warning = staleWarning(mirror.account, now: session.now), access.claimStaleWarning() {
            result.warnings.insert(warning, at: 0)
        }
        return result
    }

    /// The warning for a mirror older than ``maxAge``, or nil.
    func staleWarning(_ account: MirrorAccount, now: Date) -> String? {
        guard let synced = account.syncedAt else {
            return "the mirror of \(account.user) was never synced online\(account.importedFrom.map { " (imported from \($0))" } ?? ""): run `traktql sync` to complete it"
        }
        guard now.timeIntervalSince(synced) > maxAge else { return nil }
        return "the mirror of \(account.user) was last synced \(account.age(at: now)) ago (mirror_max_age is \(MirrorAccount.duration(maxAge))): run `traktql sync` to bring it up to date"
    }
}
