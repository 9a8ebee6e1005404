import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import TraktEmulator

/// `--tls-cert FILE --tls-key FILE`: the HTTPS server builder (HummingbirdTLS over swift-nio-ssl).
enum EmulatorTLS {
    /// Plain HTTP/1.1 without files; HTTP/1.1 over TLS with them. Throws a readable error for
    /// unreadable or invalid PEM files.
    /// `idleTimeout` closes connections that send no complete request head in time (slowloris).
    static func serverBuilder(_ files: TLSFiles?, idleTimeout: TimeAmount) throws -> HTTPServerBuilder {
        let http1 = HTTPServerBuilder.http1(configuration: .init(idleTimeout: idleTimeout))
        guard let files else { return http1 }
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificatePath)
        } catch {
            throw EmulatorError(description: "cannot read the TLS certificate '\(files.certificatePath)': \(error)")
        }
        guard !chain.isEmpty else { throw EmulatorError(description: "no certificate in '\(files.certificatePath)'") }
        do {
            key = try NIOSSLPrivateKey(file: files.keyPath, format: .pem)
        } catch {
            throw EmulatorError(description: "cannot read the TLS private key '\(files.keyPath)': \(error)")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            return try .tls(http1, tlsConfiguration: configuration)
        } catch {
            throw EmulatorError(description: "cannot set up TLS: \(error)")
        }
    }
}
