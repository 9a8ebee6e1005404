import Foundation
@testable import TraktQL

/// A golden file: `>` lines are inputs, the lines after each are its expected output, and
/// `@` lines set the session for the cases after them. With `GOLDEN_RECORD=1` the file is
/// rewritten from the actual output (review the diff before committing).
struct GoldenFile {
    struct Case {
        var input: String
        var expected: [String]
        var context: SessionContext
    }

    let url: URL
    private(set) var cases: [Case] = []
    /// The file's lines with each case's expected block removed, for rewriting.
    private var skeleton: [(line: String, caseIndex: Int?)] = []

    init(named name: String, file: String = #filePath) throws {
        url = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden").appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        var context = SessionContext(timeZone: TimeZone(identifier: "UTC")!, convention: .pacific, now: Date(timeIntervalSince1970: 0))
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("> ") {
                cases.append(Case(input: String(line.dropFirst(2)), expected: [], context: context))
                skeleton.append((line, cases.count - 1))
            } else if line.hasPrefix("@") {
                Self.apply(directive: line, to: &context)
                skeleton.append((line, nil))
            } else if line.hasPrefix("  "), !cases.isEmpty, skeleton.last?.caseIndex != nil || cases.last!.expected.count > 0 {
                cases[cases.count - 1].expected.append(String(line.dropFirst(2)))
            } else {
                skeleton.append((line, nil))
            }
        }
    }

    private static func apply(directive: String, to context: inout SessionContext) {
        let parts = directive.dropFirst().split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return }
        switch parts[0] {
        case "now": context.now = ISO8601DateFormatter().date(from: parts[1])!
        case "tz": context.timeZone = TimeZone(identifier: parts[1])!
        case "convention": context.convention = TimestampConvention(rawValue: parts[1])!
        case "let":
            let (script, _) = Parser.parse("let " + parts[1])
            if case .let(let name, let value) = script.statements[0].kind { context.variables[name.name] = value }
        case "result":
            // `@result NAME KIND a,b,c`: a variable holding a query's answer (text or integer values).
            let fields = parts[1].split(separator: " ").map(String.init)
            let kind = FieldCatalog.Kind(rawValue: fields[1])!
            let values: [Value] = fields[2].split(separator: ",").map { kind == .integer ? .int(Int64($0)!) : .string(String($0)) }
            context.results[fields[0]] = VariableResult(values: values, kind: kind, column: "x", query: "activity … (a golden file's @result)", explanation: "")
        default: fatalError("unknown directive \(directive)")
        }
    }

    static var recording: Bool { ProcessInfo.processInfo.environment["GOLDEN_RECORD"] == "1" }

    /// Compares (or records) `actual` outputs, one per case; returns the mismatch report.
    func verify(_ actual: [[String]]) throws -> [String] {
        if Self.recording {
            var out: [String] = []
            for (line, index) in skeleton {
                out.append(line)
                if let index { out += actual[index].map { "  " + $0 } }
            }
            try out.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
            return []
        }
        var failures: [String] = []
        for (i, c) in cases.enumerated() where c.expected != actual[i] {
            failures.append("> \(c.input)\n--- expected\n" + c.expected.joined(separator: "\n") + "\n+++ actual\n" + actual[i].joined(separator: "\n"))
        }
        return failures
    }
}
