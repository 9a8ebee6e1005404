import Foundation
import Testing
@testable import TraktQL

/// Replays scripted outcomes, one per call (the last one repeats), and counts the calls.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    enum Step { case respond(Int, [String: String] = [:], String = ""), fail(TransportError) }
    private let lock = NSLock()
    private let steps: [Step]
    private var index = 0

    init(_ steps: [Step]) { self.steps = steps }

    var calls: Int { lock.withLock { index } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let step: Step = lock.withLock {
            defer { index += 1 }
            return steps[min(index, steps.count - 1)]
        }
        switch step {
        case let .respond(status, headers, body): return HTTPResponse(status: status, headers: headers, body: Data(body.utf8))
        case let .fail(error): throw error
        }
    }
}

@Suite("RetryingTransport")
struct RetryingTransportTests {
    let request = HTTPRequest(url: URL(string: "http://api.test/activity/user.json/SECRETKEY42/justin")!)

    func makeRetrying(_ base: ScriptedTransport, _ sleeps: SleepRecorder, policy: RetryPolicy = .default, random: Double = 0.5) -> RetryingTransport {
        RetryingTransport(base: base, policy: policy, sleep: { await sleeps.record($0) }, random: { random })
    }

    @Test func retriesServiceUnavailableThenSucceeds() async throws {
        let base = ScriptedTransport([.respond(503), .respond(503), .respond(200, [:], "[]")])
        let sleeps = SleepRecorder()
        let response = try await makeRetrying(base, sleeps, random: 0).send(request)
        #expect(response.status == 200)
        #expect(base.calls == 3)
        // Equal jitter with random 0: half the exponential backoff (0.5 s, 1 s).
        #expect(await sleeps.delays == [0.25, 0.5])
    }

