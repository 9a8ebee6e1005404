import Foundation

extension Plan {
    /// The plan as text for `explain`: what the backend will call, piece by piece, with the
    /// qualifier each piece came from, then what is filtered after the fetch and the stages.
    public func explanation(baseURL: URL? = nil) -> String {
        backendPlan.explanation(of: self, base: Self.base(baseURL)) + (runtimeFallback.explanation.map { "\n" + $0 } ?? "") + variablesSection
    }

    /// The variables the query uses that hold a query's answer, each with its own plan.
    private var variablesSection: String {
        guard !resultVariables.isEmpty else { return "" }
        var lines = ["", "variables (each query ran once, when its let ran; its calls are cached like any other):"]
        for (name, result) in resultVariables.sorted(by: { $0.key < $1.key }) {
            lines.append("  " + result.summary(name: name) + ", \(result.calls) call\(result.calls == 1 ? "" : "s")"
                         + (result.cachedCalls > 0 ? " and \(result.cachedCalls) from the cache" : ""))
            lines += result.explanation.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }
        }
        return "\n" + lines.joined(separator: "\n")
    }

    /// The same content as ``explanation(baseURL:)`` as a value, for `--format json`.
    public func explanationValue(baseURL: URL? = nil) -> Value {
        let value = backendPlan.explanationValue(of: self, base: Self.base(baseURL))
        guard !resultVariables.isEmpty, case .object(var members) = value else { return value }
        members.append(("variables", .array(resultVariables.sorted(by: { $0.key < $1.key }).map { name, result in
            .object([("name", .string(name)), ("values", .int(Int64(result.values.count))), ("kind", .string(result.kind.rawValue)),
                     ("query", .string(result.query)), ("calls", .int(Int64(result.calls))), ("plan", .string(result.explanation))])
        })))
        return .object(members)
    }

    static func base(_ url: URL?) -> String {
        url.map { $0.absoluteString.hasSuffix("/") ? String($0.absoluteString.dropLast()) : $0.absoluteString } ?? ""
    }

    /// A long list shown by its first values and its size (a variable may hold thousands).
    static func abbreviated(_ items: [String], keep: Int = 6) -> String {
        guard items.count > keep + 2 else { return items.joined(separator: ", ") }
        return items.prefix(keep).joined(separator: ", ") + ", … (\(items.count) values)"
    }

    // MARK: - Sections every backend shows

    /// "negations:" and what each did, or nothing.
    var negationLines: [String] {
        negationNotes.isEmpty ? [] : ["negations:"] + negationNotes.map { "  " + $0 }
    }

    /// Each residual filter as `origin  ⇒  meaning`, naming the 10-point rating as the
    /// backend's items do.
    func residualLines(ratingField: String = "rating_advanced") -> [String] {
        residual.map { "  \($0.origin.text)  ⇒  \($0.meaning(ratingField: ratingField))" }
    }

    /// The "residual filter" section: "none", or `heading` over each filter and the backend's
    /// `notes` (what its calls could not carry).
    func residualSection(heading: String, ratingField: String = "rating_advanced", notes: [String] = []) -> [String] {
        if residual.isEmpty && notes.isEmpty { return ["residual filter: none"] }
        return ["residual filter (\(heading)):"] + residualLines(ratingField: ratingField) + notes.map { "  " + $0 }
    }

    func residualValues(ratingField: String = "rating_advanced") -> [Value] {
        residual.map { .object([("from", .string($0.origin.text)), ("check", .string($0.meaning(ratingField: ratingField)))]) }
    }

    var stagesLine: String {
        "stages: " + (stages.isEmpty ? "none" : stages.map { Self.describe($0, zone: timeZone) }.joined(separator: " | "))
    }

    func isoString(_ instant: Date) -> String {
        ValueText.iso8601(instant, in: timeZone)
    }

    /// A stage as `explain` shows it; instants in `zone` (the session's).
    static func describe(_ stage: CheckedStage, zone: TimeZone = TimeZone(identifier: "UTC")!) -> String {
        switch stage {
        case .filter(let e): return "where " + describe(e, zone: zone)
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

    static func describe(_ expression: CheckedExpression, zone: TimeZone = TimeZone(identifier: "UTC")!) -> String {
        switch expression {
        case .field(let f): return f.name
        case .value(let v): return describe(v, zone: zone)
        case .list(let items): return "[" + abbreviated(items.map { describe($0, zone: zone) }) + "]"
        case .not(let e): return "not (\(describe(e, zone: zone)))"
        case .binary(let op, let l, let r):
            let text = "\(describe(l, zone: zone)) \(op.rawValue) \(describe(r, zone: zone))"
            return op == .or ? "(\(text))" : text
        }
    }

    static func describe(_ value: Value, zone: TimeZone = TimeZone(identifier: "UTC")!) -> String {
        switch value {
        case .string(let s): return Printer.quote(s)
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return String(b)
        case .null: return "null"
        case .instant(let d): return ValueText.iso8601(d, in: zone)
        case .duration(let s): return "\(Int(s))s"
        case .array(let items): return "[" + items.map { describe($0, zone: zone) }.joined(separator: ", ") + "]"
        case .object: return "{…}"
        }
    }
}
