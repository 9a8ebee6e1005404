import Foundation
import Testing
import TestSupport
@testable import TraktQL
import TraktQLCurl

/// Issue 12 items 3, 4 and 8 at the library level: one sanitiser, whole-token redaction, and
/// bounds on what one call and one statement may cost.
@Suite struct RedactorTests {
    @Test func aOneCharacterKeyDoesNotCorruptMessages() {
        let redactor = Redactor(apiKey: "M")
        #expect(redactor.redact("response body larger than 16 MiB") == "response body larger than 16 MiB")
        #expect(redactor.redact("key M was refused") == "key <key> was refused")
        #expect(Redactor.redactingPathKeys(in: "larger than 64 MiB", key: "M") == "larger than 64 MiB")
        #expect(Redactor(apiKey: "key").redact("/activity/user.json/<key>/x key") == "/activity/user.json/<key>/x <key>")
    }

    @Test func everySecretAndItsShapesAreRemoved() {
        let credentials = BasicCredentials(username: "justin", password: "hunter2-pass")
        let redactor = Redactor(apiKey: "sekrit-key-4711", password: "hunter2-pass", credentials: credentials, tokens: ["tok-abc-123456"])
        let text = """
            key sekrit-key-4711, glued xsekrit-key-4711y, password hunter2-pass, sha1 \(credentials.passwordSHA1.uppercased()), \
            header \(credentials.authorizationHeader), Bearer eyJhbGciOi.payload.sig, {"refresh_token":"r-123"}, \
            access_token=a-456&x=1, http://bob:pw@host/x, token tok-abc-123456, /activity/user.json/other-key/justin
            """
        let out = redactor.redact(text)
        for secret in ["sekrit-key-4711", "hunter2-pass", credentials.passwordSHA1, credentials.passwordSHA1.uppercased(),
                       String(credentials.authorizationHeader.dropFirst(6)), "eyJhbGciOi", "r-123", "a-456", "bob:pw", "tok-abc-123456", "other-key"] {
            #expect(!out.contains(secret), "\(secret) in \(out)")
        }
        #expect(out.contains("http://<userinfo>@host/x"))
        #expect(out.contains("Bearer <token>"))
        #expect(redactor.redact(out) == out, "redacting twice changes nothing")
        #expect(redactor.containsSecret("let k = \"SEKRIT-KEY-4711\""))
        #expect(!redactor.containsSecret("activity show:lost"))
    }

    /// Found by the fuzzer (mode 0xF8): Foundation's case-insensitive `range(of:)` returned an
    /// index that trapped when searched from again.
    @Test func fuzzRegressionIndexOutOfBounds() {
        let bytes: [UInt8] = [0x4D, 0x0A, 0x89, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0A, 0x92, 0x2A, 0x6C, 0x61, 0x72, 0x67, 0x65, 0x72, 0x70, 0x77, 0x0A, 0x92, 0x6C, 0x61, 0x72, 0x23, 0x65, 0x72, 0x20, 0x74, 0x68, 0x20, 0x92, 0x1B, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x74, 0x68, 0x6E, 0x61, 0x20, 0x31, 0xD2, 0x20, 0xDB, 0x69, 0x00, 0x00, 0x00, 0x05, 0x74, 0x68, 0x61, 0x6E, 0x20, 0x31, 0x36, 0x20, 0x4D, 0x69, 0x42, 0x9B, 0x42, 0x9B]
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        let redactor = Redactor(apiKey: parts[0], password: parts[1], credentials: BasicCredentials(username: "u", password: parts[1]))
        let shown = redactor.terminalSafe(parts[2])
        #expect(TerminalSafety.isSafe(shown))
        #expect(redactor.terminalSafe(shown) == shown)
    }

