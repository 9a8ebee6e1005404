import Foundation
import Testing
@testable import TraktEmulator
import TraktEmulatorServer
@testable import TraktQL
import TraktQLCurl
import TestSupport

/// Adds the emulator's `X-Emulator-Fault` header to every request, to force one fault.
struct ForcedFaultTransport: HTTPTransport {
    let inner: any HTTPTransport
    let fault: String

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var request = request
        request.headers["X-Emulator-Fault"] = fault
        return try await inner.send(request)
    }
}

/// Every fault the emulator can inject ends in a correct full result after retries, or in a
/// clear error (exit 2) — never in a partial result presented as complete, never in a hang.
@Suite struct FaultSurvivalTests {
    static let fastRetries = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05, retryAfterCap: 0.05)

    static func engine(_ server: EmulatorServer, fault: String? = nil, requestTimeout: TimeInterval = 5) -> Engine {
        var configuration = EngineConfiguration(apiURL: server.baseURL, apiKey: "k", clock: { TestServer.now },
                                                retryPolicy: fastRetries, connectTimeout: requestTimeout, requestTimeout: requestTimeout)
        let base = CurlTransport.retrying(for: configuration)
        if let fault {
            // The fault header goes on every attempt, so retries cannot succeed: the query must fail cleanly.
            configuration.transport = RetryingTransport(base: ForcedFaultTransport(inner: CurlTransport(configuration: .init(
                connectTimeout: requestTimeout, requestTimeout: requestTimeout)), fault: fault), policy: fastRetries)
        } else {
            configuration.transport = base
        }
        return Engine(configuration: configuration)
    }

    @Test(arguments: [
        ("503", "server is over capacity"),
        ("429", "429"),
        ("truncate", "unreadable response"),
        ("malformed", "unreadable response"),
        ("reset", "network error"),
        ("latency=3000ms", "no answer within 1 s"),
    ])
    func aPersistentFaultIsAClearErrorWithExitTwo(fault: String, expected: String) async throws {
        let server = try await TestServer.small.value
        // Only the latency case needs a short timeout; the others get room for a loaded machine.
        let engine = Self.engine(server, fault: fault, requestTimeout: fault.hasPrefix("latency") ? 1 : 10)
        let started = Date()
        do {
            let result = try await engine.run("activity | limit 150")
            Issue.record("\(fault): got \(result.rows.count) rows instead of an error")
        } catch {
            #expect(error.exitCode == 2, "\(fault): \(error)")
            #expect(error.description.contains(expected), "\(fault): \(error.description)")
        }
        #expect(Date().timeIntervalSince(started) < 60, "\(fault) took too long")
    }

    @Test func randomFaultsAreRetriedToTheSameFullResult() async throws {
        let clean = try await TestServer.small.value
        var faults = FaultSpec()
        faults.overCapacity = 0.15
        faults.rateLimited = 0.1
        faults.truncate = 0.05
        faults.malformed = 0.05
        faults.reset = 0.05
        let faulty = try await EmulatorServer.start(EmulatorConfiguration(seed: 7, size: DatasetScale.small.size, faults: faults, now: TestServer.now))
        try await withEmulator(faulty) {
            let query = "activity since:30d | limit 500 | select who, action, title, time"
            let expected = try await Self.engine(clean).run(query)
            var configuration = EngineConfiguration(apiURL: faulty.baseURL, apiKey: "k", clock: { TestServer.now },
                                                    // The emulator's 429 says Retry-After: 1, which a cap below 1 s would not retry.
                                                    retryPolicy: RetryPolicy(maxAttempts: 6, baseDelay: 0.01, maxDelay: 0.05, retryAfterCap: 1))
            configuration.requestTimeout = 5
            configuration.transport = CurlTransport.retrying(for: configuration)
            let survived = try await Engine(configuration: configuration).run(query)
            #expect(survived.rows.count == 500)
            #expect(survived.rows == expected.rows)
            #expect(survived.warnings.isEmpty)
        }
    }
}
