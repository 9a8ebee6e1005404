import Foundation
import Testing
import TestSupport
import TraktEmulator
import TraktEmulatorServer

/// `traktql` over `https://`: a throwaway CA made by openssl, the emulator serving HTTPS with a
/// certificate from it (`EmulatorConfiguration.tls`, as `trakt-emulator --tls-cert --tls-key`),
/// and a small CONNECT proxy. The rows over TLS must be the rows over plain HTTP.
@Suite("TLS end to end", .serialized)
struct TLSEndToEndTests {
    static let query = "activity action:seen | select time, who, sxe | limit 20"
    static let common = ["--format", "ndjson", "--tz", "UTC", "--now", "2024-06-01T12:00:00Z"]
    static let key = ["TRAKT_API_KEY": "k"]

    /// The emulator over http, the same dataset over https with `certificate`, and the certificates.
    struct Setup {
        let plain: EmulatorServer
        let secure: EmulatorServer
        let certificates: TestCertificates

        static func start(certificate: (TestCertificates) -> (String, String) = { ($0.serverCertificate, $0.serverKey) }) async throws -> Setup {
            let certificates = try await TestCertificates.make()
            let (cert, key) = certificate(certificates)
            // Both servers on one pinned clock, so that they hold the same activities.
            let now = ISO8601DateFormatter().date(from: "2024-06-01T12:00:00Z")
            var secureConfiguration = EmulatorConfiguration(seed: 3, size: DatasetScale.small.size, now: now)
            secureConfiguration.tls = TLSFiles(certificatePath: cert, keyPath: key)
            let secure = try await EmulatorServer.start(secureConfiguration)
            let plain = try await EmulatorServer.start(EmulatorConfiguration(seed: 3, size: DatasetScale.small.size, now: now))
            return Setup(plain: plain, secure: secure, certificates: certificates)
        }

        var secureURL: String { secure.baseURL.absoluteString }
        var securePort: Int { secure.baseURL.port ?? 0 }

        func stop() async {
            await secure.stop()
            await plain.stop()
            certificates.remove()
        }

        func overHTTP() async throws -> BinaryRunner.Output {
            try await BinaryRunner.run("traktql", ["--api-url", plain.baseURL.absoluteString] + TLSEndToEndTests.common + ["-c", TLSEndToEndTests.query],
                                       environment: TLSEndToEndTests.key)
        }

        func overHTTPS(_ extra: [String] = [], environment: [String: String] = [:]) async throws -> BinaryRunner.Output {
            try await BinaryRunner.run("traktql", ["--api-url", secureURL] + extra + TLSEndToEndTests.common + ["-c", TLSEndToEndTests.query],
                                       environment: TLSEndToEndTests.key.merging(environment) { $1 })
        }
    }

    @Test func sslCertFileTrustsTheCAAndGivesTheSameRowsAsHTTP() async throws {
        let setup = try await Setup.start()
        let plain = try await setup.overHTTP()
        let tls = try await setup.overHTTPS(environment: ["SSL_CERT_FILE": setup.certificates.caFile])
        await setup.stop()
        #expect(setup.secureURL.hasPrefix("https://127.0.0.1:"))
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(tls.status == 0, "\(tls.stderr)")
        #expect(plain.stdout.split(separator: "\n").count == 20)
        #expect(tls.stdout == plain.stdout)
    }

    @Test func cacertFlagTrustsTheCAAndGivesTheSameRowsAsHTTP() async throws {
        let setup = try await Setup.start()
        let plain = try await setup.overHTTP()
        let tls = try await setup.overHTTPS(["--cacert", setup.certificates.caFile])
        await setup.stop()
        #expect(tls.status == 0, "\(tls.stderr)")
        #expect(plain.stdout.split(separator: "\n").count == 20)
        #expect(tls.stdout == plain.stdout)
    }

    @Test func withoutTheCAItIsAnUntrustedCertificateExitTwo() async throws {
        let setup = try await Setup.start()
        let out = try await setup.overHTTPS()
        await setup.stop()
        #expect(out.status == 2, "\(out.stderr)")
        #expect(out.stdout.isEmpty)
        #expect(out.stderr.contains("TLS error with 127.0.0.1"), "\(out.stderr)")
        #expect(out.stderr.contains("issued by traktql test ca, a certificate authority that is not trusted"), "\(out.stderr)")
        #expect(out.stderr.contains("--cacert"))
    }

    @Test func aCertificateFromAnotherCAIsRefusedExitTwo() async throws {
        let setup = try await Setup.start { ($0.otherCertificate, $0.otherKey) }
        let out = try await setup.overHTTPS(["--cacert", setup.certificates.caFile])
        await setup.stop()
        #expect(out.status == 2, "\(out.stderr)")
        #expect(out.stdout.isEmpty)
        #expect(out.stderr.contains("TLS error with 127.0.0.1"), "\(out.stderr)")
        #expect(out.stderr.contains("issued by traktql test other-ca"), "\(out.stderr)")
    }

    @Test func anExpiredCertificateIsRefusedAndNamedExitTwo() async throws {
        let setup = try await Setup.start { ($0.expiredCertificate, $0.serverKey) }
        let out = try await setup.overHTTPS(["--cacert", setup.certificates.caFile])
        await setup.stop()
        #expect(out.status == 2, "\(out.stderr)")
        #expect(out.stdout.isEmpty)
        #expect(out.stderr.contains("TLS error with 127.0.0.1"), "\(out.stderr)")
        #expect(out.stderr.contains("expired on 2020-01-31"), "\(out.stderr)")
    }

