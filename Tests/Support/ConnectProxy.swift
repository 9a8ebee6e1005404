import Foundation
import NIOCore
import NIOPosix

/// A logging proxy on 127.0.0.1: `CONNECT host:port` (what a client sends for an `https://` URL
/// through `HTTPS_PROXY`) is tunnelled, and an absolute-form request (`GET http://host:port/x`,
/// what a client sends for `http://` through `HTTP_PROXY`) is forwarded — every host name to
/// 127.0.0.1, so that tests can name hosts that are not loopback. It records each request line
/// and each forwarded head (which shows what the proxy could read), then pipes the bytes.
public final class ConnectProxy: Sendable {
    public let port: Int
    private let channel: any Channel
    private let log: Log

    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        private var heads: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        func appendHead(_ head: String) { lock.withLock { heads.append(head) } }
        var all: [String] { lock.withLock { lines } }
        var allHeads: [String] { lock.withLock { heads } }
    }

    public init() async throws {
        let log = Log()
        self.log = log
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ConnectHandler(log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    /// The request lines received, e.g. `CONNECT 127.0.0.1:4443 HTTP/1.1`.
    public var requests: [String] { log.all }
    /// The whole heads of forwarded (not tunnelled) requests, as the proxy read them.
    public var forwardedHeads: [String] { log.allHeads }
    public var url: String { "http://127.0.0.1:\(port)" }

    public func stop() async { try? await channel.close() }
}

/// Writes what one channel reads to its peer, and closes the peer when it closes.
private final class Forward: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let peer: any Channel
    init(peer: any Channel) { self.peer = peer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Reads a request head; for CONNECT connects, answers 200 and from then on pipes; for an
/// absolute-form request connects to its port on 127.0.0.1, sends the head in origin form with
/// `Connection: close`, and pipes the answer back.
private final class ConnectHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private let log: ConnectProxy.Log
    private var head = ByteBuffer()
    private var upstream: (any Channel)?
    private var connecting = false

    init(log: ConnectProxy.Log) { self.log = log }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if let upstream {
            upstream.writeAndFlush(bytes, promise: nil)
            return
        }
        head.writeBuffer(&bytes)
        guard !connecting, let text = head.getString(at: head.readerIndex, length: head.readableBytes),
              let end = text.range(of: "\r\n\r\n") else { return }
        connecting = true
        let line = String(text[..<(text.range(of: "\r\n")?.lowerBound ?? end.lowerBound)])
        log.append(line)
        let child = context.channel
        let parts = line.split(separator: " ")
        if parts.count == 3, parts[0] != "CONNECT", parts[1].lowercased().hasPrefix("http://") {
            forward(text: String(text[..<end.upperBound]), line: line, target: String(parts[1]), context: context)
            return
        }
        guard parts.count == 3, parts[0] == "CONNECT", let colon = parts[1].lastIndex(of: ":"),
              let port = Int(parts[1][parts[1].index(after: colon)...]) else {
            child.writeAndFlush(ByteBuffer(string: "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
                .whenComplete { _ in child.close(promise: nil) }
            return
        }
        let host = String(parts[1][..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        // The head is ASCII; whatever follows it (already the client's TLS bytes) is passed on as is.
        let headLength = text[..<end.upperBound].utf8.count
        let leftover = head.getSlice(at: head.readerIndex + headLength, length: head.readableBytes - headLength) ?? ByteBuffer()
        ClientBootstrap(group: context.eventLoop)
            .channelInitializer { up in
                up.eventLoop.makeCompletedFuture { try up.pipeline.syncOperations.addHandler(Forward(peer: child)) }
            }
            .connect(host: host, port: port)
            .whenComplete { result in
                switch result {
                case .success(let up):
                    self.upstream = up
                    child.writeAndFlush(ByteBuffer(string: "HTTP/1.1 200 Connection established\r\n\r\n"), promise: nil)
                    if leftover.readableBytes > 0 { up.writeAndFlush(leftover, promise: nil) }
                case .failure:
                    child.writeAndFlush(ByteBuffer(string: "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
                        .whenComplete { _ in child.close(promise: nil) }
                }
            }
    }

    /// Forwards one absolute-form request (`GET http://host:port/path HTTP/1.1`).
    private func forward(text head: String, line: String, target: String, context: ChannelHandlerContext) {
        log.appendHead(head)
        let child = context.channel
        guard let url = URLComponents(string: target) else {
            child.writeAndFlush(ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
                .whenComplete { _ in child.close(promise: nil) }
            return
        }
        let port = url.port ?? 80
        let method = line.split(separator: " ")[0]
        var path = url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
        if let query = url.percentEncodedQuery { path += "?" + query }
        var lines = head.components(separatedBy: "\r\n").dropFirst().filter { field in
            let name = field.split(separator: ":").first?.lowercased() ?? ""
            return !field.isEmpty && name != "connection" && name != "proxy-connection"
        }
        lines.insert("\(method) \(path) HTTP/1.1", at: 0)
        lines.append("Connection: close")
        let upstreamHead = lines.joined(separator: "\r\n") + "\r\n\r\n"
        let headLength = head.utf8.count
        let leftover = self.head.getSlice(at: self.head.readerIndex + headLength, length: self.head.readableBytes - headLength) ?? ByteBuffer()
        ClientBootstrap(group: context.eventLoop)
            .channelInitializer { up in
                up.eventLoop.makeCompletedFuture { try up.pipeline.syncOperations.addHandler(Forward(peer: child)) }
            }
            .connect(host: "127.0.0.1", port: port)
            .whenComplete { result in
                switch result {
                case .success(let up):
                    self.upstream = up
                    up.write(ByteBuffer(string: upstreamHead), promise: nil)
                    up.writeAndFlush(leftover, promise: nil)
                case .failure:
                    child.writeAndFlush(ByteBuffer(string: "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
                        .whenComplete { _ in child.close(promise: nil) }
                }
            }
    }

    func channelInactive(context: ChannelHandlerContext) {
        upstream?.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
