import Testing
@testable import TraktQL

@Suite struct ParserTests {
    private func query(_ source: String) throws -> Query {
        let script = try QueryCompiler.parse(source)
        guard case .query(let q) = script.statements.first?.kind else {
            Issue.record("not a query: \(source)")
            throw TraktQLError.usage("not a query")
        }
        return q
    }

    @Test func qualifierValuesSplitIntoTerms() throws {
        let q = try query("activity season:1,3..5,>=8 -user:justin min rating:..7")
        #expect(q.qualifiers.count == 4)
        let season = q.qualifiers[0].value!
        #expect(season.terms.count == 3)
        guard case .range(let lo, let hi) = season.terms[1].kind else { Issue.record("not a range"); return }
        #expect(lo?.text == "3" && hi?.text == "5")
        guard case .comparison(.greaterEqual, let s) = season.terms[2].kind else { Issue.record("not >="); return }
        #expect(s.text == "8")
        #expect(q.qualifiers[1].negated)
        #expect(q.qualifiers[2].value == nil)
        // Spans point into the source.
        #expect(season.terms[1].span.start.column == 19)
        #expect(season.terms[1].span.end.column == 23)
    }

    @Test func expressionPrecedence() throws {
        let q = try query("activity | where a == 1 or b == 2 and not c ~ \"x\"")
        guard case .where(let e) = q.stages[0].kind, case .binary(.or, _, let right) = e.kind,
              case .binary(.and, _, let notPart) = right.kind, case .not(let inner) = notPart.kind,
              case .binary(.contains, _, _) = inner.kind
        else {
            Issue.record("wrong tree")
            return
        }
    }

    @Test func stagesParse() throws {
        let q = try query("activity | select time as t, show.title | sort t desc, show.title | limit all | count by t | distinct t | flatten episodes")
        #expect(q.stages.count == 6)
        guard case .select(let items) = q.stages[0].kind else { Issue.record("not select"); return }
        #expect(items[0].columnName == "t" && items[1].columnName == "show.title")
        guard case .limit(nil) = q.stages[2].kind else { Issue.record("not limit all"); return }
    }

    @Test func severalErrorsAreReportedInOnePass() {
        let (_, diagnostics) = Parser.parse("activity | sortt x\nfoo bar\nactivity | limit x")
        #expect(diagnostics.count == 3)
        #expect(diagnostics.map(\.span.start.line) == [1, 2, 3])
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = "activity | where " + String(repeating: "(", count: 10_000) + "a" + String(repeating: ")", count: 10_000)
        let (_, diagnostics) = Parser.parse(deep)
        #expect(diagnostics.contains { $0.message.contains("nested too deeply") })
        let deepLists = "activity | where a in " + String(repeating: "[", count: 10_000)
        #expect(!Parser.parse(deepLists).diagnostics.isEmpty)
        let deepNot = "activity | where " + String(repeating: "not ", count: 10_000) + "a"
        #expect(Parser.parse(deepNot).diagnostics.contains { $0.message.contains("nested too deeply") })
    }

    @Test func scriptWithSemicolonsAndComments() throws {
        let script = try QueryCompiler.parse("let x = 1; set tz = UTC # zone\n.help stages\n\nexplain activity")
        #expect(script.statements.count == 4)
    }
}
