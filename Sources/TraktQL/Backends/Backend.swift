import Foundation

/// One source of activity behind the language.
///
/// The checker's ``CheckedQuery`` holds instants and values, no API words. A backend turns it
/// into a ``Plan`` (what to call, and what is left to filter), runs that plan, and reads its
/// items through its ``ItemSchema``. Fan-out, merging by time, de-duplication, the residual
/// filter, the stages and the output are shared (``Executor``, ``StageRunner``).
///
/// Backends: ``V1Backend`` (the v1 API: positional URLs, "PST" timestamps, `end_ts` paging)
/// and ``LocalBackend`` (a saved response, `--input`).
public protocol Backend: Sendable {
    /// How rows of this backend answer `time`, `who`, `title`, `sxe`…
    var schema: any ItemSchema { get }

    /// The fields the checker resolves stage paths against (by default the schema's).
    var fields: FieldCatalog { get }

    /// Plans a checked query. Pure: `explain` and the golden tests call it.
    func plan(_ query: CheckedQuery) throws(TraktQLError) -> Plan

    /// Runs a plan this backend made.
    func execute(_ plan: Plan, in session: ExecutionSession) async throws(TraktQLError) -> QueryResult
}

/// A backend's part of a ``Plan``: its calls, and how `explain` shows them (with the shared
/// sections ``Plan`` provides: negations, residual filter, stages).
public protocol BackendPlan: Sendable {
    /// `explain`'s text. `base` is the server's URL without a trailing `/` (empty: paths only).
    func explanation(of plan: Plan, base: String) -> String
    /// The same content as a value, for `--format json`.
    func explanationValue(of plan: Plan, base: String) -> Value
}

extension Backend {
    public var fields: FieldCatalog { schema.fields }
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
}
