import Foundation
import Testing
@testable import TraktQL

/// Which client serves which URL, and how the proxy variables are read.
@Suite("RoutingTransport")
struct RoutingTransportTests {
    /// Answers with its own name as the status text, to see which one was asked.
    struct Named: HTTPTransport {
        let status: Int
        func send(_ request: HTTPRequest) async throws -> HTTPResponse { HTTPResponse(status: status) }
    }

    static func route(_ url: String, _ proxies: ProxySettings = .none) async throws -> String {
        let routing = RoutingTransport(direct: Named(status: 201), general: Named(status: 202), proxies: proxies)
        let response = try await routing.send(HTTPRequest(url: URL(string: url)!))
        return response.status == 201 ? "direct" : "general"
    }

    @Test func plainHTTPStaysOnTheDirectClientHTTPSGoesToTheGeneralOne() async throws {
        #expect(try await Self.route("http://127.0.0.1:8080/activity") == "direct")
        #expect(try await Self.route("HTTP://example.com/") == "direct")
        #expect(try await Self.route("https://api.trakt.tv/users/me/history") == "general")
        #expect(try await Self.route("ftp://example.com/") == "general")
    }

    @Test func proxiedHTTPGoesToTheGeneralClientUnlessNoProxyNamesTheHost() async throws {
        let proxies = ProxySettings(httpProxy: "http://proxy:3128", noProxy: ["localhost", ".internal"])
        #expect(try await Self.route("http://example.com/x", proxies) == "general")
        #expect(try await Self.route("http://localhost:8080/x", proxies) == "direct")
        #expect(try await Self.route("http://api.internal/x", proxies) == "direct")
        // An https proxy only: http stays direct.
        #expect(try await Self.route("http://example.com/x", ProxySettings(httpsProxy: "http://proxy:3128")) == "direct")
    }

    @Test func environmentReadsBothCasesLowerCaseWins() {
        let upper = ProxySettings.environment(["HTTPS_PROXY": "http://a:1", "HTTP_PROXY": "http://b:2", "NO_PROXY": "x.com, y.org"])
        #expect(upper == ProxySettings(httpProxy: "http://b:2", httpsProxy: "http://a:1", noProxy: ["x.com", "y.org"]))
        let both = ProxySettings.environment(["HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:1"])
        #expect(both.httpsProxy == "http://lower:1")
        #expect(ProxySettings.environment([:]) == .none)
    }

    @Test func noProxyMatchesDomainsPortsAndStar() {
        let p = ProxySettings(httpsProxy: "http://proxy:3128", noProxy: ["example.com", "10.0.0.1:8443", "[::1]"])
        #expect(p.proxy(for: URL(string: "https://example.com/")!) == nil)
        #expect(p.proxy(for: URL(string: "https://api.example.com/")!) == nil)
        #expect(p.proxy(for: URL(string: "https://notexample.com/")!) == "http://proxy:3128")
        #expect(p.proxy(for: URL(string: "https://10.0.0.1:8443/")!) == nil)
        #expect(p.proxy(for: URL(string: "https://10.0.0.1/")!) == "http://proxy:3128")
        #expect(p.proxy(for: URL(string: "https://[::1]:99/")!) == nil)
        let all = ProxySettings(httpsProxy: "http://proxy:3128", noProxy: ["*"])
        #expect(all.proxy(for: URL(string: "https://api.trakt.tv/")!) == nil)
    }

    @Test func tlsErrorsAreNotRetriedAndNameTheHost() {
        let error = TransportError.tls(host: "api.trakt.tv", problem: "its certificate expired")
        #expect(!error.isTransient)
        #expect(error.description == "TLS error with api.trakt.tv: its certificate expired")
    }
}
