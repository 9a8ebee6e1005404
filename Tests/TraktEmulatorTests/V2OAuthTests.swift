import Foundation
import Testing

@testable import TraktEmulator
import TraktEmulatorServer
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("API v2: OAuth device flow, token grants, revoke")
struct V2OAuthTests {
    @Test("device flow: code, pending, token, refresh, refresh-token reuse rejected, revoke")
    func deviceFlow() async throws {
        let s = try await v2Server.value
        let creds = ["client_id": v2Client, "client_secret": "test-secret"]
        let code = try await postJSON(s, "/oauth/device/code", ["client_id": v2Client])
        #expect(code.status == 200)
        let device = try #require(code.json["device_code"] as? String)
        #expect((code.json["user_code"] as? String)?.count == 8)
        #expect(code.json["verification_url"] as? String == "https://trakt.tv/activate")
        #expect(code.json["expires_in"] as? Int == 600)
        #expect(code.json["interval"] as? Int == 0)

        let pending = try await postJSON(s, "/oauth/device/token", creds.merging(["code": device]) { a, _ in a })
        #expect(pending.status == 400)
        let token = try await postJSON(s, "/oauth/device/token", creds.merging(["code": device]) { a, _ in a })
        #expect(token.status == 200)
        let access = try #require(token.json["access_token"] as? String)
        let refresh = try #require(token.json["refresh_token"] as? String)
        #expect(token.json["token_type"] as? String == "bearer")
        #expect(token.json["expires_in"] as? Int == 7 * 86_400)
        #expect(token.json["scope"] as? String == "public")
        #expect(token.json["created_at"] is Int)
        let me = try await v2(s, "/users/me", token: access)
        #expect(me.json["username"] as? String == "justin")
        let reused = try await postJSON(s, "/oauth/device/token", creds.merging(["code": device]) { a, _ in a })
        #expect(reused.status == 409)
        #expect(try await postJSON(s, "/oauth/device/token", creds.merging(["code": "nope"]) { a, _ in a }).status == 404)

        // Refresh (JSON body), once.
        let refreshed = try await postJSON(
            s, "/oauth/token",
            creds.merging(["refresh_token": refresh, "grant_type": "refresh_token", "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"]) { a, _ in a })
        #expect(refreshed.status == 200)
        let access2 = try #require(refreshed.json["access_token"] as? String)
        let refresh2 = try #require(refreshed.json["refresh_token"] as? String)
        #expect(access2 != access && refresh2 != refresh)
        #expect(try await v2(s, "/users/me", token: access).status == 401, "the old access token ends with its refresh")
        let again = try await postJSON(
            s, "/oauth/token", creds.merging(["refresh_token": refresh, "grant_type": "refresh_token"]) { a, _ in a })
        #expect(again.status == 401)
        #expect(again.json["error"] as? String == "invalid_grant")

        // Refresh form-encoded with HTTP Basic client credentials.
        let form = "grant_type=refresh_token&refresh_token=\(refresh2)&redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob"
        let basic = "Basic " + Data("\(v2Client):test-secret".utf8).base64EncodedString()
        let formed = try await fetch(
            s, "/oauth/token", method: "POST", headers: ["Content-Type": "application/x-www-form-urlencoded", "Authorization": basic],
            body: Data(form.utf8))
        #expect(formed.status == 200)
        let access3 = try #require(formed.json["access_token"] as? String)
        #expect(try await v2(s, "/sync/history?limit=1", token: access3).status == 200)

        // Wrong client secret.
        let wrong = try await postJSON(s, "/oauth/token", ["client_id": v2Client, "client_secret": "x", "grant_type": "refresh_token", "refresh_token": "r"])
        #expect(wrong.status == 401)
        #expect(wrong.json["error"] as? String == "invalid_client")

        // Revoke.
        let revoke = try await postJSON(s, "/oauth/revoke", creds.merging(["token": access3]) { a, _ in a })
        #expect(revoke.status == 200)
        #expect(try await v2(s, "/users/me", token: access3).status == 401)
    }

    @Test("authorization_code grant: /oauth/authorize redirects with a code; the code works once")
    func authorizationCode() async throws {
        let s = try await v2Server.value
        let auth = try await fetch(s, "/oauth/authorize?response_type=code&client_id=\(v2Client)&redirect_uri=urn:ietf:wg:oauth:2.0:oob&state=xyz")
        #expect(auth.status == 200)
        let code = try #require(auth.json["code"] as? String)
        #expect(auth.json["state"] as? String == "xyz")
        let body = ["client_id": v2Client, "client_secret": "test-secret", "code": code, "grant_type": "authorization_code",
                    "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"]
        let t = try await postJSON(s, "/oauth/token", body)
        #expect(t.status == 200)
        #expect(t.json["access_token"] is String)
        #expect(try await postJSON(s, "/oauth/token", body).status == 401)
    }

