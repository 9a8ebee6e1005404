import Foundation
import Testing
import TestSupport
@testable import TraktQL
import TraktQLCurl

/// The shared ``Redactor`` knows no API; each backend adds the secrets it sends (issue 24): v1
/// its API key in every path, v2 its client secret and token. Both still never show in an error.
@Suite(.serialized) struct RedactorBackendSecretsTests {
    /// The rule v1 contributes is the one every message uses, and it is not the Redactor's own.
    @Test func v1ContributesItsPathKeyRule() {
        #expect(Redactor.pathSecrets.contains(V1Backend.urlPathSecrets[0]))
        #expect(V2Backend.urlPathSecrets.isEmpty && LocalBackend.urlPathSecrets.isEmpty)
        // The mechanism is generic: a rule with another marker redacts that marker's segment.
        let rule = URLPathSecret(marker: "/token/", label: "<token>", name: "the token")
        #expect(rule.redacting(in: "GET http://h/token/abc123/x?y=1") == "GET http://h/token/<token>/x?y=1")
        #expect(rule.redacting(in: rule.redacting(in: "http://h/token/abc")) == "http://h/token/<token>")
    }

    /// A key in a v1 URL path — not the configured one, so only the path rule can find it —
    /// is redacted in the transport's error and in any message the redactor shows.
    @Test func aV1KeyInAURLPathIsRedactedInAnError() {
        let url = "http://127.0.0.1:9/activity/user.json/Zq81secretKEY/justin"
        let error = TransportError.http(status: 500, apiMessage: "failed: \(url)", url: url)
        #expect(!error.description.contains("Zq81secretKEY"), "\(error)")
        #expect(error.description == "HTTP 500 from http://127.0.0.1:9/activity/user.json/<key>/justin: failed: http://127.0.0.1:9/activity/user.json/<key>/justin")
        #expect(Redactor().redact("GET \(url) failed") == "GET http://127.0.0.1:9/activity/user.json/<key>/justin failed")
        let request = HTTPRequest(method: "GET", url: URL(string: url)!)
        #expect(request.description == "GET http://127.0.0.1:9/activity/user.json/<key>/justin")
        #expect(request.credentialsCarried == ["the API key in the path"])
    }

    /// A v1 engine whose server echoes the request line in its failure: the key never shows.
    @Test func aV1EngineErrorNeverShowsTheKey() async throws {
        let server = try LoopbackServer { head, _ in
            let line = head.split(separator: "\r\n").first.map(String.init) ?? ""
            return LoopbackServer.Reply(status: 400, body: #"{"status":"failure","error":"bad call \#(line)"}"#)
        }
        defer { server.stop() }
        var configuration = EngineConfiguration(apiURL: URL(string: server.baseURL)!, apiKey: "Zq81secretKEY",
                                                retryPolicy: RetryPolicy(maxAttempts: 1), requestTimeout: 10)
        configuration.checksNamesWithServerCatalog = false
        configuration.transport = CurlTransport.retrying(for: configuration)
        do {
            _ = try await Engine(configuration: configuration).run("activity user:justin")
            Issue.record("a failing server gave a result")
        } catch {
            #expect(!error.description.contains("Zq81secretKEY"), "\(error)")
            #expect(error.description.contains("<key>"), "\(error)")
        }
        #expect(server.requests.contains { $0.contains("/Zq81secretKEY/") }, "the key was sent: \(server.requests)")
    }

    /// A v2 engine whose server echoes the token and the client secret in its failure: neither
    /// shows (v2 adds them to the session's redactor; no path rule is involved).
    @Test func aV2RequestsSecretsAreRedacted() async throws {
        let token = "v2AccessToken0123456789abcdef"
        let secret = "v2ClientSecret9876543210"
        let server = try LoopbackServer { head, _ in
            let authorization = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("authorization:") }.map(String.init) ?? "none"
            let raw = authorization.split(separator: " ").last.map(String.init) ?? "none"
            return LoopbackServer.Reply(status: 400, body: #"{"error":"token \#(raw) for app secret \#(secret) refused"}"#)
        }
        defer { server.stop() }
        var settings = Settings()
        settings.api = .v2
        var configuration = EngineConfiguration(apiURL: URL(string: server.baseURL)!, settings: settings,
                                                retryPolicy: RetryPolicy(maxAttempts: 1), requestTimeout: 10)
        configuration.v2 = V2Credentials(clientID: "client", clientSecret: secret, bearer: StaticBearerToken(token))
        configuration.checksNamesWithServerCatalog = false
        configuration.transport = CurlTransport.retrying(for: configuration)
        do {
            _ = try await Engine(configuration: configuration).run("activity user:justin action:seen")
            Issue.record("a failing server gave a result")
        } catch {
            #expect(!error.description.contains(token) && !error.description.contains(secret), "\(error)")
            #expect(error.description.contains("token <token> for app secret <client-secret> refused"), "\(error)")
        }
    }
}
