import Foundation
import TraktQL
import TraktQLCurl

/// How the `traktql` command reaches a server given with `--api-url`: one libcurl client
/// (``CurlTransport``) for `http://` and `https://`, proxies and trust included, behind the
/// engine's retries. libcurl is loaded by the first call, so a run that makes none (`explain`,
/// `--input`) loads neither it nor TLS; ``shutdown()`` closes its connections before the process
/// exits.
struct ShellTransport: Sendable {
    /// What the engine is given.
    let transport: any HTTPTransport
    /// The same client without retries: for OAuth token refreshes, which must not be sent
    /// twice (a refresh token works once).
    let unretried: any HTTPTransport
    private let client: CurlTransport

    /// `trustRootFiles`: `--cacert` and `SSL_CERT_FILE`; `trustRootDirectories`: `SSL_CERT_DIR`;
    /// both already checked.
    init(engine configuration: EngineConfiguration, trustRootFiles: [String], trustRootDirectories: [String] = [], proxies: ProxySettings) {
        var settings = HTTPTransportConfiguration(connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout)
        settings.additionalTrustRootFiles = trustRootFiles
        settings.additionalTrustRootDirectories = trustRootDirectories
        settings.proxies = proxies
        client = CurlTransport(configuration: settings)
        unretried = client
        transport = RetryingTransport(base: client, policy: configuration.retryPolicy, onRetry: configuration.onRetry)
    }

    /// Closes the client's connections and thread, if a call started them.
    func shutdown() async {
        await client.shutdown()
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

    /// The directories of `SSL_CERT_DIR` (hashed, as `openssl rehash` makes them) when the server
    /// is `https://`, each added to the system trust store. One that cannot be used is refused
    /// before anything runs.
    static func trustRootDirectories(server: URL?, environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<[String], UsageProblem> {
        guard server?.scheme?.lowercased() == "https" else { return .success([]) }
        let directories = HTTPTransportConfiguration.environmentTrustRootDirectories(environment)
        for directory in directories {
            if let problem = HTTPTransportConfiguration.problemWithTrustRootDirectory(directory) {
                return .failure(UsageProblem(message: "SSL_CERT_DIR \(TerminalSafety.sanitize(directory)): \(problem)"))
            }
        }
        return .success(directories)
    }

    struct UsageProblem: Error {
        let message: String
    }
}
