#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a host names this machine only: `localhost`, an IPv4 address in 127.0.0.0/8, or
/// the IPv6 loopback `::1` (also as `[::1]`, and as the IPv4-mapped `::ffff:127.x.y.z`). The
/// address is parsed, not matched by prefix: `127.0.0.1.evil.example` is not loopback.
///
/// The one definition for the engine, the transport and the emulator. Only names that never
/// reach DNS count: literal addresses, and `localhost`, which traktql's HTTP client resolves to
/// 127.0.0.1 and ::1 itself. `localhost.` (a fully qualified name) and `*.localhost` go to the
/// resolver like any other name, so they are not loopback here.
public enum Loopback {
    public static func isLoopback(_ host: String) -> Bool {
        var name = host
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, name, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }  // ::1
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return bytes[12] == 127 }
            return false
        }
        return false
    }
}
