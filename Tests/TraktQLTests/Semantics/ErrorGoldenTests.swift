import Foundation
import Testing
@testable import TraktQL

/// Invalid statements → diagnostics, pinned in Golden/errors.golden.
@Suite struct ErrorGoldenTests {
    @Test func errorsMatchTheGoldenFile() throws {
        let golden = try GoldenFile(named: "errors.golden")
        #expect(golden.cases.count >= 30)
        let actual = golden.cases.map { Self.diagnose($0.input, context: $0.context) }
        let failures = try golden.verify(actual)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
        // Every case must be an error.
        #expect(actual.allSatisfy { $0 != ["no error"] }, "a case in errors.golden is accepted")
    }

    static func diagnose(_ input: String, context: SessionContext) -> [String] {
        let script: Script
        do {
            script = try QueryCompiler.parse(input)
        } catch {
            if case .query(let diagnostics, _) = error { return diagnostics.map(\.description) }
            return ["\(error)"]
        }
        var diagnostics: [Diagnostic] = []
        for statement in script.statements {
            switch statement.kind {
            case .query(let q), .explain(let q):
                var checker = Checker(context: context)
                diagnostics += checker.check(q).diagnostics
            default:
                break
            }
        }
        return diagnostics.isEmpty ? ["no error"] : diagnostics.map(\.description)
    }
}
