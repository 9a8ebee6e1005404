import Foundation

/// What the checker needs from the session: zone, timestamp convention, the clock's current
/// reading, and the variables defined with `let`.
public struct SessionContext: Sendable {
    public var timeZone: TimeZone
    public var convention: TimestampConvention
    /// "Now" for relative times; the engine reads its clock once per statement.
    public var now: Date
    public var variables: [String: QualifierValue]

    public init(timeZone: TimeZone = .current, convention: TimestampConvention = .pacific, now: Date = Date(), variables: [String: QualifierValue] = [:]) {
        self.timeZone = timeZone
        self.convention = convention
        self.now = now
        self.variables = variables
    }
}