    @Test func backoffGrowsAndIsCapped() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: 1, maxDelay: 5)
        #expect(policy.delay(beforeRetry: 1, retryAfter: nil, unit: 1) == 1)
        #expect(policy.delay(beforeRetry: 2, retryAfter: nil, unit: 1) == 2)
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, unit: 1) == 4)
        #expect(policy.delay(beforeRetry: 4, retryAfter: nil, unit: 1) == 5)
        #expect(policy.delay(beforeRetry: 40, retryAfter: nil, unit: 0) == 2.5)
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, unit: 0.5) == 3)
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, unit: .nan) == 3)
        #expect(policy.delay(beforeRetry: 1, retryAfter: 12, unit: 1) == 12)
        #expect(policy.delay(beforeRetry: 1, retryAfter: 1e9, unit: 1) == 30)
    }

    /// A `Retry-After` within the cap is waited; a longer one is not cut short and retried
    /// early (it would meet the same 429): the answer goes up, to be reported with its wait.
    @Test func honoursRetryAfterAndGivesUpPastTheCap() async throws {
        let base = ScriptedTransport([.respond(429, ["Retry-After": "3"]), .respond(429, ["Retry-After": "120"]), .respond(200)])
        let sleeps = SleepRecorder()
        let response = try await makeRetrying(base, sleeps).send(request)
        #expect(response.status == 429)
        #expect(response.retryAfter == 120)
        #expect(await sleeps.delays == [3])
    }

    /// No wait outlasts the request's deadline (the statement's time budget): the last answer,
    /// or the last error, goes up at once.
    @Test func noWaitOutlastsTheDeadline() async throws {
        var bounded = request
        bounded.deadline = Date().addingTimeInterval(2)
        let sleeps = SleepRecorder()
        let response = try await makeRetrying(ScriptedTransport([.respond(503, ["Retry-After": "5"]), .respond(200)]), sleeps).send(bounded)
        #expect(response.status == 503)
        #expect(await sleeps.delays.isEmpty)
        let quick = try await makeRetrying(ScriptedTransport([.respond(503, ["Retry-After": "1"]), .respond(200)]), sleeps).send(bounded)
        #expect(quick.status == 200)
        #expect(await sleeps.delays == [1])
    }

    @Test func ignoresUnreadableRetryAfter() async throws {
        let base = ScriptedTransport([.respond(503, ["Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"]), .respond(200)])
        let sleeps = SleepRecorder()
        _ = try await makeRetrying(base, sleeps, random: 1).send(request)
        #expect(await sleeps.delays == [0.5])
    }

    @Test func givesUpAfterMaxAttemptsWithTheLastResponse() async throws {
        let base = ScriptedTransport([.respond(503, [:], #"{"status":"failure","error":"server is over capacity"}"#)])
        let sleeps = SleepRecorder()
        let retrying = makeRetrying(base, sleeps)
        let response = try await retrying.send(request)
        #expect(response.status == 503)
        #expect(base.calls == 4)
        #expect(await sleeps.delays.count == 3)
        #expect(response.failureMessage == "server is over capacity")
        await #expect(throws: TransportError.http(status: 503, apiMessage: "server is over capacity", url: "http://api.test/activity/user.json/<key>/justin")) {
            _ = try await retrying.fetch(request)
        }
    }

    @Test func attemptsAreConfigurable() async throws {
        let base = ScriptedTransport([.respond(503)])
        let sleeps = SleepRecorder()
        _ = try await makeRetrying(base, sleeps, policy: RetryPolicy(maxAttempts: 2)).send(request)
        #expect(base.calls == 2)
        let once = ScriptedTransport([.respond(503)])
        _ = try await makeRetrying(once, sleeps, policy: RetryPolicy(maxAttempts: 0)).send(request)
        #expect(once.calls == 1)
    }

    @Test(arguments: [400, 401, 403, 404, 500])
    func otherStatusesAreNotRetried(status: Int) async throws {
        let base = ScriptedTransport([.respond(status, [:], #"{"status":"failure","error":"nope"}"#), .respond(200)])
        let sleeps = SleepRecorder()
        let response = try await makeRetrying(base, sleeps).send(request)
        #expect(response.status == status)
        #expect(base.calls == 1)
        #expect(await sleeps.delays.isEmpty)
    }

    @Test func retriesNetworkErrorsAndTimeouts() async throws {
        let base = ScriptedTransport([
            .fail(.network("connection lost")), .fail(.timeout(url: "u", seconds: 1)), .respond(200, [:], "[]"),
        ])
        let sleeps = SleepRecorder()
        let response = try await makeRetrying(base, sleeps).send(request)
        #expect(response.status == 200)
        #expect(base.calls == 3)
    }

    @Test func rethrowsTheLastNetworkError() async throws {
        let base = ScriptedTransport([.fail(.timeout(url: "u", seconds: 1))])
        let sleeps = SleepRecorder()
        await #expect(throws: TransportError.timeout(url: "u", seconds: 1)) {
            _ = try await makeRetrying(base, sleeps).send(request)
        }
        #expect(base.calls == 4)
    }

    @Test func malformedBodyIsNotRetried() async throws {
        let base = ScriptedTransport([.fail(.malformedBody("x"))])
        let sleeps = SleepRecorder()
        await #expect(throws: TransportError.malformedBody("x")) { _ = try await makeRetrying(base, sleeps).send(request) }
        #expect(base.calls == 1)
    }

    @Test func cancellationDuringBackoffStops() async throws {
        let base = ScriptedTransport([.respond(503)])
        let retrying = RetryingTransport(base: base, sleep: { _ in throw CancellationError() })
        await #expect(throws: CancellationError.self) { _ = try await retrying.send(request) }
        #expect(base.calls == 1)
    }

    @Test func retryEventsAreRedacted() async throws {
        let base = ScriptedTransport([.fail(.network("reset")), .respond(200)])
        let events = EventBox()
        let retrying = RetryingTransport(base: base, sleep: { _ in }, onRetry: { events.append($0.description) })
        _ = try await retrying.send(request)
        let all = events.all
        #expect(all.count == 1)
        #expect(all.allSatisfy { !$0.contains("SECRETKEY42") && $0.contains("<key>") })
    }
}

final class EventBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ s: String) { lock.withLock { items.append(s) } }
    var all: [String] { lock.withLock { items } }
}

@Suite("ConcurrencyLimiter")
struct ConcurrencyLimiterTests {
    actor Gauge {
        var current = 0, peak = 0
        func enter() { current += 1; peak = max(peak, current) }
        func leave() { current -= 1 }
    }

    @Test func boundsConcurrentCalls() async throws {
        let limiter = ConcurrencyLimiter(limit: 3)
        let gauge = Gauge()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 0..<20 {
                group.addTask {
                    try await limiter.withPermit {
                        await gauge.enter()
                        try await Task.sleep(nanoseconds: 5_000_000)
                        await gauge.leave()
                        return n
                    }
                }
            }
            var seen = 0
            for try await _ in group { seen += 1 }
            #expect(seen == 20)
        }
        #expect(await gauge.peak <= 3)
        #expect(await gauge.peak >= 2)
        #expect(await limiter.inFlight == 0)
    }

    @Test func releasesOnError() async throws {
        let limiter = ConcurrencyLimiter(limit: 1)
        struct Boom: Error {}
        for _ in 0..<3 {
            await #expect(throws: Boom.self) { try await limiter.withPermit { () async throws -> Int in throw Boom() } }
        }
        #expect(await limiter.inFlight == 0)
        #expect(try await limiter.withPermit { 7 } == 7)
    }

    @Test func cancelledWaiterStopsWaiting() async throws {
        let limiter = ConcurrencyLimiter(limit: 1)
        try await limiter.acquire()
        let waiter = Task { try await limiter.withPermit { 1 } }
        try await Task.sleep(nanoseconds: 50_000_000)
        waiter.cancel()
        let result = await waiter.result
        #expect(throws: CancellationError.self) { try result.get() }
        await limiter.release()
        #expect(await limiter.inFlight == 0)
        #expect(try await limiter.withPermit { 2 } == 2)
    }

    @Test func limitedTransportSharesTheLimiter() async throws {
        let limiter = ConcurrencyLimiter(limit: 2)
        let base = ScriptedTransport([.respond(200)])
        let transport = LimitedTransport(base: base, limiter: limiter)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<10 {
                group.addTask { try await transport.send(HTTPRequest(url: URL(string: "http://x/")!)).status }
            }
            for try await status in group { #expect(status == 200) }
        }
        #expect(base.calls == 10)
    }
}

actor SleepRecorder {
    private(set) var delays: [TimeInterval] = []
    func record(_ d: TimeInterval) { delays.append(d) }
}
