import Foundation
import Testing
@testable import TraktQL

/// Every qualifier, and the forms of its values, planned for each backend side by side
/// (Golden/qualifiers.golden): what it becomes on v1 (a path segment or a residual filter),
/// on v2 (a route, a segment, a parameter or a residual filter) and on a saved file (always a
/// filter). One qualifier, one meaning: where the backends differ, the lines say how.
@Suite struct QualifierMatrixGoldenTests {
    static func lines(_ input: String, context: SessionContext, backend: any Backend, render: (Plan) -> [String]) -> [String] {
        do {
            return render(try QueryCompiler.plan(input, context: context, backend: backend))
        } catch {
            if case .query(let diagnostics, _) = error { return diagnostics.map { "error: " + $0.message } }
            return ["error: \(error)"]
        }
    }

    static func local(_ plan: Plan) -> [String] {
        var lines = plan.residual.map { "filter \($0.origin.text) ⇒ \($0.meaning)" }
        if let source = plan.local {
            let zone = plan.timeZone
            if let since = source.since { lines.append("filter \(since.origin.text) ⇒ time >= \(ValueText.iso8601(since.instant, in: zone))") }
            if let until = source.until { lines.append("filter \(until.origin.text) ⇒ time < \(ValueText.iso8601(until.instant, in: zone))") }
        }
        return lines.isEmpty ? ["no filter"] : lines
    }

    static func sideBySide(_ input: String, context: SessionContext) -> [String] {
        let v1 = V1Backend(baseURL: URL(string: "http://127.0.0.1:1")!, apiKey: "k", credentials: nil, convention: context.convention)
        let v2 = V2Backend(baseURL: URL(string: "http://127.0.0.1:1")!, credentials: V2Credentials(clientID: "id"))
        let file = LocalBackend(path: "saved.json", convention: context.convention)
        return lines(input, context: context, backend: v1, render: PlannerGoldenTests.render).map { "v1    " + $0 }
            + lines(input, context: context, backend: v2, render: V2PlannerGoldenTests.render).map { "v2    " + $0 }
            + lines(input, context: context, backend: file, render: local).map { "file  " + $0 }
    }

    @Test func eachQualifierOnEachBackend() throws {
        let golden = try GoldenFile(named: "qualifiers.golden")
        #expect(golden.cases.count >= 30)
        let actual = golden.cases.map { Self.sideBySide($0.input, context: $0.context) }
        let failures = try golden.verify(actual)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
    }
}
