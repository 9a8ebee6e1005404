import Foundation

extension Plan {
    /// The plan as text for `explain`: each call's URL (key redacted), each segment with the
    /// qualifier it came from, timestamps as API values and as instants in the session zone,
    /// the residual filter, the stages and the fetch policy.
    public func explanation(baseURL: URL? = nil) -> String {
        if let local { return localExplanation(local) }
        var lines: [String] = []
        let base = baseURL.map { $0.absoluteString.hasSuffix("/") ? String($0.absoluteString.dropLast()) : $0.absoluteString } ?? ""
        let endpoint = calls[0].endpoint
        let fanOut = calls.count > 1 ? ", one per user, merged newest first" : ""
        lines.append("plan: \(calls.count) call\(calls.count == 1 ? "" : "s") to \(endpoint.name) (auth \(endpoint.auth.rawValue))\(fanOut)")
        for (n, call) in calls.enumerated() {
            lines.append("")
            lines.append("call \(n + 1): GET \(base)\(call.redactedPath)")
            for segment in call.segments {
                lines.append("  " + pad(segment.segment.apiName, 9) + pad(segment.value, 22) + " " + origin(of: segment))
            }
            if call.minimal { lines.append("  " + pad("min", 9) + pad("1", 22) + " ← min") }
        }
        lines.append("")
        if !negationNotes.isEmpty {
            lines.append("negations:")
            for note in negationNotes { lines.append("  " + note) }
        }
        if residual.isEmpty {
            lines.append("residual filter: none")
        } else {
            lines.append("residual filter (checked on each item after the fetch):")
            for filter in residual { lines.append("  \(filter.origin.text)  ⇒  \(filter.meaning)") }
        }
        lines.append("stages: " + (stages.isEmpty ? "none" : stages.map(Self.describe).joined(separator: " | ")))
        lines.append("fetch: " + fetchDescription)
        return lines.joined(separator: "\n")
    }

    /// The same content as ``explanation(baseURL:)`` as a value, for `--format json`.
    public func explanationValue(baseURL: URL? = nil) -> Value {
        if let local { return localExplanationValue(local) }
        let base = baseURL.map { $0.absoluteString.hasSuffix("/") ? String($0.absoluteString.dropLast()) : $0.absoluteString } ?? ""
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
                        ("from", .string(originText(of: segment))),
                    ]
                    if let instant = segment.instant {
                        members.append(("instant", .string(isoString(instant))))
                    }
                    return .object(members)
                })),
                ("min", .bool(call.minimal)),
            ])
        }
        var members: [(key: String, value: Value)] = [
            ("calls", .array(callValues)),
            ("residual", .array(residual.map { .object([("from", .string($0.origin.text)), ("check", .string($0.meaning))]) })),
            ("stages", .array(stages.map { .string(Self.describe($0)) })),
            ("fetch", .string(fetchDescription)),
            ("convention", .string(convention.rawValue)),
            ("time_zone", .string(timeZone.identifier)),
        ]
        if !negationNotes.isEmpty {
            members.insert(("negations", .array(negationNotes.map { .string($0) })), at: 2)
        }
        return .object(members)
    }

    var fetchDescription: String {
        switch fetch {
        case .onePage: return "one page per call (the API's 100 most recent matches)"
        case .rows(let n): return n <= 100 ? "until \(n) rows (one page of up to 100 items per call, paging backwards if filters drop items)" : "page backwards until \(n) rows"
        case .all: return since != nil ? "page backwards to since: (up to the safety bound)" : "page backwards through everything (up to the safety bound)"
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private func origin(of segment: PlannedSegment) -> String {
        "← " + originText(of: segment)
    }

    private func originText(of segment: PlannedSegment) -> String {
        switch segment.source {
        case .qualifier(let origin):
            if let instant = segment.instant {
                return "\(origin.text) = \(isoString(instant)), in the API's \(convention.rawValue) convention"
            }
            return origin.text
        case .placeholder: return "placeholder (a later segment is set)"
        case .unboundedStart: return "no since: (0 = the epoch, no lower bound)"
        case .paging: return "paging"
        }
    }

    func isoString(_ instant: Date) -> String {
        ValueText.iso8601(instant, in: timeZone)
    }

    static func describe(_ stage: CheckedStage) -> String {
        switch stage {
        case .filter(let e): return "where " + describe(e)
        case .select(let columns): return "select " + columns.map { $0.name == $0.field.name ? $0.name : "\($0.field.name) as \($0.name)" }.joined(separator: ", ")
        case .sort(let keys): return "sort " + keys.map { $0.field.name + ($0.descending ? " desc" : "") }.joined(separator: ", ")
        case .limit(let n): return "limit " + (n.map(String.init) ?? "all")
        case .count(let by): return by.isEmpty ? "count" : "count by " + by.map(\.name).joined(separator: ", ")
        case .distinct(let fields): return "distinct " + fields.map(\.name).joined(separator: ", ")
        case .flatten(let field): return "flatten " + field.name
        case .stats(let spec): return spec.explanation
        case .chart(let style): return style.kind == .bar ? "chart" : "chart " + style.kind.rawValue
        }
    }

    static func describe(_ expression: CheckedExpression) -> String {
        switch expression {
        case .field(let f): return f.name
        case .value(let v): return describe(v)
        case .list(let items): return "[" + items.map(describe).joined(separator: ", ") + "]"
        case .not(let e): return "not (\(describe(e)))"
        case .binary(let op, let l, let r):
            let text = "\(describe(l)) \(op.rawValue) \(describe(r))"
            return op == .or ? "(\(text))" : text
        }
    }

    static func describe(_ value: Value) -> String {
        switch value {
        case .string(let s): return Printer.quote(s)
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return String(b)
        case .null: return "null"
        case .instant(let d): return ValueText.iso8601(d, in: TimeZone(identifier: "UTC")!)
        case .duration(let s): return "\(Int(s))s"
        case .array(let items): return "[" + items.map(describe).joined(separator: ", ") + "]"
        case .object: return "{…}"
        }
    }
}
