import Foundation

/// The v1 part of a ``Plan``: one call per user for a fan-out, otherwise one, each a v1
/// endpoint with its positional segments; times in the API's timestamp convention.
public struct V1Plan: BackendPlan, Hashable {
    public var calls: [PlannedCall]
    /// How the API's timestamps are read (the "PST" convention, or plain UTC).
    public var convention: TimestampConvention

    public init(calls: [PlannedCall], convention: TimestampConvention) {
        self.calls = calls
        self.convention = convention
    }
}

extension V1Plan {
    public func explanation(of plan: Plan, base: String) -> String {
        var lines: [String] = []
        let endpoint = calls[0].endpoint
        let fanOut = calls.count > 1 ? ", one per user, merged newest first" : ""
        lines.append("plan: \(calls.count) call\(calls.count == 1 ? "" : "s") to \(endpoint.name) (auth \(endpoint.auth.rawValue))\(fanOut)")
        for (n, call) in calls.enumerated() {
            lines.append("")
            lines.append("call \(n + 1): GET \(base)\(call.redactedPath)")
            for segment in call.segments {
                lines.append("  " + Self.pad(segment.segment.apiName, 9) + Self.pad(segment.value, 22) + " ← " + originText(of: segment, in: plan))
            }
            if call.minimal { lines.append("  " + Self.pad("min", 9) + Self.pad("1", 22) + " ← min") }
        }
        lines.append("")
        lines += plan.negationLines
        lines += plan.residualSection(heading: "checked on each item after the fetch")
        lines.append(plan.stagesLine)
        lines.append("fetch: " + fetchDescription(of: plan))
        return lines.joined(separator: "\n")
    }

    public func explanationValue(of plan: Plan, base: String) -> Value {
        let callValues: [Value] = calls.map { call in
            .object([
                ("endpoint", .string(call.endpoint.name)),
                ("auth", .string(call.endpoint.auth.rawValue)),
                ("method", .string("GET")),
                ("url", .string(base + call.redactedPath)),
                ("segments", .array(call.segments.map { segment in
                    var members: [(key: String, value: Value)] = [
                        ("name", .string(segment.segment.apiName)),
                        ("value", .string(segment.value)),
                        ("from", .string(originText(of: segment, in: plan))),
                    ]
                    if let instant = segment.instant {
                        members.append(("instant", .string(plan.isoString(instant))))
                    }
                    return .object(members)
                })),
                ("min", .bool(call.minimal)),
            ])
        }
        var members: [(key: String, value: Value)] = [
            ("calls", .array(callValues)),
            ("residual", .array(plan.residualValues())),
            ("stages", .array(plan.stages.map { .string(Plan.describe($0, zone: plan.timeZone)) })),
            ("fetch", .string(fetchDescription(of: plan))),
            ("convention", .string(convention.rawValue)),
            ("time_zone", .string(plan.timeZone.identifier)),
        ]
        if !plan.negationNotes.isEmpty {
            members.insert(("negations", .array(plan.negationNotes.map { .string($0) })), at: 2)
        }
        return .object(members)
    }

    func fetchDescription(of plan: Plan) -> String {
        switch plan.fetch {
        case .onePage: return "one page per call (the API's 100 most recent matches)"
        case .rows(let n): return n <= 100 ? "until \(n) rows (one page of up to 100 items per call, paging backwards if filters drop items)" : "page backwards until \(n) rows"
        case .all: return plan.since != nil ? "page backwards to since: (up to the safety bound)" : "page backwards through everything (up to the safety bound)"
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private func originText(of segment: PlannedSegment, in plan: Plan) -> String {
        switch segment.source {
        case .qualifier(let origin):
            if let instant = segment.instant {
                return "\(origin.text) = \(plan.isoString(instant)), in the API's \(convention.rawValue) convention"
            }
            return origin.text
        case .placeholder: return "placeholder (a later segment is set)"
        case .unboundedStart: return "no since: (0 = the epoch, no lower bound)"
        case .paging: return "paging"
        }
    }
}
