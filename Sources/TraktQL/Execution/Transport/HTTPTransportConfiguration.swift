import Foundation

/// Timeouts, identity, trust and proxies shared by every real transport. Protocol-neutral:
/// credentials are not the transport's — a backend decorates its own requests (v1's Basic auth,
/// v2's headers), and the transport sends what the request carries.
public struct HTTPTransportConfiguration: Sendable {
    /// Bounds the connect (and the TLS handshake), and any stall between bytes of the answer.
    public var connectTimeout: TimeInterval
    /// Bounds the whole exchange unless the request carries its own `timeout`.
    public var requestTimeout: TimeInterval
    public var userAgent: String
    /// The largest response body read; a longer one fails with ``TransportError/tooLarge(url:limit:)``.
    public var maximumBodyBytes: Int
    /// PEM files of certificate authorities trusted for `https://` in addition to the system
    /// trust store (`SSL_CERT_FILE`, `--cacert`). Verification is never turned off.
    public var additionalTrustRootFiles: [String]
    /// Directories of certificate authorities in OpenSSL's hashed layout (`openssl rehash`),
    /// trusted in addition to the system trust store (`SSL_CERT_DIR`).
    public var additionalTrustRootDirectories: [String] = []
    /// Which proxy, if any, each URL goes through.
    public var proxies: ProxySettings

    public init(
        connectTimeout: TimeInterval = 10,
        requestTimeout: TimeInterval = 30,
        userAgent: String = HTTPTransportConfiguration.defaultUserAgent,
        maximumBodyBytes: Int = 16 * 1024 * 1024,
        additionalTrustRootFiles: [String] = [],
        proxies: ProxySettings = .none
    ) {
        self.maximumBodyBytes = maximumBodyBytes
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.userAgent = userAgent
        self.additionalTrustRootFiles = additionalTrustRootFiles
        self.proxies = proxies
    }

    public static let clientVersion = "0.1.0"
    public static let defaultUserAgent = "traktql/\(clientVersion)"
}

extension HTTPTransportConfiguration {
    /// `SSL_CERT_FILE` from `environment`, when set and not empty.
    public static func environmentTrustRootFile(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let path = environment["SSL_CERT_FILE"], !path.isEmpty else { return nil }
        return path
    }

    /// The directories of `SSL_CERT_DIR` (a `:`-separated list, as OpenSSL reads it), when set.
    public static func environmentTrustRootDirectories(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        guard let list = environment["SSL_CERT_DIR"] else { return [] }
        return list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
    }

    /// Why `path` cannot serve as a directory of CA certificates (missing, not a directory,
    /// unreadable), or nil when it can. Cheap: no TLS library is loaded.
    public static func problemWithTrustRootDirectory(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such directory" }
        guard isDirectory.boolValue else { return "is not a directory (SSL_CERT_DIR names directories; SSL_CERT_FILE a file)" }
        guard FileManager.default.isReadableFile(atPath: path) else { return "cannot be read" }
        return nil
    }

    /// Why `path` cannot serve as a file of CA certificates (missing, unreadable, or without a
    /// PEM certificate in it), or nil when it looks like one. Cheap: no TLS library is loaded.
    public static func problemWithTrustRootFile(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such file" }
        if isDirectory.boolValue { return "is a directory, not a PEM file" }
        guard let data = FileManager.default.contents(atPath: path) else { return "cannot be read" }
        guard data.count < 64 << 20 else { return "is larger than 64 MiB" }
        guard String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            return "holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        }
        return nil
    }

    /// Refuses a header whose name or value would let it smuggle in another header or request
    /// (CR, LF or NUL anywhere, an empty name, or a name with a colon, space or control byte).
    public static func checkHeader(name: String, value: String) throws(TransportError) {
        guard !name.isEmpty, !(name + value).utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }),
              !name.utf8.contains(where: { $0 == 0x3A || $0 <= 0x20 || $0 >= 0x7F }) else {
            throw .refused("refusing to send header \"\(TerminalSafety.sanitize(name))\": CR, LF or a bad name")
        }
    }
}

extension HTTPTransportConfiguration {
    /// The header fields both transports send, in order: `Host` (given as it goes on the wire),
    /// `User-Agent`, `Accept`, then the request's headers (sorted; one named like a default
    /// replaces it).
    public func headerFields(for request: HTTPRequest, host: String) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("Host", host),
            ("User-Agent", userAgent),
            ("Accept", "application/json"),
        ]
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            if let index = fields.firstIndex(where: { $0.0.caseInsensitiveCompare(name) == .orderedSame }) {
                fields[index].1 = value
            } else {
                fields.append((name, value))
            }
        }
        return fields
    }
}
