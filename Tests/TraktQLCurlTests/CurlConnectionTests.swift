import Foundation
import Testing
import TestSupport
@testable import TraktQL
import TraktQLCurl

/// Connections and the request on the wire: keep-alive reuse, chunked bodies, refusing what
/// cannot be sent safely.
@Suite("HTTP client connections")
struct CurlConnectionTests {
    @Test func keptAliveConnectionIsReusedAcrossCalls() async throws {
        let server = try LoopbackServer(keepAlive: true) { _, index in .init(body: #"{"n":\#(index)}"#) }
        defer { server.stop() }
        let transport = CurlTransport()
        for index in 0..<20 {
            let response = try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/page/\(index)")!, timeout: 5))
            #expect(String(decoding: response.body, as: UTF8.self) == #"{"n":\#(index)}"#)
        }
        #expect(server.requests.count == 20)
        #expect(server.connectionCount == 1)
    }

    @Test func closedConnectionsAreNotReused() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { server.stop() }
        let transport = CurlTransport()
        for _ in 0..<3 {
            _ = try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/x")!, timeout: 5))
        }
        #expect(server.connectionCount == 3)
    }

    @Test func pooledConnectionClosedByTheServerIsReplaced() async throws {
        // The first answer says keep-alive, then the server drops the idle connection: the
        // next call must notice and go again on a new one, not fail.
        let server = try LoopbackServer(keepAlive: true) { _, index in
            index == 1 ? .init(mode: .dropConnection) : .init(body: "[\(index)]")
        }
        defer { server.stop() }
        let transport = CurlTransport()
        let first = try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/a")!, timeout: 5))
        #expect(String(decoding: first.body, as: UTF8.self) == "[0]")
        let second = try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/b")!, timeout: 5))
        #expect(String(decoding: second.body, as: UTF8.self) == "[2]")
        #expect(server.connectionCount == 2)
    }

    @Test(arguments: [1, 7, 4096])
    func chunkedBodyIsReassembled(chunkSize: Int) async throws {
        let body = String(repeating: #"{"type":"episode","action":"seen"},"#, count: 300)
        let server = try LoopbackServer(keepAlive: true) { _, _ in .init(body: body, mode: .chunked(size: chunkSize)) }
        defer { server.stop() }
        let transport = CurlTransport()
        for _ in 0..<2 {
            let response = try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/c")!, timeout: 5))
            #expect(String(decoding: response.body, as: UTF8.self) == body)
        }
        #expect(server.connectionCount == 1)
    }

    @Test func otherSchemesAreRefusedWithAClearMessage() async throws {
        let transport = CurlTransport()
        await #expect {
            _ = try await transport.send(HTTPRequest(url: URL(string: "ftp://api.trakt.tv/activity/community.json/SECRETKEY42")!))
        } throws: { error in
            guard case TransportError.refused(let text) = error else { return false }
            return text.contains("ftp:// is not supported") && text.contains("http:// and https://") && !text.contains("SECRETKEY42")
        }
        #expect(!transport.hasStarted)
    }

    @Test func headerValuesWithLineBreaksAreRefused() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { server.stop() }
        let request = HTTPRequest(url: URL(string: server.baseURL + "/x")!, headers: ["X-Evil": "a\r\nX-Injected: 1"])
        await #expect(throws: TransportError.self) { try await CurlTransport().send(request) }
        #expect(server.requests.isEmpty)
    }

    @Test func unknownHostIsANetworkError() async throws {
        await #expect {
            _ = try await CurlTransport().send(HTTPRequest(url: URL(string: "http://no-such-host.invalid/x")!, timeout: 5))
        } throws: { error in
            guard case TransportError.network(let text) = error else { return false }
            return text.hasPrefix("unknown host no-such-host.invalid")
        }
    }

    @Test func requestHeadCarriesHostQueryAndHeaders() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { server.stop() }
        let url = URL(string: server.baseURL + "/activity/community.json/k/all/seen?min=1")!
        _ = try await CurlTransport().send(HTTPRequest(url: url, headers: ["X-Extra": "yes", "Accept": "text/plain"]))
        let head = try #require(server.requests.first)
        #expect(head.hasPrefix("GET /activity/community.json/k/all/seen?min=1 HTTP/1.1\r\n"))
        #expect(head.contains("\r\nHost: 127.0.0.1:\(server.port)\r\n"))
        #expect(head.contains("\r\nX-Extra: yes\r\n"))
        #expect(head.contains("\r\nAccept: text/plain\r\n"))
        #expect(!head.contains("application/json"))
    }
}
