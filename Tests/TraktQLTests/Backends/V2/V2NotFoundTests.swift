import Foundation
import Testing
@testable import TraktEmulator
import TraktEmulatorServer
@testable import TraktQL
import TraktQLCurl

/// A v2 call carries the name it was made for (issue 24): its 404 points at that name in the
/// statement whatever the server's body says, so a server that answers a bare 404 (no message,
/// or one that does not repeat the name) still gets the caret under the right value.
@Suite(.serialized) struct V2NotFoundTests {
    /// The emulator, with every 404's body emptied on the way back: a server that says nothing.
    struct BareNotFound: HTTPTransport {
        let base: any HTTPTransport
        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            let response = try await base.send(request)
            return response.status == 404 ? HTTPResponse(status: 404, headers: response.headers, body: Data()) : response
        }
    }

    static func engine(_ server: EmulatorServer) -> Engine {
        var settings = Settings()
        settings.timeZone = TimeZone(identifier: "UTC")!
        settings.api = .v2
        var configuration = EngineConfiguration(apiURL: server.baseURL, settings: settings, clock: { TestServer.now },
                                                retryPolicy: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.05), requestTimeout: 10)
        configuration.v2 = V2Credentials(clientID: V2TestServer.clientID, clientSecret: V2TestServer.clientSecret)
        configuration.transport = BareNotFound(base: CurlTransport.retrying(for: configuration))
        return Engine(configuration: configuration)
    }

    @Test func aBareNotFoundPointsAtTheNameItsCallWasFor() async throws {
        let server = try await V2TestServer.unlimited.value
        let user = V2TestServer.busyUsers(server, count: 1)[0]
        let engine = Self.engine(server)
        let cases: [(statements: [String], column: Int, message: String)] = [
            // The user route's own 404.
            (["activity user:\(user),nobody-at-all action:seen | limit 1"], "activity user:\(user),".count + 1, "no user 'nobody-at-all' on the server"),
            // Through a variable: the caret is under the variable.
            (["let crew = \(user),nobody-at-all", "activity user:$crew action:seen | limit 1"], "activity user:".count + 1, "no user 'nobody-at-all' on the server"),
            // A show's lookup.
            (["activity user:\(user) show:no-such-show-here | limit 1"], "activity user:\(user) show:".count + 1, "no show 'no-such-show-here' on the server"),
        ]
        for c in cases {
            do {
                _ = try await engine.run(c.statements.joined(separator: "\n"))
                Issue.record("\(c.statements): no error")
            } catch {
                guard case .notFound(let diagnostics, let source) = error else {
                    Issue.record("\(c.statements): \(error)")
                    continue
                }
                #expect(source == c.statements.joined(separator: "\n"))
                #expect(diagnostics.count == 1 && diagnostics[0].message == c.message, "\(diagnostics)")
                #expect(diagnostics.first?.span.start.line == c.statements.count, "\(diagnostics)")
                #expect(diagnostics.first?.span.start.column == c.column, "\(diagnostics)")
                #expect(diagnostics.first?.help?.hasPrefix("the API answered 404 to GET ") == true, "\(diagnostics)")
            }
        }
    }
}
