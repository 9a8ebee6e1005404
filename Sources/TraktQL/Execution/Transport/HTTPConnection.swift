#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One TCP connection to an HTTP server, used from one thread at a time with blocking calls
/// bounded by `poll` deadlines. ``SocketHTTPTransport`` runs each exchange on its own thread, so
/// nothing here blocks Swift's cooperative pool.
///
/// Cancellation comes from another thread: ``interrupt()`` shuts the socket down, which wakes
/// any `poll` at once; the descriptor itself is closed only by ``close()``, so its number can
/// never be reused underneath a late interrupt.
final class HTTPConnection: @unchecked Sendable {
    /// Why a socket call failed, before it is put in terms of the request.
    enum Failure: Error {
        case timedOut
        case interrupted
        case system(what: String, errno: Int32)
        case unresolved(host: String, detail: String)
    }

    /// `host:port`, the key of the pool that keeps this connection between requests.
    let endpoint: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var interrupted = false
    private var closed = false
    /// Monotonic seconds when the connection last finished an exchange (for the pool).
    var idleSince: Double = 0

    private init(descriptor: Int32, endpoint: String) {
        self.descriptor = descriptor
        self.endpoint = endpoint
    }

    deinit { close() }

    /// Resolves `host` and connects to the first address that answers before `deadline`.
    static func open(host: String, port: Int, deadline: Double) throws(Failure) -> HTTPConnection {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .unresolved(host: host, detail: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var lastFailure = Failure.system(what: "connect", errno: ECONNREFUSED)
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            do {
                let fd = try connect(info.pointee, deadline: deadline)
                return HTTPConnection(descriptor: fd, endpoint: "\(host):\(port)")
            } catch .timedOut {
                throw .timedOut
            } catch {
                lastFailure = error
            }
        }
        throw lastFailure
    }

    private static func connect(_ info: addrinfo, deadline: Double) throws(Failure) -> Int32 {
        #if canImport(Darwin)
        let fd = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
        #else
        let fd = socket(info.ai_family, info.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.ai_protocol)
        #endif
        guard fd >= 0 else { throw .system(what: "socket", errno: errno) }
        var keep = false
        defer { if !keep { _ = systemClose(fd) } }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var yes: Int32 = 1
        // Requests are written in one piece; no reason to wait for Nagle.
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
        #endif
        if systemConnect(fd, info.ai_addr, info.ai_addrlen) != 0 {
            // EINTR: the connect goes on in the background, as with EINPROGRESS.
            guard errno == EINPROGRESS || errno == EINTR else { throw .system(what: "connect", errno: errno) }
            try waitFor(fd, events: Int16(POLLOUT), deadline: deadline, interrupted: { false })
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { throw .system(what: "connect", errno: errno) }
            guard error == 0 else { throw .system(what: "connect", errno: error) }
        }
        keep = true
        return fd
    }

    /// Writes all of `bytes`, or throws.
    func write(_ bytes: [UInt8], deadline: Double) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                #if canImport(Darwin)
                Darwin.send(descriptor, raw.baseAddress! + offset, raw.count - offset, 0)
                #else
                Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                #endif
            }
            if sent > 0 { offset += sent; continue }
            if isInterrupted { throw .interrupted }
            if sent < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                try Self.waitFor(descriptor, events: Int16(POLLOUT), deadline: deadline, interrupted: { self.isInterrupted })
                continue
            }
            throw .system(what: "send", errno: sent < 0 ? errno : EPIPE)
        }
    }

    /// Reads what is available into `buffer`, waiting until `deadline`; returns 0 at end of stream.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Double) throws(Failure) -> Int {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if isInterrupted { throw .interrupted }
            if count >= 0 { return count }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { throw .system(what: "recv", errno: errno) }
            try Self.waitFor(descriptor, events: Int16(POLLIN), deadline: deadline, interrupted: { self.isInterrupted })
        }
    }

    /// Whether an idle pooled connection is still usable: nothing to read (a readable idle
    /// socket means the server closed it, or sent something it should not have).
    var isReusable: Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        var ready = poll(&entry, 1, 0)
        // Signals (a child exiting, a window resize) must not make a good connection look bad.
        while ready < 0 && errno == EINTR { ready = poll(&entry, 1, 0) }
        return ready == 0 && !isInterrupted
    }

    /// Wakes any call blocked on this connection (from another thread); the call then throws
    /// ``Failure/interrupted``.
    func interrupt() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        interrupted = true
        _ = shutdown(descriptor, Int32(SHUT_RDWR))
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        _ = systemClose(descriptor)
    }

    private var isInterrupted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return interrupted
    }

    /// Polls until `fd` is ready for `events`, `deadline` passes, or `interrupted` says so.
    private static func waitFor(_ fd: Int32, events: Int16, deadline: Double, interrupted: () -> Bool) throws(Failure) {
        while true {
            let remaining = deadline - monotonicSeconds()
            guard remaining > 0 else { throw .timedOut }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(min(remaining * 1000, 1_000_000).rounded(.up)))
            if interrupted() { throw .interrupted }
            if ready > 0 { return }
            if ready < 0, errno != EINTR { throw .system(what: "poll", errno: errno) }
        }
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

// The free functions `close` and `connect` are shadowed by this type's methods of the same name.
private func systemClose(_ fd: Int32) -> Int32 {
    #if canImport(Darwin)
    Darwin.close(fd)
    #elseif canImport(Musl)
    Musl.close(fd)
    #else
    Glibc.close(fd)
    #endif
}

private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>?, _ length: socklen_t) -> Int32 {
    #if canImport(Darwin)
    Darwin.connect(fd, address, length)
    #elseif canImport(Musl)
    Musl.connect(fd, address, length)
    #else
    Glibc.connect(fd, address, length)
    #endif
}
