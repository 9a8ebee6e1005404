import Foundation
import Testing
@testable import TraktQL

/// Each backend's planner refuses what it cannot answer with a diagnostic over the statement's
/// own text (issue 24: no `source: ""` for a caller to fill in), and a plan keeps that text for
/// errors found while it runs.
@Suite struct PlannerSourceTests {
    static let context = SessionContext(timeZone: TimeZone(identifier: "UTC")!, now: Date(timeIntervalSince1970: 1_732_449_600))
    static let url = URL(string: "http://127.0.0.1:1")!

    static func checked(_ text: String) throws -> CheckedQuery {
        guard case .query(let query) = try QueryCompiler.parse(text).statements[0].kind else { throw TraktQLError.usage("not a query") }
        var checker = Checker(context: context)
        return try #require(checker.check(query).query)
    }

    /// The refusal of `backend` for `text`, with the text it points into.
    static func refusal(_ text: String, by backend: some Backend) throws -> (message: String, source: String)? {
        let query = try checked(text)
        do throws(TraktQLError) {
            _ = try backend.plan(query, source: text)
            return nil
        } catch {
            guard case .query(let diagnostics, let source) = error else { return nil }
            return (diagnostics.first?.message ?? "", source)
        }
    }

    @Test func eachBackendsRefusalPointsIntoTheStatement() throws {
        let cases: [(String, any Backend)] = [
            ("activity user:me", V1Backend(baseURL: Self.url, apiKey: "k")),
            ("activity scope:friends", V2Backend(baseURL: Self.url, credentials: V2Credentials(clientID: "id"))),
            ("activity action:seen", V2Backend(baseURL: Self.url, credentials: V2Credentials(clientID: "id"))),
            ("activity scope:friends", LocalBackend(path: "saved.json")),
        ]
        for (text, backend) in cases {
            let refusal = try #require(try Self.refusal(text, by: backend), "\(text) on \(type(of: backend))")
            #expect(refusal.source == text, "\(text) on \(type(of: backend)): \(refusal.message)")
        }
    }

    /// `user:me` over a file that names no account is found while the plan runs: the error
    /// points at the qualifier in the plan's own text.
    @Test func anErrorFoundWhileRunningPointsIntoThePlansText() throws {
        let text = "activity user:me | count"
        let plan = try LocalBackend(path: "saved.json").plan(try Self.checked(text), source: text)
        #expect(plan.source == text)
        do throws(TraktQLError) {
            _ = try LocalExecutor.bindingUsers(in: plan, fileUser: nil, items: nil, schema: V1ItemSchema(convention: .pacific), name: "saved.json")
            Issue.record("user:me over a file without an account must be refused")
        } catch {
            guard case .query(let diagnostics, let source) = error else { Issue.record("\(error)"); return }
            #expect(source == text)
            #expect(diagnostics.first?.message.contains("'me'") == true)
        }
    }
}