    @Test("device codes: deny → 418, manual approval, expiry → 410, polling too fast → 429")
    func deviceStates() async throws {
        func server(_ approval: DeviceApproval, interval: Int = 0, lifetime: Int = 600) async throws -> EmulatorServer {
            var c = EmulatorConfiguration(seed: 3, size: DatasetSize(activities: 300), now: pinnedNow)
            c.v2 = V2Settings(deviceApproval: approval, rateLimit: .off, deviceInterval: interval, deviceCodeLifetime: lifetime)
            c.v2.approveFromLoopback = true
            return try await EmulatorServer.start(c)
        }
        func code(_ s: EmulatorServer) async throws -> (String, String) {
            let r = try await postJSON(s, "/oauth/device/code", ["client_id": "anything"])
            return (r.json["device_code"] as? String ?? "", r.json["user_code"] as? String ?? "")
        }
        func poll(_ s: EmulatorServer, _ device: String) async throws -> Int {
            try await postJSON(s, "/oauth/device/token", ["client_id": "anything", "code": device]).status
        }
        let deny = try await server(.deny)
        let (d1, _) = try await code(deny)
        #expect(try await poll(deny, d1) == 400)
        #expect(try await poll(deny, d1) == 418)
        await deny.stop()

        let manual = try await server(.manual)
        let (d2, u2) = try await code(manual)
        #expect(try await poll(manual, d2) == 400)
        #expect(try await poll(manual, d2) == 400)
        #expect(try await postJSON(manual, "/emulator/approve/NOPE1234", [:]).status == 404)
        #expect(try await postJSON(manual, "/emulator/approve/\(u2)", [:]).status == 200)
        #expect(try await poll(manual, d2) == 200)
        await manual.stop()

        let slow = try await server(.auto, interval: 5)
        let (d3, _) = try await code(slow)
        #expect(try await poll(slow, d3) == 400)
        #expect(try await poll(slow, d3) == 429)
        await slow.stop()

        let short = try await server(.auto, lifetime: 1)
        let (d4, _) = try await code(short)
        try await Task.sleep(for: .milliseconds(2100))
        #expect(try await poll(short, d4) == 410)
        await short.stop()
    }

    @Test("without --client-id any client id is accepted and reported once")
    func anyClient() async throws {
        final class Seen: @unchecked Sendable {
            private let lock = NSLock()
            private var list: [String] = []
            func add(_ id: String) {
                lock.lock()
                list.append(id)
                lock.unlock()
            }
            var ids: [String] {
                lock.lock()
                defer { lock.unlock() }
                return list
            }
        }
        let seen = Seen()
        var c = EmulatorConfiguration(seed: 3, size: DatasetSize(activities: 300), now: pinnedNow)
        c.v2 = V2Settings(onNotice: { line in seen.add(line) })
        let s = try await EmulatorServer.start(c)
        #expect(try await fetch(s, "/users/justin", headers: v2Headers(key: "abc")).status == 200)
        #expect(try await fetch(s, "/users/justin", headers: v2Headers(key: "abc")).status == 200)
        #expect(try await fetch(s, "/users/justin", headers: v2Headers(key: "def")).status == 200)
        await s.stop()
        #expect(seen.ids == ["v2 client id 'abc' accepted (no --client-id set)", "v2 client id 'def' accepted (no --client-id set)"])
    }
}

@Suite("API v2: HTTPS")
struct V2TLSTests {
    @Test("--tls-cert/--tls-key: https:// URL, a client trusting a throwaway CA gets v2 and v1 answers")
    func https() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("v2tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = dir.path
        let openssl = "/usr/bin/openssl"
        try #require(FileManager.default.isExecutableFile(atPath: openssl))
        let ext = "\(d)/ext.cnf"
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: ext, atomically: true, encoding: .utf8)
        for args in [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/ca.key", "-out", "\(d)/ca.pem", "-days", "2", "-subj", "/CN=traktql test CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/server.key", "-out", "\(d)/server.csr", "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", "\(d)/server.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca.key", "-CAcreateserial", "-out", "\(d)/server.pem",
             "-days", "2", "-extfile", ext],
        ] {
            let (status, output) = try runTool(openssl, args)
            try #require(status == 0, "openssl \(args[0]): \(output)")
        }
        var c = EmulatorConfiguration(seed: 3, size: DatasetSize(activities: 300), now: pinnedNow)
        c.v2 = V2Settings(rateLimit: .off)
        c.tls = TLSFiles(certificatePath: "\(d)/server.pem", keyPath: "\(d)/server.key")
        let s = try await EmulatorServer.start(c)
        try await withEmulator(s) {
            #expect(s.baseURL.scheme == "https")
            let url = s.baseURL.absoluteString
            let (status, body) = try runTool(
                "/usr/bin/curl", ["-sS", "--max-time", "20", "--cacert", "\(d)/ca.pem", "-H", "trakt-api-version: 2", "-H", "trakt-api-key: k", "\(url)/users/justin"])
            #expect(status == 0, "\(body)")
            #expect(body.contains("\"username\":\"justin\""))
            let (v1Status, v1Body) = try runTool("/usr/bin/curl", ["-sS", "--max-time", "20", "--cacert", "\(d)/ca.pem", "\(url)/server/time.json/KEY"])
            #expect(v1Status == 0 && v1Body.contains("timestamp"))
            // Without the CA the certificate is not trusted.
            let (untrusted, _) = try runTool("/usr/bin/curl", ["-sS", "--max-time", "20", "\(url)/users/justin"])
            #expect(untrusted != 0)
            // Bad files are a clean error, not a crash.
            var bad = c
            bad.tls = TLSFiles(certificatePath: "\(d)/missing.pem", keyPath: "\(d)/server.key")
            await #expect(throws: EmulatorError.self) { _ = try await EmulatorServer.start(bad) }
        }
    }
}
