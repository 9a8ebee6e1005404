import Testing
import TraktProtocol

/// Loopback by name: only what never reaches DNS counts.
@Suite struct LoopbackTests {
    @Test func literalAddressesAndLocalhostAreLoopback() {
        for host in ["127.0.0.1", "127.255.0.9", "::1", "[::1]", "::ffff:127.0.0.1", "localhost", "LocalHost"] {
            #expect(Loopback.isLoopback(host), "\(host)")
        }
    }

    /// `localhost.` is a fully qualified name that the resolver may send anywhere; `a.localhost`
    /// and `127.0.0.1.nip.io` too.
    @Test func namesThatReachTheResolverAreNot() {
        for host in ["localhost.", "LOCALHOST.", "a.localhost", "localhost.localdomain", "127.0.0.1.nip.io", "0.0.0.0", "::", "10.0.0.1", ""] {
            #expect(!Loopback.isLoopback(host), "\(host)")
        }
    }
}
