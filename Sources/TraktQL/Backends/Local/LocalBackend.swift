import Foundation

/// A saved response instead of the API (`traktql --input FILE`: a v1 envelope, a v2 array or an
/// export file, told apart by shape): no calls, every qualifier a filter, the time bounds
/// checked on each item's timestamp (``LocalSource``).
///
/// Its ``schema`` is v1's whatever the input holds, and that is deliberate (issue 24): the
/// shape is known only from the input's first bytes (``V2Input/shapePrefix``), which the run
/// reads (``LocalExecutor``) and then picks the schema from. Detecting it at plan time would
/// read standard input twice (it can be read once per session, and a pipe cannot be rewound),
/// and for a file would read it at every plan — `explain`, the checker, the REPL's completion
/// — for nothing: the checker resolves fields against ``fields``, which holds both shapes'
/// fields, and nothing at plan time reads ``schema`` otherwise. A file that changes between
/// plan and run is still read as what it is then.
public struct LocalBackend: Backend {
    public typealias Calls = LocalSource

    /// The file, or `-` for standard input.
    public var path: String
    public var convention: TimestampConvention
    /// Read streamed and projected (the default), or whole with the plain decoder (the reference).
    public var streaming: Bool

    public init(path: String, convention: TimestampConvention = .pacific, streaming: Bool = true) {
        self.path = path
        self.convention = convention
        self.streaming = streaming
    }

    /// `me` is the user an export file names (``LocalExecutor/bindingUsers(in:fileUser:items:schema:name:)``).
    public var accountAliases: [String] { ["me"] }

    /// v1's: the run picks v2's when the input's first bytes say so (see the type's notes).
    public var schema: any ItemSchema { V1ItemSchema(convention: convention) }

    /// A file may hold v1 or v2 items: the fields of both.
    public var fields: FieldCatalog { .everyBackend }

    /// Every qualifier becomes a filter; `scope:` is refused (a file has no streams).
    public func plan(_ query: CheckedQuery, source: String) throws(TraktQLError) -> Plan {
        if let scope = query.scope, let origin = query.scopeOrigin {
            throw .query(diagnostics: [.error(
                "'scope:' picks an API stream; a local input (--input) has no streams",
                at: origin.span,
                help: "remove \(origin.text); to keep some users' activity write user:NAME,… or '| where who in [\"…\"]' (\(scope.rawValue) is not recorded in saved items)")],
                source: source)
        }
        let input = LocalSource(path: path, convention: convention, since: query.since, until: query.until, ignoredMinimal: query.minimal)
        return Plan(input, by: self, source: source, residual: query.qualifierFilters, stages: query.stages, fetch: .all,
                    since: query.since?.instant, timeZone: query.timeZone,
                    negationNotes: query.negationNotes, episodeFilters: query.episodeFilters)
    }

    public func execute(_ local: LocalSource, of plan: Plan, in session: ExecutionSession) async throws(TraktQLError) -> QueryResult {
        let executor = LocalExecutor(plan: plan, local: local, now: session.now, wholeItems: session.wholeItems,
                                     reader: streaming ? .streaming : .plain)
        return try executor.run()
    }

    /// What the reader builds of each item: what the filters and stages read, and the
    /// timestamp when since:/until: bound the input.
    static func projection(for plan: Plan, reading local: LocalSource, schema: any ItemSchema, wholeItems: Bool) -> Projection {
        let bounded = local.since != nil || local.until != nil
        return Projection.forPlan(plan, schema: schema, wholeItems: wholeItems, alsoKeeping: bounded ? schema.identityMembers : [])
    }
}
