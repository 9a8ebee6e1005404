import Foundation
import Testing
@testable import TraktQL

/// Each pager brings its paging rule (issue 24): how many new items a full page adds bounds how
/// far an explicit `limit N` may page past `max_pages`. v1 pages by `end_ts` and consecutive
/// pages share their boundary second (99 new of 100); v2 pages by number (250 of 250).
@Suite struct PagingRuleTests {
    static let context = SessionContext(timeZone: TimeZone(identifier: "UTC")!, now: Date(timeIntervalSince1970: 1_732_449_600))
    static let url = URL(string: "http://127.0.0.1:1")!

    @Test func eachPagerSaysWhatAFullPageAdds() throws {
        let v1 = try QueryCompiler.plan("activity user:justin | limit 50000", context: Self.context, backend: V1Backend(baseURL: Self.url, apiKey: "k"))
        let v1Pager = V1CallPager(try #require(v1.v1).calls[0], base: Self.url, apiKey: "k", credentials: nil, convention: .pacific)
        #expect(v1Pager.newItemsPerFullPage == 99)
        let v2 = try QueryCompiler.plan("activity user:justin action:seen | limit 50000", context: Self.context,
                                        backend: V2Backend(baseURL: Self.url, credentials: V2Credentials(clientID: "id")))
        let plan = try #require(v2.v2)
        let v2Pager = V2CallPager(plan.calls[0], path: "/users/justin/history", base: "http://127.0.0.1:1", auth: V2Auth(clientID: "id", token: nil),
                                  pageLimit: plan.pageLimit, context: .init())
        #expect(v2Pager.newItemsPerFullPage == 250)
    }

    @Test func anExplicitLimitPagesAsFarAsItsRowsNeedByThePagersRule() {
        // Up to max_pages, whatever the rule.
        #expect(Executor.pageBudget(for: .rows(5_000), maxPages: 100, newItemsPerFullPage: 99) == 100)
        #expect(Executor.pageBudget(for: .all, maxPages: 100, newItemsPerFullPage: 250) == 100)
        // Past it: 50,000 rows are 507 v1 pages, but 202 v2 pages (not v1's 507).
        #expect(Executor.pageBudget(for: .rows(50_000), maxPages: 100, newItemsPerFullPage: 99) == 507)
        #expect(Executor.pageBudget(for: .rows(50_000), maxPages: 100, newItemsPerFullPage: 250) == 202)
    }
}
