import Foundation
import Testing
import TestSupport
import TraktQL
@testable import TraktQLCurl

/// What goes on the wire and what comes back: headers as given, bodies, redirects not followed,
/// the body cap, cancellation, and when the client starts and stops.
@Suite("HTTP client requests")
struct CurlRequestTests {
    /// The v2 backend's headers reach the server as given: Bearer auth and the API key header.
    @Test func v2HeadersPassThroughUntouched() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { server.stop() }
        let transport = CurlTransport()
        let url = URL(string: server.baseURL + "/users/me/history?page=2&limit=10")!
        let response = try await transport.send(HTTPRequest(url: url, headers: [
            "Authorization": "Bearer tok-123", "trakt-api-key": "client-id-456", "trakt-api-version": "2",
        ]))
        await transport.shutdown()
        #expect(response.status == 200)
        let head = try #require(server.requests.first)
        #expect(head.hasPrefix("GET /users/me/history?page=2&limit=10 HTTP/1.1\r\n"), "\(head)")
        #expect(head.contains("\r\nAuthorization: Bearer tok-123\r\n"), "\(head)")
        #expect(head.contains("\r\ntrakt-api-key: client-id-456\r\n"), "\(head)")
        #expect(head.contains("\r\ntrakt-api-version: 2\r\n"), "\(head)")
        #expect(head.contains("\r\nUser-Agent: traktql/"), "\(head)")
        #expect(head.contains("\r\nAccept: application/json\r\n"), "\(head)")
    }

    /// A body goes with its length and nothing libcurl would add by itself: no form
    /// Content-Type, no `Expect: 100-continue`; PUT without a body says `Content-Length: 0`.
    @Test func bodiesGoAsGivenWithoutAddedHeaders() async throws {
        let server = try LoopbackServer(keepAlive: true) { _, _ in .init(body: "{}") }
        defer { server.stop() }
        let transport = CurlTransport()
        let body = Data(String(repeating: "x", count: 2 << 20).utf8)
        _ = try await transport.send(HTTPRequest(method: "POST", url: URL(string: server.baseURL + "/oauth/token")!,
                                                 headers: ["Content-Type": "application/json"], body: body))
        _ = try await transport.send(HTTPRequest(method: "POST", url: URL(string: server.baseURL + "/bare")!, body: Data("a=1".utf8)))
        _ = try await transport.send(HTTPRequest(method: "PUT", url: URL(string: server.baseURL + "/put")!))
        _ = try await transport.send(HTTPRequest(method: "DELETE", url: URL(string: server.baseURL + "/delete")!, headers: ["X-Empty": ""]))
        let heads = server.requests
        #expect(heads.count == 4)
        #expect(heads[0].hasPrefix("POST /oauth/token HTTP/1.1\r\n"))
        #expect(heads[0].contains("\r\nContent-Length: \(body.count)\r\n"))
        #expect(heads[0].contains("\r\nContent-Type: application/json\r\n"))
        #expect(!heads[0].lowercased().contains("expect:"), "\(heads[0])")
        #expect(heads[1].contains("\r\nContent-Length: 3\r\n"))
        #expect(!heads[1].lowercased().contains("content-type"), "\(heads[1])")
        #expect(heads[2].hasPrefix("PUT /put HTTP/1.1\r\n") && heads[2].contains("\r\nContent-Length: 0\r\n"), "\(heads[2])")
        #expect(heads[3].hasPrefix("DELETE /delete HTTP/1.1\r\n") && heads[3].contains("\r\nX-Empty:"), "\(heads[3])")
    }

    /// A 307 to another host is an answer, never followed: neither the Authorization header nor
    /// the key in the path reaches the other host.
    @Test func aRedirectToAnotherHostIsNotFollowed() async throws {
        let other = try LoopbackServer(host: "127.0.0.2") { _, _ in .init(body: "[]") }
        defer { other.stop() }
        let location = other.baseURL + "/activity/user.json/SECRETKEY42/justin"
        let server = try LoopbackServer { _, _ in .init(status: 307, headers: ["Location": location]) }
        defer { server.stop() }
        let response = try await CurlTransport().send(HTTPRequest(
            url: URL(string: server.baseURL + "/activity/user.json/SECRETKEY42/justin")!, headers: ["Authorization": "Bearer sekrit"]))
        #expect(response.status == 307)
        #expect(response.header("location") == location)
        #expect(server.requests.count == 1)
        #expect(other.requests.isEmpty)
    }

    /// A `Content-Length` over the cap is refused before any of the body is read: this server
    /// would take 10 s to send its million bytes.
    @Test func aBodyAnnouncedOverTheCapIsRefusedAtOnce() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "", mode: .trickle(interval: 0.01)) }
        defer { server.stop() }
        let transport = CurlTransport(configuration: .init(maximumBodyBytes: 1000))
        let start = Date()
        await #expect(throws: TransportError.tooLarge(url: server.baseURL + "/big", limit: 1000)) {
            try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/big")!, timeout: 30))
        }
        #expect(Date().timeIntervalSince(start) < 5)
    }

    /// A chunked body that never ends stops at the cap.
    @Test func anEndlessBodyStopsAtTheCap() async throws {
        let server = try LoopbackServer { _, _ in .init(mode: .endless) }
        defer { server.stop() }
        let transport = CurlTransport(configuration: .init(maximumBodyBytes: 1 << 20))
        await #expect(throws: TransportError.tooLarge(url: server.baseURL + "/endless", limit: 1 << 20)) {
            try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/endless")!, timeout: 30))
        }
    }

    /// The request's own timeout wins over the configured one.
    @Test func theRequestTimeoutWins() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]", delay: 3) }
        defer { server.stop() }
        let transport = CurlTransport(configuration: .init(connectTimeout: 5, requestTimeout: 20))
        await #expect(throws: TransportError.timeout(url: server.baseURL + "/slow", seconds: 0.3)) {
            try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/slow")!, timeout: 0.3))
        }
    }

    /// Ctrl-C cancels the statement's task: the call in flight ends at once, not at its timeout.
    @Test func cancellationEndsTheCallPromptly() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]", delay: 5) }
        defer { server.stop() }
        let transport = CurlTransport()
        let task = Task { try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/slow")!, timeout: 30)) }
        try await Task.sleep(nanoseconds: 300_000_000)
        let cancelled = Date()
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(Date().timeIntervalSince(cancelled) < 1, "cancelling took \(Date().timeIntervalSince(cancelled)) s")
        // The client is still usable afterwards.
        let quick = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { quick.stop() }
        #expect(try await transport.send(HTTPRequest(url: URL(string: quick.baseURL + "/x")!)).status == 200)
    }

    /// Pages one after another, and a fan-out of four at once, share kept-alive connections.
    @Test func pagesAndFanOutReuseConnections() async throws {
        let server = try LoopbackServer(keepAlive: true) { _, index in .init(body: "[\(index)]") }
        defer { server.stop() }
        let transport = CurlTransport()
        for page in 0..<10 {
            _ = try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/page/\(page)")!))
        }
        #expect(transport.statistics.connectionsOpened == 1)
        for _ in 0..<3 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for user in 0..<4 {
                    group.addTask { _ = try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/user/\(user)")!)) }
                }
                try await group.waitForAll()
            }
        }
        #expect(server.requests.count == 22)
        #expect(server.connectionCount <= 4, "\(server.connectionCount) connections")
        #expect(transport.statistics.calls == 22)
    }

    /// Nothing (no library, no thread, no file) before the first call; a call after the
    /// shutdown fails rather than starting a client nobody would stop.
    @Test func startsOnTheFirstCallOnlyAndStopsForGood() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { server.stop() }
        let transport = CurlTransport()
        #expect(!transport.hasStarted)
        await transport.shutdown()  // nothing to do
        let fresh = CurlTransport()
        _ = try await fresh.send(HTTPRequest(url: URL(string: server.baseURL + "/x")!))
        #expect(fresh.hasStarted)
        await fresh.shutdown()
        await #expect {
            try await fresh.send(HTTPRequest(url: URL(string: server.baseURL + "/x")!))
        } throws: { error in
            guard case TransportError.refused(let text) = error else { return false }
            return text.contains("shut down")
        }
        #expect(server.requests.count == 1)
    }

    @Test func aMissingLibcurlIsOneClearError() throws {
        let error = try #require(CurlLibrary.check(path: "/nonexistent/libcurl.so.4"))
        guard case .refused(let text) = error else { Issue.record("\(error)"); return }
        #expect(text.hasPrefix("traktql reaches servers through libcurl, which could not be loaded (/nonexistent/libcurl.so.4: cannot open shared object file"), "\(text)")
        #expect(text.contains("apt-get install libcurl4"))
        #expect(!error.isTransient)
        // A library without libcurl's functions is refused as clearly.
        let notCurl = try #require(CurlLibrary.check(path: "libz.so.1"))
        #expect(notCurl.description.contains("has no function curl_"), "\(notCurl)")
        // The real one loads.
        #expect(CurlLibrary.check(path: "libcurl.so.4") == nil)
    }
}
