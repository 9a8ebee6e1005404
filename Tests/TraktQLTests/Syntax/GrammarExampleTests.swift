import Foundation
import Testing
@testable import TraktQL

/// Keeps the grammar, the examples and the parser from drifting apart.
@Suite struct GrammarExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The text of every `(* example: … *)` comment in Grammar/traktql.ebnf.
    static func grammarExamples() throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent("Grammar/traktql.ebnf"), encoding: .utf8)
        var examples: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "(* example:") {
            guard let end = rest[start.upperBound...].range(of: "*)") else { break }
            examples.append(rest[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines))
            rest = rest[end.upperBound...]
        }
        return examples
    }

    @Test func everyGrammarExampleParses() throws {
        let examples = try Self.grammarExamples()
        #expect(examples.count >= 25)
        for example in examples {
            let (script, diagnostics) = Parser.parse(example)
            #expect(diagnostics.isEmpty, "\(example)\n\(DiagnosticRenderer().render(diagnostics, source: example))")
            #expect(script.statements.count == 1, "\(example)")
        }
    }

    @Test func everyExampleScriptParses() throws {
        let folder = Self.root.appendingPathComponent("Examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tql") }
        #expect(files.count >= 10, "Examples/ holds \(files.count) scripts")  // a moved folder must fail, not pass empty
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let (_, diagnostics) = Parser.parse(text)
            #expect(diagnostics.isEmpty, "\(file)\n\(DiagnosticRenderer(fileName: file).render(diagnostics, source: text))")
        }
    }

    /// Printing a parsed statement and parsing it again gives the same tree (spans aside).
    @Test func printedExamplesReparseToTheSameTree() throws {
        for example in try Self.grammarExamples() {
            let (first, _) = Parser.parse(example)
            guard let statement = first.statements.first else { continue }
            let printed = Printer.print(statement)
            let (second, diagnostics) = Parser.parse(printed)
            #expect(diagnostics.isEmpty, "\(printed)")
            #expect(second.statements.first.map(Printer.print) == printed, "\(example) → \(printed)")
        }
    }
}
