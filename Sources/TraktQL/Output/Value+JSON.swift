import Foundation

extension Value {
    /// Compact JSON text, instants written as ISO-8601 in `timeZone`; control characters escaped.
    public func jsonText(timeZone: TimeZone = .current) -> String {
        ValueText.json(self, zone: timeZone)
    }
}
