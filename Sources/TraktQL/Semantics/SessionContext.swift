import Foundation

/// What the checker needs from the session: zone, timestamp convention, the clock's current
/// reading, the variables defined with `let`, and the backend's words: the fields of its items
/// and its names for the account.
public struct SessionContext: Sendable {
    public var timeZone: TimeZone
    public var convention: TimestampConvention
    /// "Now" for relative times; the engine reads its clock once per statement.
    public var now: Date
    public var variables: [String: QualifierValue]
    /// The variables that hold a query's answer (`let seen = activity …`).
    public var results: [String: VariableResult] = [:]
    /// The fields the backend's items have, with their kinds (``Backend/fields``); by default
    /// every backend's, as for a saved file of either shape.
    public var fields: FieldCatalog
    /// The user names that stand for the account the backend answers for (``Backend/accountAliases``);
    /// by default every backend's.
    public var accountAliases: [String]

    public init(timeZone: TimeZone = .current, convention: TimestampConvention = .pacific, now: Date = Date(),
                variables: [String: QualifierValue] = [:], fields: FieldCatalog = .everyBackend,
                accountAliases: [String] = SessionContext.everyBackendsAccountAliases) {
        self.timeZone = timeZone
        self.convention = convention
        self.now = now
        self.variables = variables
        self.fields = fields
        self.accountAliases = accountAliases
    }
}
