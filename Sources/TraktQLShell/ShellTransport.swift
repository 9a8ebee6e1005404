import Foundation
import TraktQL
import TraktQLHTTPClient

/// How the `traktql` command reaches a server given with `--api-url`: plain `http://` on the
/// engine's own socket client, `https://` and proxied calls on AsyncHTTPClient
/// (``RoutingTransport``), all behind the engine's retries. The AsyncHTTPClient side starts on
/// its first call, so a run that makes none (`explain`, plain `http://`) does no TLS or event
/// loop set-up; ``shutdown()`` stops it before the process exits.
struct ShellTransport: Sendable {
    /// What the engine is given.
    let transport: any HTTPTransport
    /// The same routes without retries: for OAuth token refreshes, which must not be sent
    /// twice (a refresh token works once).
    let unretried: any HTTPTransport
    private let secure: HTTPClientTransport

    /// `trustRootFiles`: `--cacert` and `SSL_CERT_FILE`, already checked.
    init(engine configuration: EngineConfiguration, trustRootFiles: [String], proxies: ProxySettings) {
        var settings = HTTPTransportConfiguration(connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout)
        let direct = SocketHTTPTransport(configuration: settings)
        settings.additionalTrustRootFiles = trustRootFiles
        settings.proxies = proxies
        secure = HTTPClientTransport(configuration: settings)
        unretried = RoutingTransport(direct: direct, general: secure, proxies: proxies)
        transport = RetryingTransport(base: unretried, policy: configuration.retryPolicy, onRetry: configuration.onRetry)
    }

    /// Stops AsyncHTTPClient's connections, if a call started it.
    func shutdown() async {
        await secure.shutdown()
    }

    /// The extra certificate authorities of this run: `--cacert`, and `SSL_CERT_FILE` when the
    /// server is `https://` (it is other programs' setting too, so a bad one fails only a run
    /// that would use it). A file that cannot be used is refused before anything runs.
    static func trustRootFiles(caCertificateFile: String?, server: URL?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<[String], UsageProblem> {
        let usesHTTPS = server?.scheme?.lowercased() == "https"
        let candidates = [(caCertificateFile, "--cacert"),
                          (usesHTTPS ? HTTPTransportConfiguration.environmentTrustRootFile(environment) : nil, "SSL_CERT_FILE")]
        var files: [String] = []
        for (file, origin) in candidates {
            guard let file else { continue }
            if let problem = HTTPTransportConfiguration.problemWithTrustRootFile(file) {
                return .failure(UsageProblem(message: "\(origin) \(TerminalSafety.sanitize(file)): \(problem)"))
            }
            files.append(file)
        }
        return .success(files)
    }

    struct UsageProblem: Error {
        let message: String
    }
}