    /// Found by the fuzzer (mode 0xF8): a password holding NUL bytes.
    @Test func fuzzRegressionControlCharactersInAPassword() {
        let bytes: [UInt8] = [0x4D, 0x0A, 0x6E, 0xF8, 0x00, 0x00, 0x00, 0x0A, 0x6E, 0xF8, 0x4D, 0x6E, 0xF8, 0x00, 0x00, 0x00, 0x0A, 0x6E, 0xF8, 0x4D, 0x0A, 0x0A, 0x61, 0x21, 0x0A, 0xFB, 0x9E, 0x0A, 0x0A, 0x61, 0x21, 0x0A, 0xFB, 0x9E, 0xDE, 0x61, 0x21, 0x0A, 0xFB, 0x9E, 0xDE, 0x07]
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        let redactor = Redactor(apiKey: parts[0], password: parts[1], credentials: BasicCredentials(username: "u", password: parts[1]))
        let shown = redactor.terminalSafe(parts[2])
        #expect(TerminalSafety.isSafe(shown))
        #expect(redactor.terminalSafe(shown) == shown, "\(shown.debugDescription) then \(redactor.terminalSafe(shown).debugDescription); secrets \(redactor.secrets.map(\.text.debugDescription))")
        for secret in redactor.secrets where secret.text.unicodeScalars.count >= 8 {
            #expect(!shown.contains(secret.text), "\(secret.text.debugDescription) in \(shown.debugDescription)")
        }
    }

    @Test func plainWordsAreLeftAlone() {
        let redactor = Redactor(apiKey: "ab")
        #expect(redactor.redact("HTTP Basic authentication failed for about a minute") == "HTTP Basic authentication failed for about a minute")
    }
}

@Suite struct ServerTextSanitiserTests {
    static let hostile = "bad\u{1B}[2J\u{1B}]52;c;cHduZWQ=\u{07}\u{202E}evil\u{9B}31m\r\nfake\u{2066}"

    static func dangerous(_ text: String) -> Bool {
        text.unicodeScalars.contains { v in
            let v = v.value
            return (v < 0x20 && v != 0x0A) || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
        }
    }

    @Test func apiAndNetworkErrorsNeverCarryControls() {
        for error in [TraktQLError.api(status: 401, message: Self.hostile, call: "GET /x"),
                      .network(message: Self.hostile, call: Self.hostile), .usage(Self.hostile)] {
            #expect(!Self.dangerous(error.description), "\(error.description.debugDescription)")
            #expect(error.description.contains("\\u{1B}[2J"), "shown, harmlessly")
        }
        #expect(TerminalSafety.isSafe("the-walking-dead"))
        #expect(!TerminalSafety.isSafe("the-walking-dead\u{1B}[2J"))
    }

    @Test func csvNeverPassesALoneCarriageReturn() {
        let out = Renderer.render(columns: ["t"], rows: [[.string("over\rwrite")], [.string("line\r\nbreak")]],
                                  options: RenderOptions(format: .csv, timeZone: TimeZone(identifier: "UTC")!, csvLineEnding: .lf))
        let scalars = Array(out.unicodeScalars)
        for (i, s) in scalars.enumerated() where s == "\r" {
            #expect(i + 1 < scalars.count && scalars[i + 1] == "\n", "lone CR in \(out.debugDescription)")
        }
        #expect(out.contains("over\u{FFFD}write"))
    }
}

@Suite(.serialized) struct ClientBoundsTests {
    static func engine(_ server: LoopbackServer, timeout: String? = nil) -> Engine {
        var settings = Settings()
        if let timeout { _ = settings.apply(name: "timeout", value: timeout) }
        var configuration = EngineConfiguration(apiURL: URL(string: server.baseURL)!, apiKey: "k", settings: settings,
                                                retryPolicy: RetryPolicy(maxAttempts: 4, baseDelay: 0.01, maxDelay: 0.05, retryAfterCap: 0.05),
                                                connectTimeout: 5, requestTimeout: 20)
        configuration.transport = CurlTransport.retrying(for: configuration)
        return Engine(configuration: configuration)
    }

