import Foundation
import Testing
import TestSupport
import TraktQL
import TraktQLCurl

/// Proxies, against a logging CONNECT/forward proxy: what goes through it, what goes direct, and
/// that no credential ever crosses it in cleartext.
@Suite("HTTP client through proxies", .serialized)
struct CurlProxyTests {
    /// A host that is not loopback; the test proxy sends every name to 127.0.0.1.
    static func remote(_ server: LoopbackServer, _ path: String) -> URL {
        URL(string: "http://api.example.test:\(server.port)\(path)")!
    }

    @Test func plainHTTPWithoutCredentialsIsForwarded() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { server.stop() }
        let proxy = try await ConnectProxy()
        let transport = CurlTransport(configuration: .init(proxies: ProxySettings(httpProxy: proxy.url)))
        let response = try await transport.send(HTTPRequest(url: Self.remote(server, "/emulator/catalog.json")))
        await proxy.stop()
        #expect(response.status == 200)
        #expect(proxy.requests == ["GET http://api.example.test:\(server.port)/emulator/catalog.json HTTP/1.1"])
        #expect(server.requests.count == 1)
    }

    /// Every kind of credential over plain http:// to a host through a proxy is refused before
    /// anything is sent; the error says why and what to do.
    @Test(arguments: [
        ("header", HTTPRequest(url: URL(string: "http://x/users/me/history")!, headers: ["Authorization": "Bearer sekrit-token"])),
        ("client id", HTTPRequest(url: URL(string: "http://x/users/justin/history")!, headers: ["trakt-api-key": "client-id-1"])),
        ("v1 key", HTTPRequest(url: URL(string: "http://x/activity/user.json/SECRETKEY42/justin")!)),
        ("body", HTTPRequest(method: "POST", url: URL(string: "http://x/oauth/device/token")!, body: Data(#"{"code":"dev-code","client_secret":"s"}"#.utf8))),
    ])
    func credentialsNeverCrossAProxyInCleartext(kind: String, template: HTTPRequest) async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { server.stop() }
        let proxy = try await ConnectProxy()
        let transport = CurlTransport(configuration: .init(proxies: ProxySettings(httpProxy: "http://user:proxy-pass@127.0.0.1:\(proxy.port)")))
        var request = template
        request.url = Self.remote(server, template.url.path)
        let result = await outcome { try await transport.send(request) }
        await proxy.stop()
        #expect(proxy.requests.isEmpty, "\(kind)")
        #expect(server.requests.isEmpty, "\(kind)")
        guard case .failure(TransportError.refused(let text)) = result else { Issue.record("\(kind): \(result)"); return }
        #expect(text.contains("over plain http:// through the proxy"), "\(text)")
        #expect(text.contains("NO_PROXY") && text.contains("https://"), "\(text)")
        #expect(!text.contains("proxy-pass") && !text.contains("SECRETKEY42") && !text.contains("sekrit"), "\(text)")
    }

    /// Basic credentials are the backend's, on the request (the transport has none of its own):
    /// they count like any other credential.
    @Test func basicCredentialsOnTheRequestAreRefusedToo() async throws {
        let proxy = try await ConnectProxy()
        let transport = CurlTransport(configuration: .init(proxies: ProxySettings(httpProxy: proxy.url)))
        let basic = BasicCredentials(username: "justin", password: "p").authorizationHeader
        let result = await outcome { try await transport.send(HTTPRequest(url: URL(string: "http://api.example.test:9/activity")!, headers: ["Authorization": basic])) }
        await proxy.stop()
        #expect(proxy.requests.isEmpty)
        guard case .failure(TransportError.refused(let text)) = result else { Issue.record("\(result)"); return }
        #expect(text.contains("the Authorization header") && !text.contains(basic), "\(text)")
    }

    /// A loopback server goes direct whatever HTTP_PROXY says (the proxy could not reach this
    /// machine's loopback anyway), credentials and all.
    @Test func loopbackGoesDirect() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { server.stop() }
        let proxy = try await ConnectProxy()
        let transport = CurlTransport(configuration: .init(proxies: ProxySettings(httpProxy: proxy.url)))
        for host in ["127.0.0.1", "localhost"] {
            let url = URL(string: "http://\(host):\(server.port)/activity/user.json/SECRETKEY42/justin")!
            #expect(try await transport.send(HTTPRequest(url: url, headers: ["Authorization": "Bearer t"])).status == 200)
        }
        await proxy.stop()
        #expect(proxy.requests.isEmpty)
        #expect(server.requests.count == 2)
    }

    /// `NO_PROXY` sends a named host straight to it; libcurl's own reading of the environment
    /// is off (the settings given are the only ones).
    @Test func noProxyGoesDirect() async throws {
        let server = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { server.stop() }
        let proxy = try await ConnectProxy()
        let direct = CurlTransport(configuration: .init(proxies: ProxySettings(httpProxy: "http://127.0.0.1:9", noProxy: ["127.0.0.1"])))
        #expect(try await direct.send(HTTPRequest(url: URL(string: server.baseURL + "/x")!)).status == 200)
        await proxy.stop()
        #expect(server.requests.count == 1)
    }

    @Test func aDeadProxyIsANetworkErrorNamingTheProxyWithoutItsPassword() async throws {
        let transport = CurlTransport(configuration: .init(proxies: ProxySettings(httpProxy: "http://user:proxy-pass@127.0.0.1:9")))
        let result = await outcome { try await transport.send(HTTPRequest(url: URL(string: "http://api.example.test/emulator/catalog.json")!, timeout: 5)) }
        guard case .failure(TransportError.network(let text)) = result else { Issue.record("\(result)"); return }
        #expect(text.hasPrefix("could not connect (connection refused) to the proxy http://"), "\(text)")
        #expect(!text.contains("proxy-pass"), "\(text)")
    }
}
