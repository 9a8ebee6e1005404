import Foundation
import Testing
@testable import TraktEmulator

/// The emulator as an OAuth server (issue 22): secrets from the CSPRNG, bounded state, what it
/// prints made safe, approval only by its operator, redirects only to the registered URI,
/// secrets compared in constant time. Through the core (`Emulator.respond`), no sockets.
@Suite struct OAuthSecurityTests {
    static let now = Date(timeIntervalSince1970: 1_732_449_600)

    static func emulator(seed: UInt64 = 1, _ configure: (inout V2Settings) -> Void = { _ in }) -> Emulator {
        var configuration = EmulatorConfiguration(seed: seed, size: DatasetSize(activities: 300), now: now)
        var v2 = V2Settings(clientID: "app", clientSecret: "app-secret", tokenUser: "justin", deviceApproval: .auto, rateLimit: .off, deviceInterval: 0)
        configure(&v2)
        configuration.v2 = v2
        return Emulator(configuration)
    }

    static func post(_ emulator: Emulator, _ path: String, _ form: [String: String], headers: EmulatorHeaders = [:], fromLoopback: Bool = false) async
        -> (status: Int, json: [String: Any], headers: EmulatorHeaders)
    {
        var headers = headers
        headers["Content-Type"] = "application/json"
        let body = try! JSONSerialization.data(withJSONObject: form)
        let answer = await emulator.respond(EmulatorRequest(method: "POST", target: path, headers: headers, body: [UInt8](body), fromLoopback: fromLoopback))
        return (answer.status, (try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]) ?? [:], answer.headers)
    }

    static func get(_ emulator: Emulator, _ target: String) async -> EmulatorResponse {
        await emulator.respond(EmulatorRequest(target: target, headers: ["trakt-api-version": "2", "trakt-api-key": "app"]))
    }

    /// Every secret one login hands out: device and user code, access and refresh token, and an
    /// authorization code.
    static func secrets(_ emulator: Emulator) async -> [String] {
        let code = await post(emulator, "/oauth/device/code", ["client_id": "app"])
        let device = code.json["device_code"] as? String ?? ""
        let userCode = code.json["user_code"] as? String ?? ""
        let credentials = ["client_id": "app", "client_secret": "app-secret", "code": device]
        _ = await post(emulator, "/oauth/device/token", credentials)  // pending
        let token = await post(emulator, "/oauth/device/token", credentials)
        let authorize = await emulator.respond(EmulatorRequest(target: "/oauth/authorize?response_type=code&client_id=app"))
        let authorization = (try? JSONSerialization.jsonObject(with: Data(authorize.body)) as? [String: Any])?["code"] as? String ?? ""
        return [device, userCode, token.json["access_token"] as? String ?? "", token.json["refresh_token"] as? String ?? "", authorization]
    }

    // MARK: - Finding 1: secrets from the system CSPRNG

    /// The same seed gives the same dataset, but never the same secrets: one observed code (or
    /// the default seed alone) predicts nothing about another emulator's, or the next, login.
    @Test func twoEmulatorsWithTheSameSeedIssueDifferentCodesAndTokens() async throws {
        let first = Self.emulator(seed: 1)
        let second = Self.emulator(seed: 1)
        let a = await Self.secrets(first)
        let b = await Self.secrets(second)
        for (x, y) in zip(a, b) {
            #expect(!x.isEmpty && !y.isEmpty, "\(a) \(b)")
            #expect(x != y, "the same secret from two emulators with seed 1: \(x)")
        }
        // The next login of the first emulator is not the second's first either.
        let next = await Self.secrets(first)
        #expect(Set(next).isDisjoint(with: a + b), "\(next)")
        #expect(a[0].count == 64 && a[2].count == 64 && a[3].count == 64 && a[4].count == 32, "\(a)")
        // The data stays seeded: the same history, byte for byte.
        let history = "/users/justin/history?page=1&limit=50"
        let left = await Self.get(first, history)
        let right = await Self.get(second, history)
        #expect(left.status == 200 && left.body == right.body)
    }

    // MARK: - Finding 6: what the emulator prints, and what it keeps

    @Test func clientIDsAreMadeSafeToPrintBeforeTheOperatorSeesThem() async throws {
        final class Lines: @unchecked Sendable {
            let lock = NSLock()
            var lines: [String] = []
        }
        let printed = Lines()
        let emulator = Self.emulator { v2 in
            v2.clientID = nil
            v2.onNotice = { line in printed.lock.locked { printed.lines.append(line) } }
        }
        let hostile = "ok\u{1B}]52;c;ZXZpbA==\u{07}\u{1B}[2J\u{202E}desrever\u{2066}\u{0}\u{9B}31m" + String(repeating: "x", count: 500)
        let answer = await emulator.respond(EmulatorRequest(target: "/users/justin", headers: ["trakt-api-version": "2", "trakt-api-key": hostile]))
        #expect(answer.status == 200)
        let lines = printed.lock.locked { printed.lines }
        #expect(lines.count == 1, "\(lines)")
        let line = lines.first ?? ""
        for scalar in line.unicodeScalars {
            #expect(!OperatorText.isUnsafe(scalar), "U+\(String(scalar.value, radix: 16)) reaches the operator's terminal: \(line.debugDescription)")
        }
        #expect(line.contains("ok\\u{1B}]52;c;ZXZpbA==\\u{7}\\u{1B}[2J\\u{202E}desrever\\u{2066}\\u{0}\\u{9B}31m"), "\(line)")
        #expect(line.count < 200, "cut to a line: \(line.count) characters")
    }

    @Test func operatorTextKeepsOrdinaryTextAndEscapesTheRest() {
        #expect(OperatorText.printable("my-app_1 (été, 東京)") == "my-app_1 (été, 東京)")
        #expect(OperatorText.printable("a\tb\nc\r\u{7F}") == "a\\u{9}b\\u{A}c\\u{D}\\u{7F}")
        #expect(OperatorText.printable("\u{200B}\u{FEFF}\u{2028}") == "\\u{200B}\\u{FEFF}\\u{2028}")
        #expect(OperatorText.printable(String(repeating: "y", count: 10), limit: 4) == "yyyy…")
        // The limit counts what is printed: escapes included.
        #expect(OperatorText.printable(String(repeating: "\u{1B}", count: 10), limit: 14) == "\\u{1B}\\u{1B}…")
    }

    /// Only so many client ids are remembered (each reported once); later ones are accepted,
    /// not remembered, and the operator is told once.
    @Test func rememberedClientIDsAreBounded() {
        let store = OAuthStore()
        var new = 0
        var overflow = 0
        for i in 0..<(OAuthStore.maximumReportedClients + 500) {
            switch store.sighting(ofClient: "client-\(i)") {
            case .new: new += 1
            case .overflow: overflow += 1
            case .known: break
            }
        }
        #expect(new == OAuthStore.maximumReportedClients && overflow == 1)
        #expect(store.sighting(ofClient: "client-0") == .known)
    }

    /// Device codes that expired are purged; live ones are capped (then 429 with Retry-After).
    @Test func expiredDeviceCodesArePurgedAndLiveOnesAreBounded() async throws {
        let store = OAuthStore()
        for _ in 0..<500 { _ = store.newDeviceCode(now: 1_000, lifetime: 5) }
        #expect(store.deviceCodeCount == 500)
        #expect(store.newDeviceCode(now: 1_010, lifetime: 5) != nil)
        #expect(store.deviceCodeCount == 1, "expired device codes are kept: \(store.deviceCodeCount)")

        let full = OAuthStore()
        for _ in 0..<OAuthStore.maximumDeviceCodes { #expect(full.newDeviceCode(now: 2_000, lifetime: 600) != nil) }
        #expect(full.newDeviceCode(now: 2_000, lifetime: 600) == nil)
        #expect(full.deviceCodeCount == OAuthStore.maximumDeviceCodes)
        // Once they expire, codes are issued again.
        #expect(full.newDeviceCode(now: 2_600, lifetime: 600) != nil)
        #expect(full.deviceCodeCount == 1)
    }

    @Test func authorizationCodesExpireAndAreBounded() {
        let store = OAuthStore()
        let code = store.newAuthorizationCode(user: 0, redirectURI: nil, now: 1_000)
        #expect(code != nil)
        #expect(store.redeem(authorizationCode: code!, now: 1_000 + OAuthStore.authorizationCodeLifetime) == nil, "an expired code still works")
        for _ in 0..<OAuthStore.maximumAuthorizationCodes { _ = store.newAuthorizationCode(user: 0, redirectURI: nil, now: 5_000) }
        #expect(store.newAuthorizationCode(user: 0, redirectURI: nil, now: 5_000) == nil)
        #expect(store.newAuthorizationCode(user: 0, redirectURI: nil, now: 5_000 + OAuthStore.authorizationCodeLifetime) != nil)
        #expect(store.authorizationCodeCount == 1)
    }

    /// Rate windows whose period is over are purged; past the cap, new keys share one window.
    @Test func rateWindowsArePurgedAndBounded() {
        let limiter = RateLimiter(RateLimit(limit: 5, period: 10))
        for i in 0..<3_000 { #expect(limiter.take("client:\(i)", now: 0).allowed) }
        #expect(limiter.windowCount == 3_000)
        _ = limiter.take("client:new", now: 11)
        #expect(limiter.windowCount == 1, "expired windows are kept: \(limiter.windowCount)")

        let full = RateLimiter(RateLimit(limit: 5, period: 300))
        for i in 0..<RateLimiter.maximumWindows { _ = full.take("k\(i)", now: 0) }
        for i in 0..<1_000 { _ = full.take("more\(i)", now: 1) }
        #expect(full.windowCount == RateLimiter.maximumWindows + 1, "\(full.windowCount)")
        // The keys past the cap share one window, so they are still limited (together).
        #expect(!full.take("yet-another", now: 2).allowed)
    }

    // MARK: - Finding 7: approving a device code needs the operator

    @Test func approvingACodeNeedsTheOperatorSecretOrAnAllowedLoopbackPeer() async throws {
        func pendingCode(_ emulator: Emulator) async -> String {
            await Self.post(emulator, "/oauth/device/code", ["client_id": "app"]).json["user_code"] as? String ?? ""
        }
        // Nothing configured: nobody, not even this machine.
        let closed = Self.emulator { $0.deviceApproval = .manual }
        let other = try #require(closed.dataset.catalogUsers.map(\.username).first { $0 != "justin" })
        let code = await pendingCode(closed)
        for loopback in [false, true] {
            let answer = await Self.post(closed, "/emulator/approve/\(code)", ["user": other], fromLoopback: loopback)
            #expect(answer.status == 403, "\(answer.json)")
            #expect((answer.json["error_description"] as? String ?? "").contains("--operator-secret-file"), "\(answer.json)")
        }
        // --approve-from-loopback: this machine only.
        let local = Self.emulator {
            $0.deviceApproval = .manual
            $0.approveFromLoopback = true
        }
        let localCode = await pendingCode(local)
        #expect(await Self.post(local, "/emulator/approve/\(localCode)", [:], fromLoopback: false).status == 403)
        #expect(await Self.post(local, "/emulator/approve/\(localCode)", [:], fromLoopback: true).status == 200)
        // --operator-secret-file: whoever holds the secret, from anywhere; nobody else.
        let secret = Self.emulator {
            $0.deviceApproval = .manual
            $0.operatorSecret = "operator-secret-7f3a"
        }
        let secretCode = await pendingCode(secret)
        #expect(await Self.post(secret, "/emulator/approve/\(secretCode)", [:], fromLoopback: true).status == 403)
        #expect(await Self.post(secret, "/emulator/approve/\(secretCode)", [:], headers: ["Authorization": "Bearer operator-secret-7f3"]).status == 403)
        #expect(await Self.post(secret, "/emulator/approve/\(secretCode)", [:], headers: ["Authorization": "Bearer app-secret"]).status == 403)
        let approved = await Self.post(secret, "/emulator/approve/\(secretCode)", ["user": other],
                                       headers: ["Authorization": "Bearer operator-secret-7f3a"])
        #expect(approved.status == 200 && approved.json["user"] as? String == other, "\(approved.json)")
    }

    @Test func theExposureWarningNamesOAuth() {
        var open = EmulatorConfiguration(host: "0.0.0.0")
        open.v2.tokenUser = "justin"
        #expect(open.exposureWarning.contains("OAuth (v2): any v2 client id is accepted"), "\(open.exposureWarning)")
        #expect(open.exposureWarning.contains("every OAuth device code is approved by itself as justin"), "\(open.exposureWarning)")
        #expect(open.exposureWarning.contains("any OAuth client secret is accepted"))
        var manual = EmulatorConfiguration(host: "0.0.0.0")
        manual.v2.deviceApproval = .manual
        manual.v2.operatorSecret = "s"
        manual.v2.clientID = "app"
        manual.v2.accessToken = "t"
        #expect(manual.exposureWarning.contains("approved by whoever holds the operator secret (POST /emulator/approve)"), "\(manual.exposureWarning)")
        #expect(manual.exposureWarning.contains("the pre-issued --access-token never expires"))
    }

    // MARK: - Low: redirects only to the registered URI; secrets compared in constant time

    @Test func authorizeRedirectsOnlyToTheRegisteredURIAndTokenChecksIt() async throws {
        let emulator = Self.emulator { $0.redirectURI = "https://app.example/callback" }
        let evil = await emulator.respond(EmulatorRequest(
            target: "/oauth/authorize?response_type=code&client_id=app&redirect_uri=https%3A%2F%2Fevil.example%2Fsteal&state=s"))
        #expect(evil.status == 400, "\(String(decoding: evil.body, as: UTF8.self))")
        #expect(evil.headers["Location"] == nil)
        let good = await emulator.respond(EmulatorRequest(
            target: "/oauth/authorize?response_type=code&client_id=app&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&state=s"))
        #expect(good.status == 302)
        let location = good.headers["Location"] ?? ""
        #expect(location.hasPrefix("https://app.example/callback?code="), "\(location)")
        let code = URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value ?? ""
        let form = ["client_id": "app", "client_secret": "app-secret", "grant_type": "authorization_code", "code": code]
        #expect(await Self.post(emulator, "/oauth/token", form).status == 400, "redirect_uri is required")
        #expect(await Self.post(emulator, "/oauth/token", form.merging(["redirect_uri": "https://evil.example/steal"]) { a, _ in a }).status == 401)
        let token = await Self.post(emulator, "/oauth/token", form.merging(["redirect_uri": "https://app.example/callback"]) { a, _ in a })
        #expect(token.status == 200 && token.json["access_token"] is String, "\(token.json)")
        // Without a redirect_uri the code goes to the registered one.
        let implicit = await emulator.respond(EmulatorRequest(target: "/oauth/authorize?response_type=code&client_id=app"))
        #expect(implicit.status == 302 && (implicit.headers["Location"] ?? "").hasPrefix("https://app.example/callback?code="))
        // The out-of-band default still answers JSON.
        let oob = Self.emulator()
        let shown = await oob.respond(EmulatorRequest(target: "/oauth/authorize?response_type=code&client_id=app&redirect_uri=urn:ietf:wg:oauth:2.0:oob"))
        #expect(shown.status == 200)
        let other = await oob.respond(EmulatorRequest(target: "/oauth/authorize?response_type=code&client_id=app&redirect_uri=https%3A%2F%2Fevil.example%2F"))
        #expect(other.status == 400 && other.headers["Location"] == nil)
    }

    @Test func constantTimeEqualityIsEquality() {
        #expect(ConstantTime.equals("", ""))
        #expect(ConstantTime.equals("app-secret", "app-secret"))
        #expect(!ConstantTime.equals("app-secret", "app-secreT"))
        #expect(!ConstantTime.equals("app-secret", "app-secret-longer"))
        #expect(!ConstantTime.equals("app-secret", ""))
        #expect(!ConstantTime.equals("a", "\u{0}a"))
        // A length that differs by a multiple of 256 is still a difference.
        #expect(!ConstantTime.equals(String(repeating: "a", count: 256), ""))
    }

    /// Every secret the emulator checks (client secret and id, operator secret, v1 API key and
    /// password digest) goes through ``ConstantTime``: no `==`/`!=` on one in the routing code.
    @Test func noSecretIsComparedWithEqualsInTheRoutingCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/TraktEmulator/Routing")
        let files = try #require(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        #expect(files.count > 5, "\(root.path)")
        let pattern = try NSRegularExpression(pattern: #"(secret|expected|password)\s*(==|!=)|(==|!=)\s*(expected|secret)\b"#)
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let range = NSRange(line.startIndex..., in: line)
                #expect(pattern.firstMatch(in: String(line), range: range) == nil, "\(file):\(number + 1): \(line)")
            }
        }
    }
}
