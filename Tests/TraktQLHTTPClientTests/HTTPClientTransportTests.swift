import Foundation
import Testing
import TestSupport
import TraktQL
import TraktQLHTTPClient

/// The AsyncHTTPClient transport against a loopback server that records request heads.
@Suite("HTTPClientTransport")
struct HTTPClientTransportTests {
    /// The v2 backend's headers reach the server as given: Bearer auth and the API key header.
    @Test func v2HeadersPassThroughUntouched() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { server.stop() }
        let transport = HTTPClientTransport()
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
    }

    @Test func headersWithLineBreaksAreRefused() async throws {
        let transport = HTTPClientTransport()
        let request = HTTPRequest(url: URL(string: "http://127.0.0.1:9/x")!, headers: ["X-Evil": "a\r\nHost: other"])
        await #expect(throws: TransportError.self) { try await transport.send(request) }
        await transport.shutdown()
    }

    /// No client (no event loop, no TLS context) until the first call; shutdown before any is a no-op.
    @Test func startsOnTheFirstCallOnly() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { server.stop() }
        let transport = HTTPClientTransport()
        #expect(!transport.hasStarted)
        _ = try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/x")!))
        #expect(transport.hasStarted)
        await transport.shutdown()
        #expect(!transport.hasStarted)
        // A call after the shutdown fails rather than starting a client nobody would stop.
        await #expect(throws: TransportError.self) { try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/x")!)) }
        #expect(!transport.hasStarted)
    }

    @Test func anUnreadableCAFileFailsHTTPSCallsWithATLSError() async throws {
        let transport = HTTPClientTransport(configuration: .init(additionalTrustRootFiles: ["/nonexistent/ca.pem"]))
        await #expect {
            try await transport.send(HTTPRequest(url: URL(string: "https://127.0.0.1:9/x")!))
        } throws: { error in
            guard case TransportError.tls(_, let problem)? = error as? TransportError else { return false }
            return problem.contains("/nonexistent/ca.pem")
        }
        await transport.shutdown()
    }
}
