import Foundation

/// Chooses a transport per request: plain `http://` without a proxy goes to `direct` (the
/// hand-written ``SocketHTTPTransport``), everything else — `https://`, and any call that
/// `proxies` sends through a proxy — to `general` (AsyncHTTPClient in the `traktql` command).
///
/// Why two clients: AsyncHTTPClient costs a one-query run against a local server ~60% more
/// (event loops, the connection pool, TLS context), above the 20% the project allows, while
/// the socket client cannot speak TLS. `general` is only touched by the calls routed to it, so
/// a run over plain HTTP (or one that makes no call) never starts it.
public struct RoutingTransport: HTTPTransport {
    public let direct: any HTTPTransport
    public let general: any HTTPTransport
    public let proxies: ProxySettings

    public init(direct: any HTTPTransport, general: any HTTPTransport, proxies: ProxySettings = .none) {
        self.direct = direct
        self.general = general
        self.proxies = proxies
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await transport(for: request.url).send(request)
    }

    /// The transport that serves `url`.
    public func transport(for url: URL) -> any HTTPTransport {
        Self.isDirect(url, proxies: proxies) ? direct : general
    }

    /// Plain `http://` that no proxy setting claims (any other scheme goes to `general`, which
    /// reports it as unsupported).
    static func isDirect(_ url: URL, proxies: ProxySettings) -> Bool {
        url.scheme?.lowercased() == "http" && proxies.proxy(for: url) == nil
    }
}
