#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TraktProtocol

@testable import TraktEmulator
import TraktEmulatorServer
import TestSupport

/// Issue 12 item 9: the emulator bounds slow and idle connections, honours the fault header
/// only when asked, and tells the truth about what a non-loopback listener exposes.
@Suite struct EmulatorHardeningTests {
    @Test func theFaultHeaderIsIgnoredUnlessAllowed() async throws {
        let server = try await EmulatorServer.start(EmulatorConfiguration(seed: 3, size: DatasetSize(activities: 300), now: pinnedNow))
        try await withEmulator(server) {
            let plain = try await fetch(server, "/activity/community.json/KEY", headers: ["X-Emulator-Fault": "503"])
            #expect(plain.status == 200)
            let allowed = try await smallServer.value
            #expect(try await fetch(allowed, "/activity/community.json/KEY", headers: ["X-Emulator-Fault": "503"]).status == 503)
        }
    }

    @Test func loopbackIsParsedNotMatchedByPrefix() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1", "LOCALHOST"] {
            #expect(Loopback.isLoopback(host), "\(host)")
        }
        for host in ["127.0.0.1.evil.example", "127.example", "0.0.0.0", "::", "128.0.0.1", "10.0.0.1", "::ffff:10.0.0.1", "localhost.evil", "", "1270.0.0.1"] {
            #expect(!Loopback.isLoopback(host), "\(host)")
        }
        #expect(!EmulatorConfiguration(host: "127.0.0.1.nip.io").isLoopback)
    }

    @Test func theExposureWarningSaysWhatIsOpen() {
        let open = EmulatorConfiguration(host: "0.0.0.0").exposureWarning
        #expect(open.contains("any API key is accepted"))
        #expect(open.contains("\"password-\" followed by the username"))
        let keyed = EmulatorConfiguration(host: "0.0.0.0", apiKey: "k", allowFaultHeader: true).exposureWarning
        #expect(keyed.contains("only the configured API key"))
        #expect(keyed.contains("X-Emulator-Fault"))
    }

    /// A connection that trickles its request head (slowloris), or says nothing, is closed
    /// after the idle timeout; the server keeps serving others meanwhile.
    @Test func slowAndSilentConnectionsAreClosed() async throws {
        let server = try await EmulatorServer.start(EmulatorConfiguration(seed: 3, size: DatasetSize(activities: 300), now: pinnedNow,
                                                                          idleTimeout: .milliseconds(800)))
        try await withEmulator(server) {
            let silent = try RawClient(port: server.port)
            let trickler = try RawClient(port: server.port)
            let started = Date()
            // Long enough (20 s at 10 bytes/s) that only the server can end it; it is cut off after ~1 s.
            let head = Array(("GET /activity/community.json/KEY HTTP/1.1\r\nHost: x\r\nX-Pad: " + String(repeating: "a", count: 150)).utf8)
            var trickleClosedAt: TimeInterval?
            for byte in head {
                if !trickler.send([byte]) { trickleClosedAt = Date().timeIntervalSince(started); break }
                if trickler.isClosed() { trickleClosedAt = Date().timeIntervalSince(started); break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(trickleClosedAt != nil, "a request head sent one byte per 100 ms was never cut off")
            if let trickleClosedAt { #expect(trickleClosedAt < 15) }  // 0.8 s idle timeout; generous for a loaded machine
            var silentClosed = false
            for _ in 0..<100 where !silentClosed {  // polled without blocking the cooperative pool
                silentClosed = silent.isClosed()
                if !silentClosed { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(silentClosed, "a silent connection stayed open")
            #expect(try await fetch(server, "/activity/community.json/KEY").status == 200)
        }
    }
}

/// A blocking TCP client for poking at the server byte by byte.
final class RawClient {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Whether the peer has closed (a read would return 0 or fail) — without waiting.
    func isClosed() -> Bool { waitClosed(timeout: 0) }

    func waitClosed(timeout: TimeInterval) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, Int32(timeout * 1000)) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK)) <= 0
    }
}
