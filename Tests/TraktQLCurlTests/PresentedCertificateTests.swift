import Foundation
import Testing
import TraktQL
@testable import TraktQLCurl

/// How a refused certificate is put into words, from libcurl's description of the chain.
@Suite("Certificate problems in words")
struct PresentedCertificateTests {
    static let leafLines = [
        "Subject:CN = 127.0.0.1", "Issuer:O = Test Org, CN = traktql test ca", "Version:2",
        "X509v3 Subject Alternative Name:IP Address:127.0.0.1, DNS:localhost",
        "Start date:Jan  1 00:00:00 2020 GMT", "Expire date:Jan 31 00:00:00 2020 GMT",
    ]

    @Test func readsNamesDatesAndAlternativeNames() throws {
        let certificate = PresentedCertificate(lines: Self.leafLines)
        #expect(certificate.subject == "127.0.0.1")
        #expect(certificate.issuer == "Test Org, traktql test ca")
        #expect(certificate.names == ["127.0.0.1", "localhost"])
        #expect(PresentedCertificate.shown(try #require(certificate.notBefore)) == "2020-01-01T00:00:00Z")
        #expect(PresentedCertificate.shown(try #require(certificate.notAfter)) == "2020-01-31T00:00:00Z")
        #expect(PresentedCertificate.date("Feb 30 99:00:00 2020 GMT") == nil)
        #expect(PresentedCertificate.date("garbage") == nil)
        // Without alternative names, the common name is what it is for.
        #expect(PresentedCertificate(lines: ["Subject:O = X, CN = api.example.test"]).names == ["api.example.test"])
    }

    @Test func eachProblemIsNamed() {
        let chain = [PresentedCertificate(lines: Self.leafLines)]
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func describe(_ code: Int, _ text: String = "") -> String {
            CertificateRejection.describe(code: code, chain: chain, host: "127.0.0.1", libraryText: text, now: now)
        }
        #expect(describe(10).hasPrefix("its certificate (127.0.0.1) expired on 2020-01-31T00:00:00Z"))
        #expect(describe(18).hasPrefix("its certificate (127.0.0.1) is self-signed and not trusted"))
        #expect(describe(20).hasPrefix("its certificate (127.0.0.1) is issued by Test Org, traktql test ca, a certificate authority that is not trusted"))
        #expect(describe(0, "SSL: no alternative certificate subject name matches target host name 'x'")
                    .hasPrefix("its certificate (127.0.0.1) is for 127.0.0.1, localhost, not 127.0.0.1"))
        #expect(describe(26, "SSL certificate problem: unsuitable certificate purpose")
                    .hasPrefix("its certificate (127.0.0.1) could not be verified (unsuitable certificate purpose)"))
        // Without the chain (the server went away before the second handshake) it still says what.
        #expect(CertificateRejection.describe(code: 10, chain: [], host: "h", libraryText: "", now: now).hasPrefix("its certificate has expired"))
    }
}
