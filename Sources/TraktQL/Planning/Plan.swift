import Foundation

/// What a query will do: the backend's calls (``BackendPlan``), the filter applied to their
/// items afterwards, the stages, and how far to page. A backend's planner makes it; `explain`
/// prints it; ``run(in:)`` runs it on the backend that made it.
public struct Plan: Sendable {
    /// The backend that made the plan, with its calls as their own type.
    private let bound: any BoundCalls
    /// What the backend will call (for `explain`, and for a test to look into).
    public var backendPlan: any BackendPlan { bound.erasedCalls }
    /// The statement's text, which every span of the plan points into: an error found while
    /// running (a file that names no user for `user:me`) points there.
    public var source: String
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

    /// A plan of `backend`'s: `calls` is its part, of its own ``Backend/Calls`` type.
    public init<B: Backend>(_ calls: B.Calls, by backend: B, source: String, residual: [ResidualFilter], stages: [CheckedStage],
                            fetch: FetchPolicy, since: Date?, timeZone: TimeZone, negationNotes: [String] = [],
                            episodeFilters: [ResidualFilter] = []) {
        self.bound = BackendBoundCalls(backend: backend, calls: calls)
        self.source = source
        self.residual = residual
        self.stages = stages
        self.fetch = fetch
        self.since = since
        self.timeZone = timeZone
        self.negationNotes = negationNotes
        self.episodeFilters = episodeFilters
    }

    /// The backend that made the plan (for what it knows about its failures).
    var backend: any Backend { bound.erasedBackend }

    /// Runs the plan on the backend that made it.
    func run(in session: ExecutionSession) async throws(TraktQLError) -> QueryResult {
        try await bound.run(self, in: session)
    }
}

/// A backend and its calls, kept together so that the calls reach ``Backend/execute(_:of:in:)``
/// as the backend's own type.
private protocol BoundCalls: Sendable {
    var erasedCalls: any BackendPlan { get }
    var erasedBackend: any Backend { get }
    func run(_ plan: Plan, in session: ExecutionSession) async throws(TraktQLError) -> QueryResult
}

private struct BackendBoundCalls<B: Backend>: BoundCalls {
    let backend: B
    let calls: B.Calls

    var erasedCalls: any BackendPlan { calls }
    var erasedBackend: any Backend { backend }

    func run(_ plan: Plan, in session: ExecutionSession) async throws(TraktQLError) -> QueryResult {
        try await backend.execute(calls, of: plan, in: session)
    }
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
