import Foundation

/// A query over a saved response instead of the API (`traktql --input FILE`; v1 envelopes are
/// read streamed, v2 arrays and export files whole: ``LocalExecutor``).
///
/// There is no HTTP: every qualifier becomes a filter on the file's items. `since:`, `until:`
/// and `on:` compare each item's `timestamp`, converted to an instant by the session's
/// ``TimestampConvention``, with the bounds: `since ≤ instant < until`, the window the API's
/// `start_ts`/`end_ts` select. `scope:` is an error (a file has no streams); `min` is ignored
/// (the file holds whatever was saved) and `explain` says so. Items are taken in file order
/// and not de-duplicated.
public struct LocalSource: BackendPlan, Hashable {
    /// The file, or `-` for standard input.
    public var path: String
    /// How the items' `timestamp`s are read.
    public var convention: TimestampConvention
    public var since: TimeBound?
    public var until: TimeBound?
    /// Where `min` was written, when it was (it is ignored).
    public var ignoredMinimal: Bool

    /// How the input is named in messages.
    public var displayName: String { path == "-" ? "<stdin>" : path }

    /// A file is read, not called: no time budget bounds it.
    public var makesCalls: Bool { false }

    /// `-` is standard input, which a session can read once.
    public var readsStandardInput: Bool { path == "-" }

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
        case .tooLarge, .tls, .refused: return error.description
        }
    }
}

extension LocalSource {
    /// `explain` for a local input.
    public func explanation(of plan: Plan, base: String) -> String {
        let local = self
        var lines: [String] = []
        lines.append("plan: local input: \(local.displayName); all qualifiers are filters (no HTTP calls)")
        if local.ignoredMinimal {
            lines.append("  min: ignored (a saved response holds whatever was saved)")
        }
        lines.append("")
        lines += plan.negationLines
        let time = timeFilters(in: plan)
        if plan.residual.isEmpty && time.isEmpty {
            lines.append("filter: none")
        } else {
            lines.append("filter (checked on each item of the input):")
            lines += plan.residualLines()
            for line in time { lines.append("  " + line) }
        }
        lines.append(plan.stagesLine)
        lines.append("read: " + readDescription(of: plan))
        return lines.joined(separator: "\n")
    }

    public func explanationValue(of plan: Plan, base: String) -> Value {
        let local = self
        var filters = plan.residualValues()
        for bound in [local.since.map { ($0, ">=") }, local.until.map { ($0, "<") }].compactMap({ $0 }) {
            filters.append(.object([("from", .string(bound.0.origin.text)),
                                    ("check", .string("time \(bound.1) \(plan.isoString(bound.0.instant))"))]))
        }
        return .object([
            ("input", .string(local.displayName)),
            ("calls", .array([])),
            ("residual", .array(filters)),
            ("stages", .array(plan.stages.map { .string(Plan.describe($0, zone: plan.timeZone)) })),
            ("min_ignored", .bool(local.ignoredMinimal)),
            ("read", .string(readDescription(of: plan))),
            ("convention", .string(convention.rawValue)),
            ("time_zone", .string(plan.timeZone.identifier)),
        ])
    }

    private func timeFilters(in plan: Plan) -> [String] {
        var out: [String] = []
        if let since {
            out.append("\(since.origin.text)  ⇒  time >= \(plan.isoString(since.instant)) (timestamp read as \(convention.rawValue) time)")
        }
        if let until {
            out.append("\(until.origin.text)  ⇒  time < \(plan.isoString(until.instant)) (timestamp read as \(convention.rawValue) time)")
        }
        return out
    }

    private func readDescription(of plan: Plan) -> String {
        let projection = LocalBackend.projection(for: plan, reading: self, schema: V1ItemSchema(convention: convention), wholeItems: false)
        let reshaped = plan.stages.contains { stage in
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
