import Testing
@testable import TraktQL

@Suite struct LexerTests {
    private func kinds(_ source: String) -> [Token.Kind] {
        var lexer = Lexer(source)
        return lexer.tokenize().map(\.kind)
    }

    @Test func qualifierWordsKeepColonsCommasAndQuotes() {
        var lexer = Lexer(#"activity show:"the walking dead",lost since:2024-01-01T20:00-05:00"#)
        let tokens = lexer.tokenize()
        #expect(tokens.map(\.kind) == [.identifier, .qualifier, .qualifier, .endOfInput])
        #expect(tokens[1].text == #"show:"the walking dead",lost"#)
        #expect(tokens[2].text == "since:2024-01-01T20:00-05:00")
        #expect(lexer.diagnostics.isEmpty)
    }

    @Test func spansCountCharactersNotBytes() {
        var lexer = Lexer("activity user:josé since:7d")
        let tokens = lexer.tokenize()
        #expect(tokens[2].span.start.column == 20)
        #expect(tokens[2].span.start.offset == 20)  // é is two bytes
        #expect(tokens[1].span.end.column == 19)
    }

    @Test func pipeLinesContinueTheStatement() {
        let source = "activity show:lost\n  # a comment\n  | limit 5\nactivity"
        #expect(kinds(source) == [.identifier, .qualifier, .pipe, .identifier, .number, .statementEnd, .identifier, .endOfInput])
    }

    @Test func aTrailingPipeContinuesTheStatement() {
        let source = "activity show:lost |\n  # a comment\n  limit 5\nactivity"
        #expect(kinds(source) == [.identifier, .qualifier, .pipe, .identifier, .number, .statementEnd, .identifier, .endOfInput])
    }

    @Test func newlinesInsideParenthesesAreSpace() {
        #expect(kinds("activity | where (a == 1\n or b == 2)\nactivity").contains(.statementEnd))
        #expect(kinds("activity | where (a == 1\n or b == 2)").filter { $0 == .statementEnd }.isEmpty)
    }

    @Test func expressionOperators() {
        #expect(kinds("activity | where a == 1 and b != 2 or c ~ \"x\" or d =~ \"y\" or e !~ \"z\" or f <= 3")
                .filter { [.equal, .notEqual, .tilde, .match, .notMatch, .lessEqual].contains($0) }.count == 6)
    }

    @Test func assignmentSwitchesToRawWords() {
        var lexer = Lexer("set tz = America/New_York")
        let tokens = lexer.tokenize()
        #expect(tokens.map(\.kind) == [.identifier, .identifier, .assign, .rawWord, .endOfInput])
        #expect(tokens[3].text == "America/New_York")
    }

    @Test func unterminatedStringIsReportedOnce() {
        var lexer = Lexer("activity | where a == \"open")
        _ = lexer.tokenize()
        #expect(lexer.diagnostics.count == 1)
        #expect(lexer.diagnostics.first?.message == "unterminated string")
    }

    @Test func controlCharactersAreEscapedInMessages() {
        var lexer = Lexer("activity | where \u{1B}[31m")
        _ = lexer.tokenize()
        #expect(lexer.diagnostics.first?.message.contains("\\u{1b}") == true)
        #expect(lexer.diagnostics.allSatisfy { !$0.message.contains("\u{1B}") })
    }
}
