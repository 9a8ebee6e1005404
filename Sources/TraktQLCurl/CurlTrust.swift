import CCurl
import Foundation
import TraktQL

/// The certificate authorities trusted for `https://`.
///
/// - The system trust store through its **hashed directory** (`CURLOPT_CAPATH`, e.g.
///   `/etc/ssl/certs`): OpenSSL then reads only the CA a server's chain needs. The bundle file
///   (libcurl's default, `ca-certificates.crt`) is parsed whole for every process: ~15 ms.
/// - `SSL_CERT_DIR`'s directories, added to that path (OpenSSL reads a `:`-separated list).
/// - The PEM files of `--cacert` and `SSL_CERT_FILE`, handed over in memory
///   (`CURLOPT_CAINFO_BLOB`): libcurl loads them *in addition to* the directories.
///
/// Verification itself is never turned off.
struct CurlTrust: Sendable {
    /// For `CURLOPT_CAPATH`; nil leaves libcurl's built-in default (no hashed directory found).
    let path: String?
    /// The extra certificates (PEM), if any.
    let pem: Data?

    /// Plain http:// needs none.
    static let none = CurlTrust(path: nil, pem: nil)

    /// Where systems keep the hashed directory: Debian and Ubuntu, Alpine, Arch and SUSE use
    /// /etc/ssl/certs; Fedora and RHEL /etc/pki/tls/certs; FreeBSD /etc/ssl/certs too.
    static let systemDirectoryCandidates = ["/etc/ssl/certs", "/etc/pki/tls/certs", "/usr/local/share/certs", "/etc/openssl/certs"]

    /// Reads the configuration's extra CA files once; a file that cannot be used fails every
    /// https:// call with an error that names it.
    static func load(_ configuration: HTTPTransportConfiguration) throws(TransportError) -> CurlTrust {
        var pem = Data()
        for file in configuration.additionalTrustRootFiles {
            if let problem = HTTPTransportConfiguration.problemWithTrustRootFile(file) {
                throw .tls(host: "any server", problem: "cannot use \(TerminalSafety.sanitize(file)) as a CA certificate file: \(problem)")
            }
            guard let data = FileManager.default.contents(atPath: file) else {
                throw .tls(host: "any server", problem: "cannot read the CA certificates in \(TerminalSafety.sanitize(file))")
            }
            pem.append(data)
            pem.append(0x0A)
        }
        for directory in configuration.additionalTrustRootDirectories {
            if let problem = HTTPTransportConfiguration.problemWithTrustRootDirectory(directory) {
                throw .tls(host: "any server", problem: "cannot use \(TerminalSafety.sanitize(directory)) as a CA certificate directory: \(problem)")
            }
        }
        let directories = (systemDirectory.map { [$0] } ?? []) + configuration.additionalTrustRootDirectories
        return CurlTrust(path: directories.isEmpty ? nil : directories.joined(separator: ":"), pem: pem.isEmpty ? nil : pem)
    }

    /// The first candidate that holds hashed certificate names (`5ed36f99.0`), looked up once.
    static let systemDirectory: String? = systemDirectoryCandidates.first(where: isHashedDirectory)

    static func isHashedDirectory(_ path: String) -> Bool {
        guard let directory = opendir(path) else { return false }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if isHashedName(name) { return true }
        }
        return false
    }

    /// `5ed36f99.0`: eight hex digits, a dot, a number.
    static func isHashedName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts[0].count == 8 && parts[0].allSatisfy(\.isHexDigit)
            && !parts[1].isEmpty && parts[1].allSatisfy(\.isNumber)
    }

    /// Sets the options on `easy`, for the server or (`proxy`) for an `https://` proxy.
    func apply(to easy: UnsafeMutableRawPointer, proxy: Bool) throws(TransportError) {
        if let path {
            // No bundle file: the directory is looked up lazily, the bundle parsed whole.
            try check(ccurl_easy_setopt_pointer(easy, proxy ? CURLOPT_PROXY_CAINFO : CURLOPT_CAINFO, nil))
            try check(ccurl_easy_setopt_pointer(easy, proxy ? CURLOPT_PROXY_CAPATH : CURLOPT_CAPATH, path))
        }
        if let pem {
            let set = pem.withUnsafeBytes { raw in
                ccurl_easy_setopt_blob(easy, proxy ? CURLOPT_PROXY_CAINFO_BLOB : CURLOPT_CAINFO_BLOB, raw.baseAddress, raw.count)
            }
            try check(set)
        }
    }

    private func check(_ code: CURLcode) throws(TransportError) {
        guard code == CURLE_OK else {
            throw .tls(host: "any server", problem: "libcurl cannot take the trust settings: \(String(cString: ccurl_easy_strerror(code)))")
        }
    }
}
