import Foundation

/// v1 API credentials: the username and the SHA-1 hex digest of the password (the API never
/// sees the password itself). Sent as HTTP Basic auth, as trakt-java and the Ruby gem did.
public struct BasicCredentials: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    public let username: String
    public let passwordSHA1: String

    /// Hashes `password` (its UTF-8 bytes) with SHA-1.
    public init(username: String, password: String) {
        self.init(username: username, passwordSHA1: SHA1.hex(password))
    }

    public init(username: String, passwordSHA1: String) {
        self.username = username
        self.passwordSHA1 = passwordSHA1.lowercased()
    }

    /// `Basic base64(username:sha1hex)`.
    public var authorizationHeader: String {
        "Basic " + Data("\(username):\(passwordSHA1)".utf8).base64EncodedString()
    }

    public var description: String { "BasicCredentials(username: \(username), password: <redacted>)" }

    public var customMirror: Mirror { Mirror(self, children: ["username": username, "passwordSHA1": "<redacted>"]) }
}
