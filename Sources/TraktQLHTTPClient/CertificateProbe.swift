import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import TraktQL

/// Names what is wrong with a server's certificate after a handshake failed verification:
/// BoringSSL's error says only CERTIFICATE_VERIFY_FAILED. It shakes hands once more with a
/// verification callback that records the certificates the server presents and then *rejects*
/// them, so nothing is ever sent over an unverified connection; it only reads the dates and
/// names of the certificates.
enum CertificateProbe {
    static func diagnose(host: String, port: Int, timeout: TimeInterval) async -> String? {
        guard let context = try? NIOSSLContext(configuration: TLSConfiguration.makeClientConfiguration()) else { return nil }
        let presented = NIOLockedValueBox<[NIOSSLCertificate]>([])
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(max(0.1, timeout) * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try NIOSSLClientHandler(
                        context: context, serverHostname: isAddress ? nil : host,
                        customVerificationCallback: { certificates, promise in
                            presented.withLockedValue { $0 = certificates }
                            promise.succeed(.failed)
                        })
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        guard let channel = try? await bootstrap.connect(host: host, port: port).get() else { return nil }
        let stop = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(max(0.1, timeout) * 1000))) { channel.close(promise: nil) }
        try? await channel.closeFuture.get()
        stop.cancel()
        return describe(presented.withLockedValue { $0 }, host: host, now: time(nil))
    }

    /// The problem with the chain a server presented, leaf first.
    static func describe(_ chain: [NIOSSLCertificate], host: String, now: time_t) -> String? {
        guard let leaf = chain.first else { return nil }
        let subject = name(leaf.subjectName)
        if leaf.notValidAfter < now {
            return "its certificate (\(subject)) expired on \(date(leaf.notValidAfter))"
        }
        if leaf.notValidBefore > now {
            return "its certificate (\(subject)) is not valid before \(date(leaf.notValidBefore))"
        }
        for (index, certificate) in chain.enumerated().dropFirst() where certificate.notValidAfter < now {
            return "certificate \(index + 1) of its chain (\(name(certificate.subjectName))) expired on \(date(certificate.notValidAfter))"
        }
        if chain.count == 1 && leaf.subjectName == leaf.issuerName {
            return "its certificate (\(subject)) is self-signed and not trusted"
        }
        return "its certificate (\(subject)) is issued by \(name(leaf.issuerName)), a certificate authority that is not trusted (not in the system trust store, SSL_CERT_FILE or --cacert)"
    }

    private static func name(_ parts: [SSLCertificateName]) -> String {
        let text = parts.map(\.value).joined(separator: ", ")
        return text.isEmpty ? "no name" : TerminalSafety.sanitize(text)
    }

    private static func date(_ t: time_t) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(t)))
    }
}
