import Foundation
import TraktProtocol
import TraktQL

/// Everything about one request that is decided before libcurl sees it: the checks (scheme,
/// host, bytes that could smuggle a header or a request), the route (direct, proxy, or refused
/// because a credential would cross a proxy in cleartext), the header lines, the limits.
struct CurlRequestPlan: Sendable {
    let url: String
    /// The URL with the key redacted, for messages.
    let shownURL: String
    let isHTTPS: Bool
    let host: String
    let port: Int
    let proxy: String?
    let trust: CurlTrust
    /// `Name: value` lines for CURLOPT_HTTPHEADER (libcurl adds `Host` itself).
    let headerLines: [String]
    /// `localhost:PORT:127.0.0.1,::1` for CURLOPT_RESOLVE when the host is `localhost`: it is
    /// loopback by name (``Loopback``), so it must never be asked of DNS or a hosts file.
    let localhostPin: String?
    /// The whole exchange (seconds).
    let limit: TimeInterval
    /// The connect, and any stall between bytes (seconds).
    let inactivity: TimeInterval
    let maximumBodyBytes: Int

    init(request: HTTPRequest, configuration: HTTPTransportConfiguration, trust: () throws(TransportError) -> CurlTrust) throws(TransportError) {
        let url = request.url
        let text = url.absoluteString
        let shown = Redactor.redactingPathKeys(in: text)
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .refused("\(url.scheme.map { "\(TerminalSafety.sanitize($0))://" } ?? "a URL without a scheme") is not supported (http:// and https:// are): \(TerminalSafety.sanitize(shown))")
        }
        guard var host = url.host, !host.isEmpty else { throw .refused("no host in \(TerminalSafety.sanitize(shown))") }
        guard !request.method.isEmpty, !request.method.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }),
              !text.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) else {
            throw .refused("refusing to send a request line with spaces or control bytes: \(TerminalSafety.sanitize(shown))")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.url = text
        self.shownURL = shown
        self.isHTTPS = scheme == "https"
        self.host = host
        self.port = url.port ?? (isHTTPS ? 443 : 80)
        self.limit = request.timeout ?? configuration.requestTimeout
        self.inactivity = configuration.connectTimeout
        self.maximumBodyBytes = configuration.maximumBodyBytes
        self.localhostPin = host.lowercased() == "localhost" ? "\(host):\(port):127.0.0.1,::1" : nil

        switch configuration.proxies.route(for: request) {
        case .direct: proxy = nil
        case .proxy(let through): proxy = through
        case .refused(let reason): throw .refused(reason)
        }

        var lines: [String] = []
        for (name, value) in configuration.headerFields(for: request, host: "") where name.caseInsensitiveCompare("Host") != .orderedSame {
            try HTTPTransportConfiguration.checkHeader(name: name, value: value)
            // `Name:` would remove one of libcurl's own headers; `Name;` sends an empty one.
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        // libcurl adds these to bodies unasked: a form Content-Type, and `Expect: 100-continue`
        // (a round trip of waiting) for larger ones. The request says what it sends, or nothing.
        if request.header("Content-Type") == nil { lines.append("Content-Type:") }
        if request.header("Expect") == nil { lines.append("Expect:") }
        self.headerLines = lines
        // Only https:// needs the trust store: reading the CA files waits until one is asked for.
        self.trust = isHTTPS || proxy?.lowercased().hasPrefix("https://") == true ? try trust() : .none
    }
}
