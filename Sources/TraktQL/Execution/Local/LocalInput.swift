import Foundation

/// A query over a saved v1 response instead of the API (`traktql --input FILE`).
///
/// There is no HTTP: every qualifier becomes a filter on the file's items. `since:`, `until:`
/// and `on:` compare each item's `timestamp`, converted to an instant by the session's
/// ``TimestampConvention``, with the bounds: `since ≤ instant < until`, the window the API's
/// `start_ts`/`end_ts` select. `scope:` is an error (a file has no streams); `min` is ignored
/// (the file holds whatever was saved) and `explain` says so. Items are taken in file order
/// and not de-duplicated.
public struct LocalSource: Sendable, Hashable {
    /// The file, or `-` for standard input.
    public var path: String
    public var since: TimeBound?
    public var until: TimeBound?
    /// Where `min` was written, when it was (it is ignored).
    public var ignoredMinimal: Bool

    /// How the input is named in messages.
    public var displayName: String { path == "-" ? "<stdin>" : path }

    /// Whether `instant` lies in the `since:`/`until:` window.
    func contains(_ instant: Date) -> Bool {
        if let since, instant < since.instant { return false }
        if let until, instant >= until.instant { return false }
        return true
    }
}

enum LocalInput {
    /// A saved v1 failure body (`{"status":"failure","error":"…"}`).
    static func apiFailureMessage(_ message: String, name: String) -> String {
        "the input is an API error response, not activity: \(message) (from \(name))"
    }

    /// ActivityPage's error for `body`, in the words the streaming reader uses.
    static func message(for error: TransportError) -> String {
        switch error {
        case let .http(_, message, url): return apiFailureMessage(message ?? "", name: url)
        case let .malformedBody(text): return text
        case let .network(text): return text
        case let .timeout(url, _): return "timed out reading \(url)"
        case .tooLarge: return error.description
        }
    }
}

extension Planner {
    /// The plan for a query over a local input: no calls, every qualifier a residual filter,
    /// the time bounds checked on each item's timestamp.
    static func planLocal(_ query: CheckedQuery, input: String) -> Plan {
        var residual: [ResidualFilter] = []
        if let shows = query.shows { residual.append(.shows(shows)) }
        if let seasons = query.seasons { residual.append(.seasons(seasons)) }
        if let episodes = query.episodes { residual.append(.episodes(episodes)) }
        if let movies = query.movies { residual.append(.movies(movies)) }
        if let users = query.users { residual.append(.users(users)) }
        if let types = query.types { residual.append(.types(types)) }
        if let actions = query.actions { residual.append(.actions(actions)) }
        if let rating = query.rating { residual.append(.rating(rating)) }
        var plan = Plan(calls: [], residual: residual, stages: query.stages, fetch: .all,
                        since: query.since?.instant, timeZone: query.timeZone, convention: query.convention)
        plan.local = LocalSource(path: input, since: query.since, until: query.until, ignoredMinimal: query.minimal)
        return plan
    }
}

extension QueryCompiler {
    /// Checks one parsed query and plans it over a local input. `scope:` is refused there.
    public static func planLocal(_ query: Query, source: String, context: SessionContext, input: String) throws(TraktQLError) -> Plan {
        var checker = Checker(context: context)
        let (checked, diagnostics) = checker.check(query)
        guard let checked else { throw .query(diagnostics: diagnostics, source: source) }
        if let scope = checked.scope, let origin = checked.scopeOrigin {
            throw .query(diagnostics: [.error(
                "'scope:' picks an API stream; a local input (--input) has no streams",
                at: origin.span,
                help: "remove \(origin.text); to keep some users' activity write user:NAME,… or '| where who in [\"…\"]' (\(scope.rawValue) is not recorded in saved items)")],
                source: source)
        }
        return Planner.planLocal(checked, input: input)
    }

    /// Parses, checks and plans a text holding one query, over a local input.
    public static func planLocal(_ source: String, context: SessionContext, input: String) throws(TraktQLError) -> Plan {
        let script = try parse(source)
        let queries = script.statements.compactMap { statement -> Query? in
            switch statement.kind {
            case .query(let q), .explain(let q): return q
            default: return nil
            }
        }
        guard queries.count == 1, script.statements.count == 1 else {
            let span = script.statements.first?.span ?? SourceSpan(start: .start, end: .start)
            throw .query(diagnostics: [.error("expected exactly one query", at: span)], source: source)
        }
        return try planLocal(queries[0], source: source, context: context, input: input)
    }
}

extension Plan {
    /// `explain` for a local input.
    func localExplanation(_ local: LocalSource) -> String {
        var lines: [String] = []
        lines.append("plan: local input: \(local.displayName); all qualifiers are filters (no HTTP calls)")
        if local.ignoredMinimal {
            lines.append("  min: ignored (a saved response holds whatever was saved)")
        }
        lines.append("")
        let time = localTimeFilters(local)
        if residual.isEmpty && time.isEmpty {
            lines.append("filter: none")
        } else {
            lines.append("filter (checked on each item of the input):")
            for filter in residual { lines.append("  \(filter.origin.text)  ⇒  \(filter.meaning)") }
            for line in time { lines.append("  " + line) }
        }
        lines.append("stages: " + (stages.isEmpty ? "none" : stages.map(Self.describe).joined(separator: " | ")))
        lines.append("read: " + localReadDescription)
        return lines.joined(separator: "\n")
    }

    func localExplanationValue(_ local: LocalSource) -> Value {
        var filters: [Value] = residual.map { .object([("from", .string($0.origin.text)), ("check", .string($0.meaning))]) }
        for bound in [local.since.map { ($0, ">=") }, local.until.map { ($0, "<") }].compactMap({ $0 }) {
            filters.append(.object([("from", .string(bound.0.origin.text)),
                                    ("check", .string("time \(bound.1) \(isoString(bound.0.instant))"))]))
        }
        return .object([
            ("input", .string(local.displayName)),
            ("calls", .array([])),
            ("residual", .array(filters)),
            ("stages", .array(stages.map { .string(Self.describe($0)) })),
            ("min_ignored", .bool(local.ignoredMinimal)),
            ("read", .string(localReadDescription)),
            ("convention", .string(convention.rawValue)),
            ("time_zone", .string(timeZone.identifier)),
        ])
    }

    private func localTimeFilters(_ local: LocalSource) -> [String] {
        var out: [String] = []
        if let since = local.since {
            out.append("\(since.origin.text)  ⇒  time >= \(isoString(since.instant)) (timestamp read as \(convention.rawValue) time)")
        }
        if let until = local.until {
            out.append("\(until.origin.text)  ⇒  time < \(isoString(until.instant)) (timestamp read as \(convention.rawValue) time)")
        }
        return out
    }

    private var localReadDescription: String {
        let projection = Projection.forPlan(self, wholeItems: false)
        let reshaped = stages.contains { stage in
            switch stage {
            case .select, .count, .distinct: return true
            default: return false
            }
        }
        var text = "every item, streamed; fields built: \(projection)"
        if !reshaped { text += " (json/ndjson output without select: whole items)" }
        return text
    }
}
