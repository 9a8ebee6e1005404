import Foundation
import Testing
@testable import TraktQL

/// Hostile sizes end in a clear error, quickly — not a crash, a hang or a stack overflow.
@Suite struct ResourceBoundsTests {
    private func check(_ source: String) -> [Diagnostic] {
        let (script, diagnostics) = Parser.parse(source)
        if !diagnostics.isEmpty { return diagnostics }
        var all: [Diagnostic] = []
        for statement in script.statements {
            if case .query(let q) = statement.kind {
                var checker = Checker(context: SessionContext())
                all += checker.check(q).diagnostics
            }
        }
        return all
    }

    @Test func aVeryLongLineIsHandledAndItsErrorsSummarised() {
        let long = "activity " + String(repeating: "show:a ", count: 50_000)
        let started = Date()
        let diagnostics = check(long)
        #expect(diagnostics.count == 49_999)  // every repeat is "given twice"
        let text = DiagnosticRenderer().render(diagnostics, source: long)
        #expect(text.contains("… and 49979 more errors"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count < 200 })  // the source line is shown cut around the caret
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func inputOverOneMebibyteIsRefused() {
        let huge = "activity " + String(repeating: "x", count: Lexer.maximumSourceBytes)
        #expect(check(huge).first?.message.contains("input is too large") == true)
    }

    @Test func hugeListsAreRefused() {
        let list = (1...1000).map(String.init).joined(separator: ",")
        let diagnostics = check("activity show:lost season:\(list)")
        #expect(diagnostics.first?.message.contains("too long (limit 500)") == true)
    }

    @Test func hugeNumbersAreOutOfRangeNotOverflow() {
        #expect(check("activity show:lost season:99999999999999999999999").first?.message == "season 99999999999999999999999 is out of range")
        #expect(check("activity show:lost season:10001").first?.message.contains("out of range") == true)
        #expect(!check("activity | limit 99999999999999999999999").isEmpty)
        #expect(!check("activity | where rating_advanced > 1e400").isEmpty)
        #expect(!check("activity since:999999999999d").isEmpty)
        #expect(check("activity | where rating_advanced > 99999999999999999999999").isEmpty)  // a double, compared as such
    }

    @Test func nulAndControlCharactersInQueryTextAreErrorsNotTraps() {
        #expect(!check("activity show:lo\u{0}st").isEmpty)
        #expect(!check("activity | where title == \u{0}").isEmpty)
        let diagnostics = check("\u{0}\u{1B}[2J activity")
        #expect(!diagnostics.isEmpty)
        #expect(DiagnosticRenderer().render(diagnostics, source: "\u{0}\u{1B}[2J activity").contains("\u{1B}") == false)
    }
}

@Suite struct DiagnosticSafetyTests {
    /// Query text is echoed in error messages: bidi overrides and controls in it are escaped.
    @Test func sourceLinesAreEchoedWithoutTerminalControls() {
        let source = "activity user:\u{202E}nitsuj sesaon:1 \u{1B}]52;c;eA==\u{07}"
        let (_, diagnostics) = Parser.parse(source)
        var all = diagnostics
        if all.isEmpty, case .query(let q)? = Parser.parse(source).script.statements.first?.kind {
            var checker = Checker(context: SessionContext())
            all = checker.check(q).diagnostics
        }
        let text = DiagnosticRenderer().render(all, source: source)
        #expect(!all.isEmpty)
        #expect(!text.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x1B || $0.value == 0x07 })
        #expect(text.contains("\\u{202e}"))
    }
}
