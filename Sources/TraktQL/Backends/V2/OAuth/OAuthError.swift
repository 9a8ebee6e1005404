import Foundation

/// Why a login, refresh, revoke or token file failed, in words for the user. Never holds a
/// token or the client secret (messages from the server are redacted by the caller's
/// ``Redactor`` when shown, too).
public struct OAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No saved login, or it expired and cannot be refreshed: run `traktql auth login`.
        case notLoggedIn
        /// The user denied the code (418).
        case denied
        /// The device code expired before it was approved (410, or `expires_in` passed).
        case expired
        /// The server does not know the device code (404).
        case invalidCode
        /// The device code was already exchanged for a token (409).
        case alreadyUsed
        /// The refresh token was refused (used before, revoked): the login is over.
        case invalidGrant
        /// The client id or secret was refused (401 `invalid_client`).
        case invalidClient
        /// A token would travel over plain http:// to a host that is not this machine.
        case insecureURL
        /// The token file is unsafe or unreadable (permissions, owner, not JSON).
        case tokenFile
        /// Another traktql held the saved login's lock (``TokenFileLock``) for longer than the wait.
        case lockTimeout
        /// Any other answer from the server.
        case server(status: Int)
        /// The server could not be reached, or answered something that is not the expected JSON.
        case network
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// The same failure as the library reports errors: usage problems (insecure URL, unsafe
    /// token file) exit 1, everything the server or the login state decides exits 2.
    public var traktQLError: TraktQLError {
        switch kind {
        case .insecureURL, .tokenFile: return .usage(message)
        case .server(let status): return .api(status: status, message: message, call: "")
        default: return .network(message: message, call: "")
        }
    }

    /// The command that logs in, as hints spell it (`run \`traktql auth login\``). The shell's
    /// REPL shows its own `.login` in its place.
    public static let loginCommand = "traktql auth login"

    static let loginHint = "run `\(loginCommand)`"

    public static func notLoggedIn(_ why: String) -> OAuthError {
        OAuthError(.notLoggedIn, "not logged in to Trakt v2 (\(why)); \(loginHint)")
    }
}
