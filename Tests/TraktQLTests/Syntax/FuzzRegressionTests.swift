import Testing
@testable import TraktQL

/// Inputs the fuzzer found, kept so the fixes stay fixed. Each must parse (or fail) without
/// trapping, and a parsed statement must print back to text that parses to the same statement.
@Suite struct FuzzRegressionTests {
    static let inputs: [String] = [
        // Control characters inside a quoted qualifier value: the printer escapes them as \u{…},
        // which the qualifier parser did not read back (it now shares the lexer's escapes).
        "activity user:\"jus\u{01}\u{00}\u{00}5tin\" since:2024-01-01T20:00:00-0&:00\u{1B}unt\u{11}",
        // A '|' inside a meta-command's arguments became a pipe token and an argument.
        ".ahp +filiahp +fili|kin\"|kin\"",
        "let x = a|b",
        // A meta-command argument holding ';' printed bare, which then ended the statement.
        ".re\" and (agotin == \"s\u{0}\u{0}eenad Examples\u{F}weekl= \"seenww;ww\"s\u{0}eenad",
        "activity show:\"a\\u{1F600}b\" | where title == \"\\u{7}\"",
    ]

    /// A decimal too large for Int64 (or very small) printed in exponent form (`2.5e+19`), which
    /// the lexer does not read: the printer now writes plain digits.
    @Test(arguments: [
        ("activity | where teP > 25000000001000000001", "25000000001000000000.0"),
        ("activity | where rating > 0.0000001", "0.0000001"),
        ("activity | where rating > 123456789012345678.5", "123456789012345680.0"),
        ("activity | where rating < 1000000000000000.25", "1000000000000000.2"),
    ])
    func numbersOutsideInt64PrintAsPlainDecimals(input: String, printedNumber: String) throws {
        let (script, diagnostics) = Parser.parse(input)
        #expect(diagnostics.isEmpty)
        let statement = try #require(script.statements.first)
        let printed = Printer.print(statement)
        #expect(printed.hasSuffix(printedNumber), "\(printed)")
        let (again, againDiagnostics) = Parser.parse(printed)
        #expect(againDiagnostics.isEmpty, "\(printed)")
        #expect(again.statements.map(Printer.print) == [printed])
    }

    @Test(arguments: FuzzRegressionTests.inputs)
    func printedStatementsParseBackToTheSameText(_ input: String) {
        // Every statement that parsed round-trips, also when another statement of the input
        // did not (an input with an error keeps the statements around it).
        let (script, diagnostics) = Parser.parse(input)
        #expect(!script.statements.isEmpty || !diagnostics.isEmpty, "nothing parsed and nothing reported")
        for statement in script.statements {
            let printed = Printer.print(statement)
            let (again, againDiagnostics) = Parser.parse(printed)
            #expect(againDiagnostics.isEmpty, "\(printed)")
            #expect(again.statements.map(Printer.print) == [printed])
        }
    }

    @Test func badEscapesInQuotedValuesAreErrorsWithPositions() {
        let (_, diagnostics) = Parser.parse(#"activity | where title == "a\qb""#)
        #expect(diagnostics.first?.message == "unknown escape '\\q'")
        #expect(diagnostics.first?.span.start.column == 29)
        let (_, qualifier) = Parser.parse(#"activity show:"a\qb""#)
        #expect(qualifier.first?.message == "unknown escape '\\q'")
    }
}
