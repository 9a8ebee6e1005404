#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A tiny HTTP/1.1 responder on 127.0.0.1 (port chosen by the kernel), one thread per
/// connection, `Connection: close` on every answer. Enough to test the real URLSession transport
/// without any external server: canned answers, delays, dropped and truncated connections.
final class LoopbackServer: @unchecked Sendable {
    struct Reply: Sendable {
        enum Mode: Sendable { case normal, dropConnection, truncate(bytes: Int) }
        var status: Int = 200
        var headers: [String: String] = ["Content-Type": "application/json"]
        var body: String = ""
        var delay: TimeInterval = 0
        var mode: Mode = .normal
    }

    /// Gets the request head (request line + headers) and the number of the request (0-based).
    typealias Handler = @Sendable (_ head: String, _ index: Int) -> Reply

    let port: Int
    private let listener: Int32
    private let handler: Handler
    private let lock = NSLock()
    private var heads: [String] = []
    private var stopped = false

    var requests: [String] { lock.withLock { heads } }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(handler: @escaping Handler) throws {
        self.handler = handler
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 32) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.listener = fd
        self.port = Int(UInt16(bigEndian: addr.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Idempotent: the descriptor is closed once only (a second close could hit a descriptor
    /// number already reused by another test running in parallel).
    func stop() {
        let first: Bool = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { stop() }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if lock.withLock({ stopped }) { return }
                if errno == EINTR { continue }
                return
            }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let terminator: [UInt8] = [13, 10, 13, 10]
        while received.count < 65_536 {
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received.append(contentsOf: chunk[0..<n])
            if received.count >= 4, (0...(received.count - 4)).contains(where: { Array(received[$0..<$0 + 4]) == terminator }) { break }
        }
        let head = String(decoding: received, as: UTF8.self)
        let index: Int = lock.withLock { heads.append(head); return heads.count - 1 }
        let reply = handler(head, index)
        if reply.delay > 0 { Thread.sleep(forTimeInterval: reply.delay) }
        let body = Array(reply.body.utf8)
        var text = "HTTP/1.1 \(reply.status) \(reply.status == 200 ? "OK" : "Status")\r\n"
        text += "Content-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in reply.headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        var bytes = Array(text.utf8) + body
        switch reply.mode {
        case .dropConnection: return
        case .truncate(let keep): bytes = Array(bytes.prefix(text.utf8.count + keep))
        case .normal: break
        }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }
}
