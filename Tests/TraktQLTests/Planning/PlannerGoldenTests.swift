import Foundation
import Testing
@testable import TraktQL

/// Query → HTTP calls, pinned in Golden/plans.golden.
@Suite struct PlannerGoldenTests {
    static func render(_ plan: Plan) -> [String] {
        var lines = plan.v1!.calls.map { "GET " + $0.redactedPath }
        for note in plan.negationNotes { lines.append("negation \(note)") }
        for filter in plan.residual { lines.append("residual \(filter.origin.text) ⇒ \(filter.meaning)") }
        switch plan.fetch {
        case .onePage: break
        case .rows(let n): lines.append("fetch rows \(n)")
        case .all: lines.append("fetch all")
        }
        return lines
    }

    @Test func plansMatchTheGoldenFile() throws {
        let golden = try GoldenFile(named: "plans.golden")
        #expect(golden.cases.count >= 40)
        var actual: [[String]] = []
        for c in golden.cases {
            do {
                actual.append(Self.render(try QueryCompiler.plan(c.input, context: c.context)))
            } catch {
                actual.append(["unexpected error: \(error)"])
            }
        }
        let failures = try golden.verify(actual)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
    }
}
