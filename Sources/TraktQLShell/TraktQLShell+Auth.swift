#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TraktQL

/// What `traktql auth` does.
public enum AuthAction: String, Sendable {
    case login, status, logout
}

extension TraktQLShell {
    /// `traktql auth login|status|logout`: returns the exit status (0; 1 usage; 2 not logged
    /// in, denied, expired, a server error or an unusable config file; 130 Ctrl-C, with nothing
    /// saved).
    ///
    /// `configuration` holds the connection flags and environment as for queries; the server is
    /// resolved the same way (``ShellConfiguration/resolveConnection()``), and the calls go
    /// through the same kind of connection (`--cacert`, `SSL_CERT_FILE`, proxies).
    public static func auth(_ action: AuthAction, configuration: ShellConfiguration) async -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        var configuration = configuration
        if let warning = configuration.secretsOnCommandLineWarning { Console.err(warning + "\n") }
        let resolved: ShellConfiguration.ResolvedConnection
        do {
            resolved = try configuration.resolveConnection()
        } catch {
            Console.err("traktql: error: \(TerminalSafety.sanitize(error.message))\n")
            return error.status.rawValue
        }
        for warning in resolved.warnings { Console.err(TerminalSafety.sanitize(warning) + "\n") }
        var network: ShellTransport?
        if let url = configuration.apiURL {
            switch (ShellTransport.trustRootFiles(caCertificateFile: configuration.caCertificateFile, server: url),
                    ShellTransport.trustRootDirectories(server: url)) {
            case (.success(let files), .success(let directories)):
                // The OAuth calls' own limits (30 s each), as for a query's calls otherwise.
                let engine = EngineConfiguration(apiURL: url, connectTimeout: 10, requestTimeout: 30)
                network = ShellTransport(engine: engine, trustRootFiles: files, trustRootDirectories: directories, proxies: .environment())
            case (.failure(let problem), _), (_, .failure(let problem)):
                Console.err("traktql: error: \(problem.message)\n")
                return ExitStatus.usage.rawValue
            }
        }
        var redactor = Redactor(apiKey: configuration.apiKey, password: configuration.password)
        if let secret = configuration.clientSecret { redactor.add(secret, label: "<client-secret>") }
        let session: AuthSession
        do {
            session = try AuthSession(options: configuration.authOptions, transport: network?.unretried, redactor: redactor,
                                      embedded: nil, terminal: Terminal.current())
        } catch {
            Console.err("traktql: error: \(TerminalSafety.sanitize(error.message))\n")
            await network?.shutdown()
            return error.status.rawValue
        }
        let status = await interruptibly {
            do {
                switch action {
                case .login: try await session.login()
                case .status: try await session.status()
                case .logout: try await session.logout()
                }
                return .ok
            } catch is CancellationError {
                if action == .login { Console.err("traktql: login cancelled; nothing saved\n") }
                return .interrupted
            } catch {
                let shown = await session.traktQLError(for: error)
                Console.err("traktql: \(shown.description)\n")
                return ExitStatus(shown)
            }
        }
        await session.stop()
        await network?.shutdown()
        return status.rawValue
    }
}

extension AuthSession {
    /// A failure as the rest of traktql reports it, without secrets: usage problems exit 1,
    /// everything else 2.
    func traktQLError(for error: any Error) -> TraktQLError {
        if let error = error as? OAuthError { return error.traktQLError.redacted(by: redactor) }
        if let error = error as? TraktQLError { return error.redacted(by: redactor) }
        return TraktQLError.network(message: "\(error)", call: "").redacted(by: redactor)
    }
}
