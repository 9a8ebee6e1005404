import Foundation

/// A saved response instead of the API (`traktql --input FILE`: a v1 envelope, a v2 array or an
/// export file, told apart by shape): no calls, every qualifier a filter, the time bounds
/// checked on each item's timestamp (``LocalSource``).
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
