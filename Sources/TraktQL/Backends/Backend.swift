import Foundation

/// One source of activity behind the language.
///
/// The checker's ``CheckedQuery`` holds instants and values, no API words. A backend turns it
/// into a ``Plan`` (what to call, and what is left to filter), runs that plan, and reads its
/// items through its ``ItemSchema``. Fan-out, merging by time, de-duplication, the residual
/// filter, the stages and the output are shared (``Executor``, ``StageRunner``).
///
/// Backends are made in one place, ``BackendFactory``, keyed by the API (v1, v2) or a local
/// input; nothing else names one. Each owns its words (what it refuses of a query, and why),
/// its plan type (``Calls``), its paging, auth, redaction and the mapping of its failures back
/// to the statement (a failed call carries the name it was for: ``CallFailure``).
public protocol Backend: Sendable {
    /// This backend's part of a ``Plan``: its calls, and how `explain` shows them. A plan is
    /// bound to the backend that made it (``Plan/init(_:by:source:residual:stages:fetch:since:timeZone:negationNotes:episodeFilters:)``),
    /// so ``execute(_:of:in:)`` receives it typed: nothing downcasts.
    associatedtype Calls: BackendPlan

    /// How rows of this backend answer `time`, `who`, `title`, `sxe`…
    var schema: any ItemSchema { get }

    /// The fields the checker resolves stage paths against (by default the schema's).
    var fields: FieldCatalog { get }

    /// Plans a checked query. Pure: `explain` and the golden tests call it. `source` is the
    /// text the query's spans point into: a refusal is a diagnostic at the qualifier, over it.
    func plan(_ query: CheckedQuery, source: String) throws(TraktQLError) -> Plan

    /// Runs a plan this backend made; `calls` is its part of `plan`.
    func execute(_ calls: Calls, of plan: Plan, in session: ExecutionSession) async throws(TraktQLError) -> QueryResult

    /// The user names (lowercase; matched without regard to ASCII case) that stand for the
    /// account this backend answers for (`me`), which may be any user: the checker then keeps `-user:NAME` as a check on each item. None by default.
    var accountAliases: [String] { get }

    /// Whether the names a query gives (shows, movies, users) are checked against the server's
    /// ``ServerCatalog`` before the calls (v1: its 404 names only the first unknown user).
    var checksNamesWithServerCatalog: Bool { get }

    /// The secrets this backend puts in URL paths (v1: its API key, `…/user.json/KEY/…`), which
    /// every message and log redacts (``Redactor/pathSecrets``). None by default.
    static var urlPathSecrets: [URLPathSecret] { get }
}

/// A backend's part of a ``Plan``: its calls, and how `explain` shows them (with the shared
/// sections ``Plan`` provides: negations, residual filter, stages).
public protocol BackendPlan: Sendable {
    /// `explain`'s text. `base` is the server's URL without a trailing `/` (empty: paths only).
    func explanation(of plan: Plan, base: String) -> String
    /// The same content as a value, for `--format json`.
    func explanationValue(of plan: Plan, base: String) -> Value
    /// Whether running it calls a server (and so is bounded by the statement's `timeout`);
    /// false for a local input.
    var makesCalls: Bool { get }
    /// Whether running it reads standard input, which can be read once per session.
    var readsStandardInput: Bool { get }
}

extension BackendPlan {
    public var makesCalls: Bool { true }
    public var readsStandardInput: Bool { false }
}

extension Backend {
    public var fields: FieldCatalog { schema.fields }

    public var checksNamesWithServerCatalog: Bool { false }

    public var accountAliases: [String] { [] }

    public static var urlPathSecrets: [URLPathSecret] { [] }
}

/// What a running statement shares with the engine's session: the transport, the cache, the
/// bounds and the clock.
public struct ExecutionSession: Sendable {
    var transport: any HTTPTransport
    var cache: ResponseCache
    var cacheTTL: TimeInterval
    var maxPages: Int
    var limiter: ConcurrencyLimiter
    var now: Date
    /// Called with a line of progress while paging (the shell shows it on a TTY).
    var progress: (@Sendable (String) -> Void)?
    /// Whether whole items may be printed (json/ndjson output, or a format chosen later):
    /// otherwise a local input builds only the fields the output shows.
    var wholeItems: Bool
    /// When the statement's time budget (`timeout`) ends, by the real clock: a wait that
    /// would outlast it (a rate limit's window) fails at once instead.
    var deadline: Date = .distantFuture
    /// The `timeout` setting, for messages.
    var timeout: TimeInterval = 0
    /// The bytes the statement may still fetch (`max_fetch`), shared by all its calls.
    var fetchBudget = FetchBudget()
}
