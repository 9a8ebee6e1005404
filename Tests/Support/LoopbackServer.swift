#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A tiny HTTP/1.1 responder on 127.0.0.1 (port chosen by the kernel), one thread per
/// connection, `Connection: close` on every answer unless `keepAlive`. Enough to test the real
/// transports without any external server: canned answers, delays, dropped and truncated
/// connections, chunked bodies, connections kept open or closed after each answer.
public final class LoopbackServer: @unchecked Sendable {
    public struct Reply: Sendable {
        public enum Mode: Sendable {
            case normal, dropConnection, truncate(bytes: Int), chunked(size: Int)
            /// A chunked body that never ends (64 KiB chunks as fast as the client reads).
            case endless
            /// The body one byte per `interval` seconds, for ever (a Content-Length it never reaches).
            case trickle(interval: TimeInterval)
        }
        public var status: Int = 200
        public var headers: [String: String] = ["Content-Type": "application/json"]
        public var body: String = ""
        public var delay: TimeInterval = 0
        public var mode: Mode = .normal

        public init(status: Int = 200, headers: [String: String] = ["Content-Type": "application/json"], body: String = "",
                    delay: TimeInterval = 0, mode: Mode = .normal) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
            self.mode = mode
        }
    }

    /// Gets the request head (request line + headers) and the number of the request (0-based).
    public typealias Handler = @Sendable (_ head: String, _ index: Int) -> Reply

    public let port: Int
    private let listener: Int32
    private let handler: Handler
    private let keepAlive: Bool
    private let lock = NSLock()
    private var heads: [String] = []
    private var connections = 0
    private var stopped = false

    public var requests: [String] { lock.withLock { heads } }
    /// Connections accepted so far.
    public var connectionCount: Int { lock.withLock { connections } }
    /// The address it listens on (`127.0.0.1`, or another loopback address such as `127.0.0.2`).
    public let host: String
    public var baseURL: String { "http://\(host):\(port)" }

    /// - Parameter keepAlive: answer every request on a connection until the client closes it,
    ///   instead of closing after the first answer.
    public init(keepAlive: Bool = false, host: String = "127.0.0.1", handler: @escaping Handler) throws {
        self.host = host
        self.handler = handler
        self.keepAlive = keepAlive
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
        addr.sin_addr.s_addr = inet_addr(host)
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

    /// Idempotent. Only shuts the listener down: the accept loop closes it on its way out, so
    /// the loop can never call `accept` on a descriptor number that another test's socket has
    /// reused meanwhile (that would steal its connections).
    public func stop() {
        let first: Bool = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    deinit { stop() }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if lock.withLock({ stopped }) { return }
                if errno == EINTR { continue }
                return
            }
            if lock.withLock({ stopped }) { close(client); return }
            lock.withLock { connections += 1 }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        // Long enough that a slow test run (2 cores, many suites at once) never sees the server
        // give up on a kept-alive connection between two calls.
        var timeout = timeval(tv_sec: keepAlive ? 60 : 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        repeat {
            guard let head = readHead(client, buffer: &received) else { return }
            let index: Int = lock.withLock { heads.append(head); return heads.count - 1 }
            let reply = handler(head, index)
            if reply.delay > 0 { Thread.sleep(forTimeInterval: reply.delay) }
            guard write(reply, to: client) else { return }
        } while keepAlive
    }

    /// The next request head; its body (by Content-Length) is read and dropped.
    private func readHead(_ client: Int32, buffer received: inout [UInt8]) -> String? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let terminator: [UInt8] = [13, 10, 13, 10]
        func end() -> Int? {
            guard received.count >= 4 else { return nil }
            return (0...(received.count - 4)).first { Array(received[$0..<$0 + 4]) == terminator }
        }
        while end() == nil {
            guard received.count < 65_536 else { return nil }
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            received.append(contentsOf: chunk[0..<n])
        }
        let headEnd = end()! + 4
        let head = String(decoding: received[..<headEnd], as: UTF8.self)
        received.removeFirst(headEnd)
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        while received.count < length {
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            received.append(contentsOf: chunk[0..<n])
        }
        received.removeFirst(length)
        return head
    }

    private func write(_ reply: Reply, to client: Int32) -> Bool {
        let body = Array(reply.body.utf8)
        var text = "HTTP/1.1 \(reply.status) \(reply.status == 200 ? "OK" : "Status")\r\n"
        switch reply.mode {
        case .chunked, .endless:
            text += "Transfer-Encoding: chunked\r\n"
        case .trickle:
            text += "Content-Length: 1000000\r\n"
        default:
            text += "Content-Length: \(body.count)\r\n"
        }
        if !keepAlive { text += "Connection: close\r\n" }
        for (name, value) in reply.headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        var bytes = Array(text.utf8)
        func sendAll(_ bytes: [UInt8]) -> Bool {
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return false }
                sent += n
            }
            return true
        }
        switch reply.mode {
        case .endless:
            guard sendAll(bytes) else { return false }
            let chunk = Array("10000\r\n".utf8) + [UInt8](repeating: UInt8(ascii: " "), count: 0x10000) + [13, 10]
            while sendAll(chunk) {}
            return false
        case .trickle(let interval):
            guard sendAll(bytes) else { return false }
            while sendAll([UInt8(ascii: " ")]) { Thread.sleep(forTimeInterval: interval) }
            return false
        case .dropConnection: return false
        case .truncate(let keep): bytes += body.prefix(keep)
        case .normal: bytes += body
        case .chunked(let size):
            var rest = body[...]
            while !rest.isEmpty {
                let piece = rest.prefix(size)
                bytes += Array((String(piece.count, radix: 16) + ";ext=1\r\n").utf8) + piece + [13, 10]
                rest = rest.dropFirst(piece.count)
            }
            bytes += Array("0\r\nX-Trailer: yes\r\n\r\n".utf8)
        }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        if case .truncate = reply.mode { return false }
        return true
    }
}
