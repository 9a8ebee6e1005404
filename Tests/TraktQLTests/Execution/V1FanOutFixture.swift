import Foundation
import TraktEmulatorServer
@testable import TraktQL
import TraktQLCurl

/// A v1 fan-out (one call per user) over the emulator, planned and ready to run through
/// ``CallMerge`` or ``CallSequence`` directly, so that a test can watch what they hold.
struct V1FanOutFixture {
    let plan: Plan
    let schema: any ItemSchema
    private let calls: [PlannedCall]
    private let executor: Executor
    private let baseURL: URL

    /// `query` names the users (`activity user:a,b …`); the cache is off, so every page is fetched.
    init(_ query: String, server: EmulatorServer) throws {
        let backend = V1Backend(baseURL: server.baseURL, apiKey: "test-key")
        let context = SessionContext(timeZone: TimeZone(identifier: "UTC")!, convention: .pacific, now: TestServer.now)
        plan = try QueryCompiler.plan(query, context: context, backend: backend)
        schema = backend.schema
        calls = (plan.backendPlan as? V1Plan)?.calls ?? []
        let configuration = EngineConfiguration(apiURL: server.baseURL, requestTimeout: 10)
        let session = ExecutionSession(transport: CurlTransport.retrying(for: configuration), cache: ResponseCache(), cacheTTL: 0,
                                       maxPages: 1000, limiter: ConcurrencyLimiter(), now: TestServer.now, wholeItems: false)
        executor = Executor(session: session, schema: backend.schema, redact: { $0 })
        baseURL = server.baseURL
    }

    var callCount: Int { calls.count }

    /// A sink for the plan's stages.
    func sink() -> ItemSink { ItemSink(plan: plan, schema: schema, now: TestServer.now) }

    /// The calls, each from its first page.
    func pages() -> [CallPages] {
        let context = CallPages.Context(executor: executor, plan: plan, runner: sink().runner,
                                        projection: Projection.forPlan(plan, schema: schema, wholeItems: false, alsoKeeping: schema.identityMembers))
        return calls.map { CallPages(pager: V1CallPager($0, base: baseURL, apiKey: "test-key", credentials: nil, convention: .pacific), context: context) }
    }
}
