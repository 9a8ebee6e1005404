import Foundation

/// The proxies of `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` (or their lower-case forms, which win
/// when both are set, as curl reads them): an `https://` URL goes through `httpsProxy` with a
/// `CONNECT` tunnel, an `http://` URL through `httpProxy`, unless `NO_PROXY` names its host.
public struct ProxySettings: Sendable, Hashable {
    /// `http://[user:password@]host[:port]` (or `host:port`); `socks5://host:port` also works.
    public var httpProxy: String?
    public var httpsProxy: String?
    /// Host names (a leading `.` or none: the domain and its subdomains), IP addresses,
    /// `host:port`, or `*` for every host.
    public var noProxy: [String]

    public init(httpProxy: String? = nil, httpsProxy: String? = nil, noProxy: [String] = []) {
        self.httpProxy = httpProxy
        self.httpsProxy = httpsProxy
        self.noProxy = noProxy
    }

    /// No proxy at all.
    public static let none = ProxySettings()

    /// The proxies named by the environment.
    public static func environment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ProxySettings {
        func value(_ name: String) -> String? {
            for key in [name.lowercased(), name.uppercased()] {
                if let v = environment[key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty { return v }
            }
            return nil
        }
        let noProxy = (value("no_proxy") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return ProxySettings(httpProxy: value("http_proxy"), httpsProxy: value("https_proxy"), noProxy: noProxy)
    }

    /// The proxy `url` goes through, or nil for a direct connection.
    public func proxy(for url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased() else { return nil }
        let proxy = scheme == "https" ? httpsProxy : scheme == "http" ? httpProxy : nil
        guard let proxy, let host = url.host?.lowercased() else { return nil }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return bypasses(host: bare, port: port) ? nil : proxy
    }

    /// Whether `NO_PROXY` sends `host:port` straight to the server.
    func bypasses(host: String, port: Int) -> Bool {
        for raw in noProxy {
            var entry = raw.lowercased()
            if entry == "*" { return true }
            var entryPort: Int?
            // `host:port` (but not a bare IPv6 address); `[::1]:8080`.
            if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
                let rest = entry[entry.index(after: close)...]
                if rest.hasPrefix(":") { entryPort = Int(rest.dropFirst()) }
                entry = String(entry[entry.index(after: entry.startIndex)..<close])
            } else if entry.filter({ $0 == ":" }).count == 1, let colon = entry.lastIndex(of: ":") {
                entryPort = Int(entry[entry.index(after: colon)...])
                entry = String(entry[..<colon])
            }
            if let entryPort, entryPort != port { continue }
            while entry.hasPrefix(".") || entry.hasPrefix("*.") { entry.removeFirst(entry.hasPrefix(".") ? 1 : 2) }
            if entry.isEmpty { continue }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }
}
