import Foundation

extension Plan {
    /// The plan as text for `explain`: what the backend will call, piece by piece, with the
    /// qualifier each piece came from, then what is filtered after the fetch and the stages.
    public func explanation(baseURL: URL? = nil) -> String {
        backendPlan.explanation(of: self, base: Self.base(baseURL))
    }

    /// The same content as ``explanation(baseURL:)`` as a value, for `--format json`.
    public func explanationValue(baseURL: URL? = nil) -> Value {
        backendPlan.explanationValue(of: self, base: Self.base(baseURL))
    }

    static func base(_ url: URL?) -> String {
        url.map { $0.absoluteString.hasSuffix("/") ? String($0.absoluteString.dropLast()) : $0.absoluteString } ?? ""
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

    func residualValues(ratingField: String = "rating_advanced") -> [Value] {
        residual.map { .object([("from", .string($0.origin.text)), ("check", .string($0.meaning(ratingField: ratingField)))]) }
    }

    var stagesLine: String {
        "stages: " + (stages.isEmpty ? "none" : stages.map(Self.describe).joined(separator: " | "))
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
