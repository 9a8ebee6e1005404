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
    /// in, denied, expired or a server error; 130 Ctrl-C, with nothing saved).
    public static func auth(_ action: AuthAction, options: AuthOptions) async -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let session: AuthSession
        do {
            session = try AuthSession(options: options, embedded: nil, terminal: Terminal.current())
        } catch {
            Console.err("traktql: error: \(TerminalSafety.sanitize(error.message))\n")
            return error.status.rawValue
        }
        for warning in session.configWarnings { Console.err(TerminalSafety.sanitize(warning) + "\n") }
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
