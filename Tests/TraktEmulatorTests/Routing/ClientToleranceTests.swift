import Foundation
import Testing
@testable import TraktEmulator
import TraktEmulatorServer
import TestSupport

/// The emulator accepts every request form a production server behind a reverse proxy accepts
/// (issue 21, "Request forms real client libraries send"), with api.trakt.tv's statuses and
/// headers: repeated and trailing slashes, header names in any case, query parameters in any
/// order, OAuth bodies as JSON or forms with or without a charset or `Content-Type`.
@Suite struct ClientToleranceTests {
    @Test func pathsAreNormalisedAsAReverseProxyDoes() {
        #expect(Emulator.normalizedPath("//users//justin///history/") == "/users/justin/history")
        #expect(Emulator.normalizedPath("/users/justin/history/") == "/users/justin/history")
        #expect(Emulator.normalizedPath("/") == "/")
        #expect(Emulator.normalizedPath("//") == "/")
        #expect(Emulator.normalizedPath("/users/a%2F%2Fb/") == "/users/a%2F%2Fb")
        #expect(Emulator.normalizedPath("/activity/community.json/KEY") == "/activity/community.json/KEY")
    }

    @Test func oauthBodiesAreReadInEveryForm() {
        let expected = ["client_id": "app", "code": "abc"]
        let json = Array(#"{"client_id":"app","code":"abc"}"#.utf8)
        let form = Array("client_id=app&code=abc".utf8)
        let cases: [([UInt8], String?)] = [
            (json, "application/json"), (json, "application/json; charset=utf-8"), (json, "application/x-www-form-urlencoded"),
            (json, nil), (Array("\n  ".utf8) + json, nil), ([0xEF, 0xBB, 0xBF] + json, "text/plain;charset=UTF-8"),
            (form, "application/x-www-form-urlencoded; charset=UTF-8"), (form, nil), (form, "application/json"),
        ]
        for (body, type) in cases {
            #expect(V2Service.parseBody(body, contentType: type) == expected, "\(String(decoding: body, as: UTF8.self)) as \(type ?? "nothing")")
        }
    }

    /// The same answers, in-process, for v1 and v2 calls written with repeated and trailing
    /// slashes and shuffled queries.
    @Test func everyFormOfACallGetsTheCanonicalAnswer() async throws {
        var configuration = EmulatorConfiguration(seed: 7, size: DatasetSize(activities: 2_000), now: pinnedNow)
        configuration.v2 = V2Settings(accessToken: "tok", tokenUser: "justin", rateLimit: .off)
        let emulator = Emulator(configuration)
        let v2: EmulatorHeaders = ["trakt-api-version": "2", "trakt-api-key": "app", "Authorization": "Bearer tok"]
        let shouting: EmulatorHeaders = ["TRAKT-API-VERSION": "2", "Trakt-Api-Key": "app", "authorization": "bearer tok"]
        let pairs: [(String, String, EmulatorHeaders, EmulatorHeaders)] = [
            ("/users/justin/history?page=2&limit=10", "//users//justin/history/?limit=10&page=2", v2, shouting),
            ("/sync/ratings?limit=5&page=1&extended=full", "/sync/ratings/?extended=full&page=1&limit=5", v2, shouting),
            ("/activity/user.json/KEY/justin", "//activity//user.json/KEY/justin/", [:], [:]),
            ("/activity/community.json/KEY?min=1", "/activity/community.json/KEY/?min=1", [:], [:]),
        ]
        for (canonical, variant, headers, variantHeaders) in pairs {
            let a = await emulator.respond(EmulatorRequest(target: canonical, headers: headers))
            let b = await emulator.respond(EmulatorRequest(target: variant, headers: variantHeaders))
            #expect(a.status == 200, "\(canonical): \(String(decoding: a.body.prefix(200), as: UTF8.self))")
            #expect(b.status == a.status && b.body == a.body, "\(variant): \(b.status) \(String(decoding: b.body.prefix(200), as: UTF8.self))")
            #expect(b.headers == a.headers, "\(variant): \(b.headers.fields) vs \(a.headers.fields)")
        }
    }

    /// An outside client, Python's standard library (urllib, http.client), runs a device login
    /// three ways, reads four paged routes in four forms each, refreshes and revokes, over HTTP.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
    func anOutsidePythonClientWorksUnchanged() async throws {
        var configuration = EmulatorConfiguration(seed: 7, size: DatasetSize(activities: 2_000), now: pinnedNow)
        configuration.v2 = V2Settings(clientID: "py-client", clientSecret: "py-secret", tokenUser: "justin", deviceApproval: .auto,
                                      rateLimit: .off, deviceInterval: 0)
        let server = try await EmulatorServer.start(configuration)
        try await withEmulator(server) {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Clients/stdlib_v2_client.py").path
            let (text, status) = try await ClientProcess.run("/usr/bin/python3", [script, server.baseURL.absoluteString, "py-client", "py-secret"])
            #expect(status == 0, "\(text)")
            #expect(text.hasPrefix("ok ") && !text.contains("FAIL"), "\(text)")
        }
    }
}
