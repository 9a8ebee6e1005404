import Foundation
import Testing
@testable import TraktQL

/// How the proxy variables are read, which URLs a proxy takes, and the rule that credentials
/// never cross a proxy in cleartext.
@Suite("Proxy settings")
struct ProxySettingsTests {
    static func route(_ url: String, headers: [String: String] = [:], body: String? = nil,
                      _ proxies: ProxySettings = ProxySettings(httpProxy: "http://proxy:3128", httpsProxy: "http://proxy:3128")) -> ProxyRoute {
        proxies.route(for: HTTPRequest(method: body == nil ? "GET" : "POST", url: URL(string: url)!, headers: headers,
                                       body: body.map { Data($0.utf8) }))
    }

    @Test func httpsGoesThroughTheProxyCredentialsAndAll() {
        #expect(Self.route("https://api.trakt.tv/users/me/history", headers: ["Authorization": "Bearer t"]) == .proxy("http://proxy:3128"))
        // Loopback too: the tunnel is encrypted end to end.
        #expect(Self.route("https://127.0.0.1:8443/x", headers: ["trakt-api-key": "id"]) == .proxy("http://proxy:3128"))
    }

    @Test func plainHTTPWithoutCredentialsGoesThroughTheProxy() {
        #expect(Self.route("http://example.com/emulator/catalog.json") == .proxy("http://proxy:3128"))
        #expect(Self.route("http://example.com/activity/community.json") == .proxy("http://proxy:3128"))
    }

    @Test func plainHTTPToLoopbackGoesDirect() {
        for host in ["127.0.0.1", "127.9.9.9", "[::1]", "localhost", "LOCALHOST"] {
            #expect(Self.route("http://\(host):8080/activity/user.json/KEY/justin", headers: ["Authorization": "Bearer t"]) == .direct, "\(host)")
        }
        // Names that reach DNS are not loopback.
        for host in ["localhost.", "a.localhost", "127.0.0.1.nip.io"] {
            guard case .refused = Self.route("http://\(host):8080/activity/user.json/KEY/justin") else { Issue.record("\(host)"); continue }
        }
    }

    @Test func credentialsOverPlainHTTPThroughAProxyAreRefused() {
        let cases: [(ProxyRoute, String)] = [
            (Self.route("http://example.com/users/me", headers: ["Authorization": "Bearer t"]), "the Authorization header"),
            (Self.route("http://example.com/users/me", headers: ["TRAKT-API-KEY": "id"]), "the trakt-api-key header"),
            (Self.route("http://example.com/activity/user.json/KEY/justin"), "the API key in the path"),
            (Self.route("http://u:p@example.com/x"), "the user and password in the URL"),
            (Self.route("http://example.com/oauth/token", body: #"{"refresh_token":"r"}"#), "the request body"),
            // v1's Basic auth is on the request (the backend decorates it), like any credential.
            (Self.route("http://example.com/activity", headers: ["Authorization": BasicCredentials(username: "u", password: "p").authorizationHeader]),
             "the Authorization header"),
        ]
        for (route, what) in cases {
            guard case .refused(let reason) = route else { Issue.record("\(what): \(route)"); continue }
            #expect(reason.contains(what), "\(reason)")
            #expect(reason.contains("through the proxy http://proxy:3128") && reason.contains("NO_PROXY"), "\(reason)")
        }
        // The proxy's own password never shows.
        let secret = ProxySettings(httpProxy: "http://user:proxy-pass@proxy:3128")
        guard case .refused(let reason) = Self.route("http://example.com/users/me", headers: ["Authorization": "t"], secret) else {
            Issue.record("not refused"); return
        }
        #expect(!reason.contains("proxy-pass"), "\(reason)")
    }

    @Test func noProxyAndMissingProxiesGoDirect() {
        let proxies = ProxySettings(httpProxy: "http://proxy:3128", noProxy: ["localhost", ".internal"])
        #expect(Self.route("http://api.internal/users/me", headers: ["Authorization": "t"], proxies) == .direct)
        // An https proxy only: http stays direct.
        #expect(Self.route("http://example.com/x", headers: ["Authorization": "t"], ProxySettings(httpsProxy: "http://proxy:3128")) == .direct)
        #expect(Self.route("http://example.com/x", headers: ["Authorization": "t"], .none) == .direct)
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

    @Test func tlsErrorsAndRefusalsAreNotRetried() {
        let error = TransportError.tls(host: "api.trakt.tv", problem: "its certificate expired")
        #expect(!error.isTransient)
        #expect(error.description == "TLS error with api.trakt.tv: its certificate expired")
        let refused = TransportError.refused("refusing to send the API key in the path over plain http:// through the proxy p")
        #expect(!refused.isTransient)
        #expect(refused.description == "refusing to send the API key in the path over plain http:// through the proxy p")
    }
}
