import Foundation
import Testing
import TestSupport
import TraktEmulator
import TraktEmulatorServer

/// The v2 backend as a Trakt account uses it: `https://`, a client id and a bearer token, here
/// against the emulator serving HTTPS with a certificate from a throwaway openssl CA. The
/// answers over TLS must be the answers over plain http to the same dataset, and the token must
/// appear nowhere in what traktql prints.
@Suite("v2 over https", .serialized)
struct V2OverTLSTests {
    static let token = "v2-tls-token-7c1e9a52"
    static let clientID = "v2-tls-client"
    static let common = ["--api", "v2", "--client-id", clientID, "--format", "ndjson", "--tz", "UTC", "--now", "2024-06-01T12:00:00Z"]

    static func servers(_ certificates: TestCertificates) async throws -> (secure: EmulatorServer, plain: EmulatorServer) {
        let now = ISO8601DateFormatter().date(from: "2024-06-01T12:00:00Z")
        let v2 = V2Settings(clientID: clientID, accessToken: token, tokenUser: "justin", rateLimit: .off)
        var secure = EmulatorConfiguration(seed: 3, size: DatasetScale.small.size, now: now)
        secure.tls = TLSFiles(certificatePath: certificates.serverCertificate, keyPath: certificates.serverKey)
        secure.v2 = v2
        var plain = EmulatorConfiguration(seed: 3, size: DatasetScale.small.size, now: now)
        plain.v2 = v2
        return (try await EmulatorServer.start(secure), try await EmulatorServer.start(plain))
    }

    @Test(arguments: [
        "activity user:me | count",
        "activity user:me action:seen since:60d | select time, title, sxe | limit 30",
        "activity user:justin action:rating | stats count by rating",
    ])
    func theSameAnswersAsOverHTTP(query: String) async throws {
        let certificates = try await TestCertificates.make()
        let (secure, plain) = try await Self.servers(certificates)
        let environment = ["TRAKT_ACCESS_TOKEN": Self.token]
        let tls = try await BinaryRunner.run("traktql", ["--api-url", secure.baseURL.absoluteString, "--cacert", certificates.caFile]
                                             + Self.common + ["-c", query], environment: environment)
        let http = try await BinaryRunner.run("traktql", ["--api-url", plain.baseURL.absoluteString] + Self.common + ["-c", query],
                                              environment: environment)
        await secure.stop()
        await plain.stop()
        certificates.remove()
        #expect(secure.baseURL.absoluteString.hasPrefix("https://"))
        #expect(tls.status == 0, "\(tls.stderr)")
        #expect(http.status == 0, "\(http.stderr)")
        #expect(!tls.stdout.isEmpty)
        #expect(!tls.stdout.contains("\"count\":0"))
        #expect(tls.stdout == http.stdout)
        for output in [tls.stdout, tls.stderr, http.stdout, http.stderr] {
            #expect(!output.contains(Self.token))
        }
    }

    @Test func anUntrustedCertificateStopsTheTokenFromLeaving() async throws {
        let certificates = try await TestCertificates.make()
        let (secure, plain) = try await Self.servers(certificates)
        let out = try await BinaryRunner.run("traktql", ["--api-url", secure.baseURL.absoluteString] + Self.common + ["-c", "activity user:me | count"],
                                             environment: ["TRAKT_ACCESS_TOKEN": Self.token])
        await secure.stop()
        await plain.stop()
        certificates.remove()
        #expect(out.status == 2, "\(out.stderr)")
        #expect(out.stderr.contains("certificate"), "\(out.stderr)")
        #expect(out.stdout.isEmpty)
        #expect(!out.stderr.contains(Self.token))
    }
}

/// A rate limit's wait is said on stderr (not a silent pause), and the answer is the one an
/// unlimited server gives.
@Suite("v2 rate-limit waits are shown")
struct V2RateLimitNoticeTests {
    @Test func aWaitLongerThanASecondIsSaidOnStderr() async throws {
        let now = ISO8601DateFormatter().date(from: "2024-06-01T12:00:00Z")
        var limited = EmulatorConfiguration(seed: 3, size: DatasetScale.small.size, now: now)
        limited.v2 = V2Settings(accessToken: "t", tokenUser: "justin", rateLimit: RateLimit(limit: 1, period: 4))
        var unlimited = EmulatorConfiguration(seed: 3, size: DatasetScale.small.size, now: now)
        unlimited.v2 = V2Settings(accessToken: "t", tokenUser: "justin", rateLimit: .off)
        let slow = try await EmulatorServer.start(limited)
        let fast = try await EmulatorServer.start(unlimited)
        let query = ["--api", "v2", "--client-id", "c", "--now", "2024-06-01T12:00:00Z", "--format", "ndjson",
                     "-c", "activity user:justin action:seen,rating since:60d | count"]
        let waited = try await BinaryRunner.run("traktql", ["--api-url", slow.baseURL.absoluteString] + query, timeout: 60)
        let reference = try await BinaryRunner.run("traktql", ["--api-url", fast.baseURL.absoluteString] + query)
        await slow.stop()
        await fast.stop()
        #expect(waited.status == 0, "\(waited.stderr)")
        #expect(waited.stderr.contains("HTTP 429") && waited.stderr.contains("waiting"), "\(waited.stderr)")
        #expect(reference.status == 0 && !reference.stderr.contains("HTTP 429"), "\(reference.stderr)")
        #expect(waited.stdout == reference.stdout && !waited.stdout.isEmpty)
    }
}