    @Test func anEndlessBodyStopsAtSixteenMiBWithoutRetries() async throws {
        let server = try LoopbackServer { _, _ in LoopbackServer.Reply(mode: .endless) }
        defer { server.stop() }
        let started = Date()
        do {
            _ = try await Self.engine(server).run("activity user:justin")
            Issue.record("an endless body gave a result")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.description.contains("larger than 16 MiB"), "\(error)")
        }
        // The server's catalog is asked for first (the query names a user); the activity call once.
        #expect(server.requests.filter { $0.hasPrefix("GET /activity") }.count == 1, "a body too large is not fetched again: \(server.requests)")
        #expect(Date().timeIntervalSince(started) < 60)  // ~0.1 s alone; generous for a loaded shared machine
    }

    @Test func aTrickleEndsWithinTheStatementsTimeBudget() async throws {
        let server = try LoopbackServer { _, _ in LoopbackServer.Reply(mode: .trickle(interval: 0.2)) }
        defer { server.stop() }
        let started = Date()
        do {
            _ = try await Self.engine(server, timeout: "2s").run("activity user:justin,sean")
            Issue.record("a trickle gave a result")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.description.contains("timeout = 2 s"), "\(error)")
        }
        let elapsed = Date().timeIntervalSince(started)
        // 2 s budget; without one: 4 attempts × the 20 s request limit. Generous upper bound for load.
        #expect(elapsed >= 1.9 && elapsed < 20, "\(elapsed) s")
    }

    /// Issue 22, finding 5: a server announcing a billion pages of about 1 MiB each stops at
    /// `max_fetch` (all pages together), with an error naming the bound, not at many GB.
    @Test func aBillionPagesStopAtTheStatementsFetchBudget() async throws {
        let padding = String(repeating: "x", count: 4_000)
        let server = try LoopbackServer(keepAlive: true) { head, _ in
            guard head.contains("/history") else { return LoopbackServer.Reply(status: 404, body: "[]") }
            let page = Int(head.split(separator: "page=").dropFirst().first?.prefix { $0.isNumber } ?? "1") ?? 1
            let items = (0..<250).map { k -> String in
                let n = page * 250 + k
                let second = 1_700_000_000 - n
                let date = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(second)))
                return #"{"id":\#(n),"watched_at":"\#(date)","action":"watch","type":"movie","movie":{"title":"\#(padding)","year":2000,"ids":{"trakt":\#(n),"slug":"m\#(n)"}}}"#
            }
            return LoopbackServer.Reply(headers: ["Content-Type": "application/json", "X-Pagination-Page": String(page), "X-Pagination-Limit": "250",
                                                  "X-Pagination-Page-Count": "1000000000", "X-Pagination-Item-Count": "250000000000"],
                                        body: "[" + items.joined(separator: ",") + "]")
        }
        defer { server.stop() }
        var settings = Settings()
        settings.api = .v2
        #expect(settings.apply(name: "max_fetch", value: "4m") == nil)
        settings.maxPages = 100_000
        var configuration = EngineConfiguration(apiURL: URL(string: server.baseURL)!, apiKey: "k", settings: settings,
                                                retryPolicy: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.05), connectTimeout: 5, requestTimeout: 20)
        configuration.v2 = V2Credentials(clientID: "client")
        configuration.checksNamesWithServerCatalog = false
        configuration.transport = CurlTransport.retrying(for: configuration)
        do {
            _ = try await Engine(configuration: configuration).run("activity user:justin action:seen | limit all | count")
            Issue.record("a billion pages gave a result")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.description.contains("more than 4m (max_fetch)") && error.description.contains("set max_fetch = 16m"), "\(error)")
        }
        // About 1 MiB a page: the fifth page passes 4 MiB, and nothing is fetched after it.
        let pages = server.requests.filter { $0.contains("/history") }.count
        #expect(pages >= 4 && pages <= 6, "\(pages) pages fetched")
    }

    @Test func theMaxFetchSettingIsChecked() {
        var settings = Settings()
        #expect(settings.maxFetch == 256 << 20 && settings.value(of: "max_fetch") == "256m")
        #expect(settings.apply(name: "max_fetch", value: "2g") == nil && settings.maxFetch == 2 << 30)
        #expect(settings.apply(name: "max_fetch", value: "1536k") == nil && settings.value(of: "max_fetch") == "1536k")
        for bad in ["0", "10k", "65g", "-5m", "9999999999999999999g", "lots"] {
            #expect(settings.apply(name: "max_fetch", value: bad) != nil, "\(bad)")
        }
    }

    @Test func theTimeoutSettingIsChecked() {
        var settings = Settings()
        #expect(settings.timeout == 120)
        #expect(settings.apply(name: "timeout", value: "30s") == nil && settings.timeout == 30)
        #expect(settings.apply(name: "timeout", value: "0") != nil)
        #expect(settings.apply(name: "timeout", value: "2d") != nil)
        #expect(settings.value(of: "timeout") == "30s")
    }
}
