import Foundation

/// What a query will do: the backend's calls (``BackendPlan``), the filter applied to their
/// items afterwards, the stages, and how far to page. A backend's planner makes it; `explain`
/// prints it; the ``Executor`` runs it.
public struct Plan: Sendable {
    /// What the backend will call: v1 endpoint calls (``V1Plan``), a local file (``LocalSource``).
    public var backendPlan: any BackendPlan
    /// Conditions no call could carry, checked on each fetched item.
    public var residual: [ResidualFilter]
    public var stages: [CheckedStage]
    public var fetch: FetchPolicy
    /// The lower time bound, where paging stops.
    public var since: Date?
    /// The session zone: explain shows instants in it.
    public var timeZone: TimeZone
    /// What each negation did to its key's positive list (`-user:justin removes justin …`).
    public var negationNotes: [String] = []
    /// The `season:`/`episode:` conditions, whether a call carries them or not: an item
    /// matches when one of its episodes does, and `flatten episodes` keeps only the episodes
    /// that match (a seen of S01E03–E06 under `episode:1..3` flattens to S01E03 alone).
    public var episodeFilters: [ResidualFilter] = []
    /// The variables holding a query's answer that this query uses (`show:$seen`,
    /// `where … in $seen`): `explain` shows their queries and plans too.
    public var resultVariables: [String: VariableResult] = [:]
    /// What `runtime` is where the API has none (the `runtime_fallback` setting).
    public var runtimeFallback: RuntimeFallback = .none

    public init(backendPlan: any BackendPlan, residual: [ResidualFilter], stages: [CheckedStage], fetch: FetchPolicy,
                since: Date?, timeZone: TimeZone, negationNotes: [String] = [], episodeFilters: [ResidualFilter] = []) {
        self.backendPlan = backendPlan
        self.residual = residual
        self.stages = stages
        self.fetch = fetch
        self.since = since
        self.timeZone = timeZone
        self.negationNotes = negationNotes
        self.episodeFilters = episodeFilters
    }

    /// The v1 calls, when the plan is for the v1 API.
    public var v1: V1Plan? { backendPlan as? V1Plan }
    /// The input, when the plan reads a saved response (`--input`).
    public var local: LocalSource? { backendPlan as? LocalSource }
}

/// How many items the executor fetches.
public enum FetchPolicy: Sendable, Hashable {
    /// One call per planned call: the API's newest page.
    case onePage
    /// Page until this many rows survive the stages before the first `limit`.
    case rows(Int)
    /// Page through everything after `since` (or everything, for `limit all`), up to the
    /// executor's safety bound.
    case all
}
