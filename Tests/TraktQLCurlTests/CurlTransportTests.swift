import Foundation
import Testing
import TestSupport
@testable import TraktQL
import TraktQLCurl

/// Makes the client under test.
enum TestClient {
    static func make(_ configuration: HTTPTransportConfiguration = HTTPTransportConfiguration()) -> CurlTransport {
        CurlTransport(configuration: configuration)
    }
}

/// The client against a loopback server: answers, retries, redaction, failures, limits, cancellation.
@Suite("HTTP client over loopback")
struct CurlTransportTests {
    static let pageBody = #"{"timestamps":{"start":1,"current":2},"activity":[{"type":"episode","action":"seen"}]}"#

    @Test func okWithBodyHeadersAndAuth() async throws {
        let server = try LoopbackServer { _, _ in .init(body: Self.pageBody) }
        defer { server.stop() }
        // Auth is the backend's request decorator (v1's Basic credentials): the transport sends it.
        let credentials = BasicCredentials(username: "justin", password: "abc")
        let transport = TestClient.make()
        let response = try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/activity/community.json/k123")!,
                                                            headers: ["Authorization": credentials.authorizationHeader]))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == Self.pageBody)
        #expect(response.header("Content-Type") == "application/json")
        let head = try #require(server.requests.first)
        #expect(head.hasPrefix("GET /activity/community.json/k123 HTTP/1.1\r\n"))
        #expect(head.lowercased().contains("user-agent: traktql/\(HTTPTransportConfiguration.clientVersion)"))
        let expected = "Basic " + Data("justin:a9993e364706816aba3e25717850c26c9cd0d89d".utf8).base64EncodedString()
        #expect(head.contains("Authorization: \(expected)") || head.contains("authorization: \(expected)"))
        let page = try ActivityPage.decode(response.body)
        #expect(page.items.count == 1)
    }

    @Test func postSendsBody() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { server.stop() }
        let transport = TestClient.make()
        let response = try await transport.send(HTTPRequest(method: "POST", url: URL(string: server.baseURL + "/x")!, body: Data("{}".utf8)))
        #expect(response.status == 200)
        #expect(server.requests.first?.hasPrefix("POST /x") == true)
    }

    @Test func serviceUnavailableWithRetryAfterIsRetried() async throws {
        let server = try LoopbackServer { _, index in
            index < 2
                ? .init(status: 503, headers: ["Retry-After": "2", "Content-Type": "application/json"],
                        body: #"{"status":"failure","error":"server is over capacity"}"#)
                : .init(body: Self.pageBody)
        }
        defer { server.stop() }
        let raw = TestClient.make()
        let url = URL(string: server.baseURL + "/activity/user.json/SECRETKEY42/justin")!
        let sleeps = SleepRecorder()
        let retrying = RetryingTransport(base: raw, sleep: { await sleeps.record($0) }, random: { 0.5 })
        let response = try await retrying.send(HTTPRequest(url: url))
        #expect(response.status == 200)
        #expect(server.requests.count == 3)
        #expect(await sleeps.delays == [2, 2])
    }

    @Test func serviceUnavailableSurfacesTheAPIMessage() async throws {
        let server = try LoopbackServer { _, _ in
            .init(status: 503, headers: ["Retry-After": "7"], body: #"{"status":"failure","error":"server is over capacity"}"#)
        }
        defer { server.stop() }
        let request = HTTPRequest(url: URL(string: server.baseURL + "/activity/user.json/SECRETKEY42/justin")!)
        let response = try await TestClient.make().send(request)
        #expect(response.status == 503)
        #expect(response.retryAfter == 7)
        let error = #expect(throws: TransportError.self) { try response.validated(for: request) }
        #expect(error == .http(status: 503, apiMessage: "server is over capacity", url: server.baseURL + "/activity/user.json/<key>/justin"))
        #expect(error?.description.contains("SECRETKEY42") == false)
        #expect(error?.description.contains("server is over capacity") == true)
    }

    @Test func unauthorizedIsNotRetriedAndKeyIsRedacted() async throws {
        let server = try LoopbackServer { _, _ in .init(status: 401, body: #"{"status":"failure","error":"invalid API key"}"#) }
        defer { server.stop() }
        let sleeps = SleepRecorder()
        let transport = RetryingTransport(base: TestClient.make(), sleep: { await sleeps.record($0) })
        let request = HTTPRequest(url: URL(string: server.baseURL + "/activity/community.json/SECRETKEY42")!)
        do {
            _ = try await transport.fetch(request)
            Issue.record("expected a 401")
        } catch let error as TransportError {
            #expect(error.description == "HTTP 401 from \(server.baseURL)/activity/community.json/<key>: invalid API key")
            #expect(!String(reflecting: error).contains("SECRETKEY42"))
        }
        #expect(server.requests.count == 1)
        #expect(await sleeps.delays.isEmpty)
    }

    @Test func droppedConnectionIsANetworkError() async throws {
        let server = try LoopbackServer { _, _ in .init(mode: .dropConnection) }
        defer { server.stop() }
        let request = HTTPRequest(url: URL(string: server.baseURL + "/activity/shows.json/SECRETKEY42/x")!, timeout: 5)
        await #expect {
            _ = try await TestClient.make().send(request)
        } throws: { error in
            guard case TransportError.network(let text) = error else { return false }
            return !text.contains("SECRETKEY42") && text.contains("/activity/shows.json/<key>/x")
        }
    }

    @Test func truncatedBodyIsAnError() async throws {
        let server = try LoopbackServer { _, _ in .init(body: Self.pageBody, mode: .truncate(bytes: 10)) }
        defer { server.stop() }
        let request = HTTPRequest(url: URL(string: server.baseURL + "/t")!, timeout: 5)
        await #expect {
            _ = try await TestClient.make().send(request)
        } throws: { error in
            if case TransportError.network = error { return true }
            return false
        }
    }

    @Test func slowResponseTimesOut() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]", delay: 3) }
        defer { server.stop() }
        let transport = TestClient.make(.init(connectTimeout: 5, requestTimeout: 0.4))
        let start = Date()
        await #expect {
            _ = try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/activity/user.json/SECRETKEY42/slow")!))
        } throws: { error in
            guard case TransportError.timeout(let url, let seconds) = error else { return false }
            return seconds == 0.4 && url.hasSuffix("/activity/user.json/<key>/slow")
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 0.39 && elapsed < 10)  // generous: the suite shares 2 cores with other tests
    }

    @Test func stalledServerHitsTheInactivityTimeout() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]", delay: 4) }
        defer { server.stop() }
        let transport = TestClient.make(.init(connectTimeout: 1, requestTimeout: 10))
        let start = Date()
        await #expect {
            _ = try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/activity/user.json/SECRETKEY42/slow")!))
        } throws: { error in
            guard case TransportError.timeout(let url, _) = error else { return false }
            return !url.contains("SECRETKEY42")
        }
        #expect(Date().timeIntervalSince(start) < 20)  // the suite shares 2 cores with builds
    }

    @Test func connectionRefusedIsANetworkError() async throws {
        // A port that was just free: bind the server, stop it, call it.
        let server = try LoopbackServer { _, _ in .init() }
        let url = URL(string: server.baseURL + "/x")!
        server.stop()
        await #expect {
            _ = try await TestClient.make().send(HTTPRequest(url: url, timeout: 5))
        } throws: { error in
            if case TransportError.network(let text) = error { return text.hasPrefix("could not connect") }
            return false
        }
    }

    @Test func cancellationStopsTheCall() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]", delay: 3) }
        defer { server.stop() }
        let transport = TestClient.make()
        let url = URL(string: server.baseURL + "/slow")!
        let start = Date()
        let task = Task { try await transport.send(HTTPRequest(url: url)) }
        try await Task.sleep(nanoseconds: 200_000_000)
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(Date().timeIntervalSince(start) < 10)
    }
}

actor SleepRecorder {
    private(set) var delays: [TimeInterval] = []
    func record(_ d: TimeInterval) { delays.append(d) }
}
