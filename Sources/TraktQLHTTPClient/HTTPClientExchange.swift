import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TraktQL

/// One request, checked and put in AsyncHTTPClient's terms.
struct HTTPClientExchange: Sendable {
    let request: HTTPClientRequest
    let method: String
    let url: URL
    let host: String
    let port: Int
    let isHTTPS: Bool
    let proxy: String?
    let limit: TimeInterval
    let inactivity: TimeInterval
    let maximumBodyBytes: Int
    var shownURL: String { TransportError.redactKey(in: url.absoluteString) }

    init(request: HTTPRequest, configuration: HTTPTransportConfiguration) throws(TransportError) {
        let url = request.url
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .network("\(url.scheme.map { "\($0)://" } ?? "a URL without a scheme") is not supported (http:// and https:// are): \(TransportError.redactKey(in: url.absoluteString))")
        }
        guard let host = url.host, !host.isEmpty else { throw .network("no host in \(TransportError.redactKey(in: url.absoluteString))") }
        guard !request.method.isEmpty, !request.method.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }),
              !url.absoluteString.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw .network("refusing to send a request line with spaces or control bytes: \(TransportError.redactKey(in: url.absoluteString))")
        }
        self.url = url
        self.method = request.method
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.isHTTPS = scheme == "https"
        self.port = url.port ?? (isHTTPS ? 443 : 80)
        self.proxy = configuration.proxies.proxy(for: url)
        self.limit = request.timeout ?? configuration.requestTimeout
        self.inactivity = configuration.connectTimeout
        self.maximumBodyBytes = configuration.maximumBodyBytes

        let hostField = self.host.contains(":") ? "[\(self.host)]" : self.host
        let fields = configuration.headerFields(for: request, host: url.port.map { "\(hostField):\($0)" } ?? hostField)
        var headers = HTTPHeaders()
        for (name, value) in fields {
            try HTTPTransportConfiguration.checkHeader(name: name, value: value)
            headers.add(name: name, value: value)
        }
        var clientRequest = HTTPClientRequest(url: url.absoluteString)
        clientRequest.method = HTTPMethod(rawValue: request.method)
        if let body = request.body, !body.isEmpty {
            clientRequest.body = .bytes(ByteBuffer(bytes: body))
        } else if ["POST", "PUT", "PATCH"].contains(request.method) {
            headers.add(name: "Content-Length", value: "0")
        }
        clientRequest.headers = headers
        self.request = clientRequest
    }

    func run(on client: HTTPClient) async throws -> HTTPResponse {
        do {
            let response = try await client.execute(request, deadline: .now() + .nanoseconds(Int64(min(max(0, limit), 86_400) * 1e9)))
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maximumBodyBytes {
                throw TransportError.tooLarge(url: shownURL, limit: maximumBodyBytes)
            }
            let body = try await response.body.collect(upTo: maximumBodyBytes)
            // A cancelled body stream ends early rather than throwing.
            try Task.checkCancellation()
            var headers: [String: String] = [:]
            for (name, value) in response.headers {
                let key = name.lowercased()
                headers[key] = headers[key].map { "\($0), \(value)" } ?? value
            }
            let data = body.withUnsafeReadableBytes { Data($0) }
            return HTTPResponse(status: Int(response.status.code), headers: headers, body: data)
        } catch {
            throw await map(error)
        }
    }

    /// AsyncHTTPClient's, NIO's and BoringSSL's errors in ``TransportError``'s terms.
    private func map(_ error: any Error) async -> any Error {
        if Task.isCancelled || error is CancellationError { return CancellationError() }
        if let error = error as? TransportError { return error }
        if error is NIOTooManyBytesError { return TransportError.tooLarge(url: shownURL, limit: maximumBodyBytes) }
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled: return CancellationError()
            case .deadlineExceeded: return TransportError.timeout(url: shownURL, seconds: limit)
            case .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout,
                 .getConnectionFromPoolTimeout:
                return TransportError.timeout(url: shownURL, seconds: inactivity)
            case .remoteConnectionClosed:
                return TransportError.network("connection lost (closed by the server before a whole answer) for \(shownURL)")
            case .invalidProxyResponse:
                return TransportError.network("the proxy \(Self.shown(proxy: proxy)) refused to connect to \(host):\(port) for \(shownURL)")
            case .proxyAuthenticationRequired:
                return TransportError.network("the proxy \(Self.shown(proxy: proxy)) wants credentials (407) for \(shownURL)")
            default:
                return TransportError.network("\(TerminalSafety.sanitize(String(describing: error))) for \(shownURL)")
            }
        }
        if let error = error as? NIOSSLError {
            switch error {
            case .handshakeFailed(let inner):
                let text = String(describing: inner)
                if text.contains("CERTIFICATE_VERIFY_FAILED") {
                    let problem = proxy == nil
                        ? await CertificateProbe.diagnose(host: host, port: port, timeout: min(inactivity, 5))
                        : nil
                    return Self.untrusted(host: host, problem: problem ?? "its certificate could not be verified (unknown issuer, expired or not yet valid)")
                }
                return TransportError.tls(host: host, problem: "the TLS handshake failed (\(text)) for \(shownURL)")
            default:
                return TransportError.tls(host: host, problem: "\(error) for \(shownURL)")
            }
        }
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return Self.untrusted(host: host, problem: "its certificate is not for \(host) (\(error))")
        }
        if let error = error as? NIOConnectionError {
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return TransportError.network("unknown host \(error.host) for \(shownURL)")
            }
            if let first = error.connectionErrors.first?.error { return describe(first) }
        }
        if let error = error as? IOError { return describe(error) }
        if error is HTTPParserError {
            return TransportError.network("malformed HTTP answer (\(error)) from \(shownURL)")
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout: return TransportError.timeout(url: shownURL, seconds: inactivity)
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed:
                return TransportError.network("connection lost (closed by the server) for \(shownURL)")
            default: break
            }
        }
        let text = TerminalSafety.sanitize(String(describing: error))
        if text.contains("NXDOMAIN") || text.contains("Name or service not known") || text.contains("dns") {
            return TransportError.network("unknown host \(host) (\(text)) for \(shownURL)")
        }
        return TransportError.network("\(text) for \(shownURL)")
    }

    private func describe(_ error: any Error) -> TransportError {
        guard let io = error as? IOError else { return .network("\(error) for \(shownURL)") }
        let text: String
        switch io.errnoCode {
        case ECONNREFUSED: text = "could not connect (connection refused)"
        case ECONNRESET, EPIPE: text = "connection lost (reset by the server)"
        case ENETUNREACH, EHOSTUNREACH: text = "could not connect (no route to host)"
        default: text = "\(io)"
        }
        if let proxy { return .network("\(text) to the proxy \(Self.shown(proxy: proxy)) for \(shownURL)") }
        return .network("\(text) for \(shownURL)")
    }

    private static func untrusted(host: String, problem: String) -> TransportError {
        .tls(host: host, problem: problem + "; traktql never skips certificate checks: trust the certificate authority with --cacert FILE or SSL_CERT_FILE")
    }

    /// A proxy URL without its credentials.
    static func shown(proxy: String?) -> String {
        guard let proxy else { return "(none)" }
        return Redactor().redact(proxy)
    }
}