    /// The key sits in the v1 URL path; a TLS failure names the call, never the key.
    @Test func aTLSFailureDoesNotShowTheKey() async throws {
        let setup = try await Setup.start()
        let secret = "sekrit-tls-key-4711"
        let out = try await setup.overHTTPS(environment: ["TRAKT_API_KEY": secret])
        await setup.stop()
        #expect(out.status == 2, "\(out.stderr)")
        #expect(out.stderr.contains("TLS error"), "\(out.stderr)")
        #expect(out.stderr.contains("<key>"), "\(out.stderr)")
        #expect(!out.stderr.contains(secret), "\(out.stderr)")
    }

    @Test func httpsProxyCarriesTheCallThroughCONNECT() async throws {
        let setup = try await Setup.start()
        let proxy = try await ConnectProxy()
        let plain = try await setup.overHTTP()
        let tls = try await setup.overHTTPS(["--cacert", setup.certificates.caFile], environment: ["HTTPS_PROXY": proxy.url])
        let seen = proxy.requests
        // The lower-case form works too.
        let lower = try await setup.overHTTPS(["--cacert", setup.certificates.caFile], environment: ["https_proxy": proxy.url])
        let seenAfterLower = proxy.requests
        // NO_PROXY names the host: straight to it, the proxy sees nothing more.
        let bypass = try await setup.overHTTPS(["--cacert", setup.certificates.caFile],
                                               environment: ["https_proxy": proxy.url, "no_proxy": "localhost,127.0.0.1"])
        let seenAfterBypass = proxy.requests
        await proxy.stop()
        await setup.stop()
        #expect(tls.status == 0, "\(tls.stderr)")
        #expect(tls.stdout == plain.stdout)
        #expect(!seen.isEmpty)
        #expect(seen.allSatisfy { $0 == "CONNECT 127.0.0.1:\(setup.securePort) HTTP/1.1" }, "\(seen)")
        #expect(lower.status == 0 && lower.stdout == plain.stdout, "\(lower.stderr)")
        #expect(seenAfterLower.count > seen.count)
        #expect(bypass.status == 0 && bypass.stdout == plain.stdout, "\(bypass.stderr)")
        #expect(seenAfterBypass.count == seenAfterLower.count)
    }

    /// `http_proxy` never carries a credential in cleartext: a loopback server goes direct (the
    /// rows as without the proxy, which sees nothing), and a call with the key in its path to
    /// another host is refused with the reason, exit 2, before anything reaches the proxy.
    @Test func httpProxyNeverCarriesCredentialsInCleartext() async throws {
        let setup = try await Setup.start()
        let proxy = try await ConnectProxy()
        let plain = try await setup.overHTTP()
        let proxied = try await BinaryRunner.run("traktql", ["--api-url", setup.plain.baseURL.absoluteString] + Self.common + ["-c", Self.query],
                                                 environment: Self.key.merging(["http_proxy": proxy.url]) { $1 })
        let seenForLoopback = proxy.requests
        // The test proxy takes every name to 127.0.0.1, so this host would reach the emulator.
        let remote = try await BinaryRunner.run("traktql", ["--api-url", "http://api.example.test:\(setup.plain.port)"] + Self.common + ["-c", Self.query],
                                                environment: Self.key.merging(["HTTP_PROXY": proxy.url]) { $1 })
        let seen = proxy.requests
        let heads = proxy.forwardedHeads
        await proxy.stop()
        await setup.stop()
        #expect(proxied.status == 0, "\(proxied.stderr)")
        #expect(proxied.stdout == plain.stdout)
        #expect(seenForLoopback.isEmpty, "\(seenForLoopback)")
        #expect(remote.status == 2, "\(remote.stderr)")
        #expect(remote.stdout.isEmpty)
        #expect(remote.stderr.contains("refusing to send the API key in the path over plain http:// through the proxy http://127.0.0.1:\(proxy.port)"), "\(remote.stderr)")
        #expect(remote.stderr.contains("NO_PROXY"), "\(remote.stderr)")
        #expect(!seen.contains { $0.contains("/activity/") }, "\(seen)")
        #expect(!heads.contains { $0.contains(".json/k") }, "\(heads)")
    }

    @Test func aDeadProxyIsANetworkErrorNamingTheProxy() async throws {
        let setup = try await Setup.start()
        let out = try await setup.overHTTPS(["--cacert", setup.certificates.caFile], environment: ["HTTPS_PROXY": "http://127.0.0.1:9"])
        await setup.stop()
        #expect(out.status == 2, "\(out.stderr)")
        #expect(out.stderr.contains("proxy"), "\(out.stderr)")
    }

    @Test func anUnusableCAFileIsAUsageError() async throws {
        let missing = try await BinaryRunner.run("traktql", ["--cacert", "/nonexistent/ca.pem", "-c", "explain activity"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("--cacert /nonexistent/ca.pem: no such file"), "\(missing.stderr)")
        let notPEM = try await BinaryRunner.run("traktql", ["--cacert", "Package.swift", "-c", "explain activity"])
        #expect(notPEM.status == 1)
        #expect(notPEM.stderr.contains("holds no PEM certificate"), "\(notPEM.stderr)")
        let badEnvironment = try await BinaryRunner.run("traktql", ["--api-url", "https://127.0.0.1:9", "-c", "explain activity"],
                                                        environment: ["SSL_CERT_FILE": "/nonexistent/ca.pem"])
        #expect(badEnvironment.status == 1)
        #expect(badEnvironment.stderr.contains("SSL_CERT_FILE /nonexistent/ca.pem: no such file"), "\(badEnvironment.stderr)")
    }
}
