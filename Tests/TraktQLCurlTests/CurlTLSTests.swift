import Foundation
import Testing
import TestSupport
import TraktQL
@testable import TraktQLCurl

/// https:// against a server with a certificate from a throwaway openssl CA: trust added by file
/// and by hashed directory, HTTP/2 where offered, and every refusal named.
@Suite("HTTP client over TLS", .serialized)
struct CurlTLSTests {
    /// Runs `body` against a server presenting `certificate` (the trusted CA's by default).
    static func withServer(_ certificate: (TestCertificates) -> String = { $0.serverCertificate },
                           _ body: (TLSTestServer, TestCertificates) async throws -> Void) async throws {
        let certificates = try await TestCertificates.make()
        let server = try await TLSTestServer.start(certificate: certificate(certificates), key: certificates.serverKey)
        do {
            try await body(server, certificates)
        } catch {
            await server.stop()
            certificates.remove()
            throw error
        }
        await server.stop()
        certificates.remove()
    }

    static func tlsProblem(_ error: any Error) -> String? {
        guard case TransportError.tls(_, let problem) = error else { return nil }
        return problem
    }

    @Test func aCAFileIsTrustedInAdditionAndHTTP2IsSpokenWhereOffered() async throws {
        try await Self.withServer { server, certificates in
            let transport = CurlTransport(configuration: .init(additionalTrustRootFiles: [certificates.caFile]))
            for _ in 0..<5 {
                let response = try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/ok")!, timeout: 10))
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self) == #"{"ok":true}"#)
            }
            let statistics = transport.statistics
            #expect(statistics.http2Calls == 5, "\(statistics)")
            #expect(statistics.connectionsOpened == 1, "\(statistics)")
            await transport.shutdown()
        }
    }

    /// A fan-out of four concurrent calls to an HTTP/2 server shares one connection.
    @Test func concurrentCallsShareOneHTTP2Connection() async throws {
        try await Self.withServer { server, certificates in
            let transport = CurlTransport(configuration: .init(additionalTrustRootFiles: [certificates.caFile]))
            let url = URL(string: server.baseURL + "/ok")!
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await transport.send(HTTPRequest(url: url, timeout: 10)).status } }
                for try await status in group { #expect(status == 200) }
            }
            #expect(transport.statistics.connectionsOpened == 1, "\(transport.statistics)")
            #expect(transport.statistics.http2Calls == 4)
            await transport.shutdown()
        }
    }

    /// `SSL_CERT_DIR`: a directory in OpenSSL's hashed layout is trusted too.
    @Test func aHashedCADirectoryIsTrusted() async throws {
        try await Self.withServer { server, certificates in
            var configuration = HTTPTransportConfiguration()
            configuration.additionalTrustRootDirectories = [try certificates.hashedCADirectory()]
            let response = try await CurlTransport(configuration: configuration).send(HTTPRequest(url: URL(string: server.baseURL + "/ok")!))
            #expect(response.status == 200)
        }
    }

    @Test func withoutTheCAItIsAnUntrustedIssuerNamedAndNotRetried() async throws {
        try await Self.withServer { server, _ in
            let sleeps = Sleeps()
            let transport = RetryingTransport(base: CurlTransport(), sleep: { await sleeps.record($0) })
            await #expect {
                _ = try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/ok")!))
            } throws: { error in
                guard let problem = Self.tlsProblem(error) else { return false }
                return problem.hasPrefix("its certificate (127.0.0.1) is issued by traktql test ca, a certificate authority that is not trusted")
                    && problem.contains("--cacert")
            }
            #expect(await sleeps.count == 0)
            #expect(server.calls == 0)
        }
    }

    @Test func aCertificateFromAnotherCAIsNamed() async throws {
        // The other CA's certificate has a key of its own.
        let certificates = try await TestCertificates.make()
        let server = try await TLSTestServer.start(certificate: certificates.otherCertificate, key: certificates.otherKey)
        let transport = CurlTransport(configuration: .init(additionalTrustRootFiles: [certificates.caFile]))
        let result = await outcome { try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/ok")!)) }
        await server.stop()
        certificates.remove()
        let problem = try #require(result.failure.flatMap(Self.tlsProblem))
        #expect(problem.contains("issued by traktql test other-ca"), "\(problem)")
    }

    @Test func anExpiredCertificateIsNamedWithItsDate() async throws {
        try await Self.withServer({ $0.expiredCertificate }) { server, certificates in
            let transport = CurlTransport(configuration: .init(additionalTrustRootFiles: [certificates.caFile]))
            let result = await outcome { try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/ok")!)) }
            let problem = try #require(result.failure.flatMap(Self.tlsProblem))
            #expect(problem.hasPrefix("its certificate (127.0.0.1) expired on 2020-01-31T00:00:00Z"), "\(problem)")
            #expect(!problem.lowercased().contains("openssl") && !problem.contains("SSL"), "\(problem)")
            #expect(server.calls == 0)
        }
    }

    @Test func aCertificateForAnotherHostNamesTheHostAndItsNames() async throws {
        try await Self.withServer({ $0.wrongHostCertificate }) { server, certificates in
            let transport = CurlTransport(configuration: .init(additionalTrustRootFiles: [certificates.caFile]))
            let result = await outcome { try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/ok")!)) }
            let error = try #require(result.failure as? TransportError)
            guard case .tls(let host, let problem) = error else { Issue.record("\(error)"); return }
            #expect(host == "127.0.0.1")
            #expect(problem.hasPrefix("its certificate (example.test) is for example.test, www.example.test, not 127.0.0.1"), "\(problem)")
            #expect(server.calls == 0)
        }
    }

    /// A redirect is an answer, never followed: a 307 from https:// to http:// must not take the
    /// Authorization header or the key in the path to the other server.
    @Test func aRedirectToPlainHTTPIsNotFollowed() async throws {
        let target = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { target.stop() }
        try await Self.withServer { server, certificates in
            let transport = CurlTransport(configuration: .init(additionalTrustRootFiles: [certificates.caFile]))
            let to = target.baseURL + "/activity/user.json/SECRETKEY42/justin"
            let url = URL(string: server.baseURL + "/redirect?to=" + to.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)!
            let response = try await transport.send(HTTPRequest(url: url, headers: ["Authorization": "Bearer sekrit-token"]))
            #expect(response.status == 307)
            #expect(response.header("Location") == to)
        }
        #expect(target.requests.isEmpty)
    }

    /// https:// through a proxy is tunnelled with CONNECT (the proxy sees host and port only),
    /// credentials included: they are encrypted end to end.
    @Test func httpsGoesThroughTheProxyWithCONNECT() async throws {
        try await Self.withServer { server, certificates in
            let proxy = try await ConnectProxy()
            let transport = CurlTransport(configuration: .init(additionalTrustRootFiles: [certificates.caFile],
                                                               proxies: ProxySettings(httpsProxy: proxy.url)))
            let response = try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/ok")!, headers: ["Authorization": "Bearer t"]))
            await proxy.stop()
            #expect(response.status == 200)
            #expect(proxy.requests == ["CONNECT 127.0.0.1:\(server.port) HTTP/1.1"])
            #expect(proxy.forwardedHeads.isEmpty)
        }
    }

    @Test func anUnreadableCAFileFailsHTTPSCallsWithATLSErrorNamingIt() async throws {
        let transport = CurlTransport(configuration: .init(additionalTrustRootFiles: ["/nonexistent/ca.pem"]))
        let result = await outcome { try await transport.send(HTTPRequest(url: URL(string: "https://127.0.0.1:9/x")!)) }
        let problem = try #require(result.failure.flatMap(Self.tlsProblem))
        #expect(problem.contains("/nonexistent/ca.pem") && problem.contains("no such file"), "\(problem)")
        // Plain http:// has nothing to trust: the same client still works there.
        let server = try LoopbackServer { _, _ in .init(body: "[]") }
        defer { server.stop() }
        #expect(try await transport.send(HTTPRequest(url: URL(string: server.baseURL + "/x")!)).status == 200)
    }

    /// The system store is read through its hashed directory, never the bundle file.
    @Test func theSystemTrustStoreIsTheHashedDirectory() throws {
        let directory = try #require(CurlTrust.systemDirectory, "no hashed CA directory on this machine")
        #expect(CurlTrust.isHashedDirectory(directory))
        let trust = try CurlTrust.load(HTTPTransportConfiguration())
        #expect(trust.path == directory)
        #expect(trust.pem == nil)
        #expect(CurlTrust.isHashedName("5ed36f99.0") && !CurlTrust.isHashedName("ca-certificates.crt") && !CurlTrust.isHashedName("5ed36f9.0"))
    }
}

actor Sleeps {
    private(set) var count = 0
    func record(_ seconds: TimeInterval) { count += 1 }
}

/// What `body` returned or threw.
func outcome<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
