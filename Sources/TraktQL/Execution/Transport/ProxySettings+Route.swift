import Foundation
import TraktProtocol

extension ProxySettings {
    /// The route of `request`, with the rule that **credentials never travel in cleartext
    /// through a proxy**. A proxy reads every byte of a plain `http://` request (an `https://`
    /// one is tunnelled with `CONNECT` and encrypted end to end), so for `http://`:
    ///
    /// - a loopback destination (``Loopback``: 127.0.0.0/8, `::1`, `localhost`) goes direct —
    ///   a proxy could not reach this machine's loopback anyway;
    /// - a request that carries credentials (``HTTPRequest/credentialsCarried``) is refused,
    ///   with the reason;
    /// - anything else goes through the proxy.
    public func route(for request: HTTPRequest) -> ProxyRoute {
        guard let proxy = proxy(for: request.url) else { return .direct }
        guard request.url.scheme?.lowercased() == "http" else { return .proxy(proxy) }
        let host = request.url.host ?? ""
        if Loopback.isLoopback(host) { return .direct }
        let secrets = request.credentialsCarried
        guard !secrets.isEmpty else { return .proxy(proxy) }
        let shownProxy = Redactor().redact(proxy)
        return .refused("refusing to send \(Self.list(secrets)) over plain http:// through the proxy \(TerminalSafety.sanitize(shownProxy)), "
                        + "which would read them: use an https:// server, or add \(TerminalSafety.sanitize(host)) to NO_PROXY to connect directly")
    }

    /// `a`, `a and b`, `a, b and c`.
    private static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }
}
