import Foundation
import Testing
@testable import TraktQL

/// The field catalog is assembled from each backend's item schema: a field's kind, and so what
/// a stage may do with it, is the backend's.
@Suite struct FieldCatalogTests {
    /// A field's kind is its backend's: `rating` is a number on v2 (avg works), love/hate
    /// text on v1 (avg is refused there, with the 10-point field named).
    @Test func aFieldsKindComesFromTheBackend() throws {
        let context = SessionContext(timeZone: TimeZone(identifier: "UTC")!, now: ActivityFixture.now)
        let query = "activity user:justin action:rating | stats avg(rating) as mean, count by type"
        let v2 = V2Backend(baseURL: URL(string: "https://api.example")!, credentials: V2Credentials(clientID: "x"), budget: V2RateBudget())
        let planned = try QueryCompiler.plan(query, context: context, backend: v2)
        #expect(planned.stages.count == 1)
        let v1 = V1Backend(baseURL: URL(string: "http://api.example")!, apiKey: "k", credentials: nil, convention: .pacific)
        #expect(throws: TraktQLError.self) { try QueryCompiler.plan(query, context: context, backend: v1) }
        // And a renamed v2 rating compares as a number.
        _ = try QueryCompiler.plan("activity user:justin action:rating | select rating as r | where r >= 8", context: context, backend: v2)
        // A variable of one value is a list of one after `in`.
        var withVariable = context
        withVariable.variables["crew"] = try Self.variableValue("justin")
        _ = try QueryCompiler.plan("activity user:justin | where who in $crew", context: withVariable, backend: v2)
    }

    static func variableValue(_ text: String) throws -> QualifierValue {
        let script = try QueryCompiler.parse("let x = \(text)")
        guard case .let(_, let value) = script.statements[0].kind else { throw TraktQLError.usage("not a let") }
        return value
    }
}
