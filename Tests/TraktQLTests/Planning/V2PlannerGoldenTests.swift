import Foundation
import Testing
@testable import TraktQL

/// Query → v2 calls, pinned in Golden/plans-v2.golden: every mapping of the v2 planner (history,
/// ratings, watchlist, collection, comments, lists, watching, `me`, fan-out, slugs, the
/// show/movie routes without `user:`, residual time bounds, `extended=full`) and its refusals.
@Suite struct V2PlannerGoldenTests {
    static func render(_ plan: Plan) -> [String] {
        guard let v2 = plan.backendPlan as? V2Plan else { return ["not a v2 plan"] }
        var lines: [String] = []
        for lookup in v2.lookups { lines.append("lookup GET \(lookup.path) ← \(lookup.from)") }
        for call in v2.calls {
            var line = "GET " + call.shownPath + call.queryString(page: 1, limit: v2.pageLimit)
            if call.needsToken { line += "  [bearer]" }
            if call.localSince != nil || call.localUntil != nil { line += "  [time checked locally]" }
            lines.append(line)
        }
        for note in plan.negationNotes { lines.append("negation \(note)") }
        for filter in plan.residual { lines.append("residual \(filter.origin.text) ⇒ \(filter.meaning(ratingField: "rating"))") }
        for note in v2.notes { lines.append("residual " + note) }
        if let reason = v2.extendedReason { lines.append("extended \(reason)") }
        switch plan.fetch {
        case .onePage: break
        case .rows(let n): lines.append("fetch rows \(n)")
        case .all: lines.append("fetch all")
        }
        return lines
    }

    static func plan(_ input: String, context: SessionContext) -> [String] {
        do {
            return render(try QueryCompiler.plan(input, context: context, backend: V2Backend(baseURL: URL(string: "http://127.0.0.1:1")!,
                                                                                             credentials: V2Credentials(clientID: "id"))))
        } catch {
            if case .query(let diagnostics, _) = error { return diagnostics.map { "error: " + $0.description } }
            return ["error: \(error)"]
        }
    }

    @Test func plansMatchTheGoldenFile() throws {
        let golden = try GoldenFile(named: "plans-v2.golden")
        #expect(golden.cases.count >= 30)
        let actual = golden.cases.map { Self.plan($0.input, context: $0.context) }
        let failures = try golden.verify(actual)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
    }

    @Test func explainShowsEachCallWithRedactedHeadersAndOrigins() throws {
        let context = SessionContext(timeZone: TimeZone(identifier: "UTC")!, convention: .pacific,
                                     now: ISO8601DateFormatter().date(from: "2024-11-24T12:00:00Z")!)
        let backend = V2Backend(baseURL: URL(string: "https://api.trakt.tv")!, credentials: V2Credentials(clientID: "secret-client-id", bearer: StaticBearerToken("tok-123456789")))
        let plan = try QueryCompiler.plan("activity user:me show:the-walking-dead since:7d action:seen", context: context, backend: backend)
        let text = plan.explanation(baseURL: backend.baseURL)
        #expect(text.contains("lookup: GET https://api.trakt.tv/shows/the-walking-dead"))
        #expect(text.contains("call 1: GET https://api.trakt.tv/sync/history/shows/{trakt id of the-walking-dead}?start_at=2024-11-17T12:00:00.000Z&page=1&limit=250"))
        #expect(text.contains("trakt-api-key: <client id>, Authorization: Bearer <token>"))
        #expect(text.contains("start_at") && text.contains("← since:7d"))
        #expect(!text.contains("secret-client-id") && !text.contains("tok-123456789"))
        let json = ValueText.json(plan.explanationValue(baseURL: backend.baseURL), zone: TimeZone(identifier: "UTC")!)
        #expect(json.contains("\"api\":\"v2\"") && !json.contains("tok-123456789"))
    }
}
