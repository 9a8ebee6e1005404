import Foundation
import NIOSSL
import TraktQL

/// The extra certificate authorities, read from PEM files.
enum TrustRoots {
    static func load(_ files: [String]) throws(TransportError) -> [NIOSSLCertificate] {
        var all: [NIOSSLCertificate] = []
        for file in files {
            if let problem = HTTPTransportConfiguration.problemWithTrustRootFile(file) {
                throw .tls(host: "any server", problem: "cannot use \(file) as a CA certificate file: \(problem)")
            }
            do {
                all += try NIOSSLCertificate.fromPEMFile(file)
            } catch {
                throw .tls(host: "any server", problem: "cannot read the CA certificates in \(file): \(error)")
            }
        }
        return all
    }
}
