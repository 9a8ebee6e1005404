import Foundation

extension Value: CustomStringConvertible {
    /// Compact JSON text, instants written as ISO-8601 in `timeZone`; control characters escaped.
    public func jsonText(timeZone: TimeZone = .current) -> String {
        ValueText.json(self, zone: timeZone)
    }

    /// Plain text for people: strings as they are, instants as ISO-8601 UTC, durations like
    /// `3d 4h`, containers as JSON.
    public var description: String {
        switch self {
        case .null: return "null"
        case .string(let s): return s
        case .instant(let d): return ValueText.iso8601(d, in: TimeZone(identifier: "UTC")!)
        case .duration(let t): return ValueText.duration(t)
        default: return jsonText(timeZone: TimeZone(identifier: "UTC")!)
        }
    }
}
