import Foundation
import TraktProtocol

/// Whose account a token is, remembered so that a later `traktql sync` finds the logged-in
/// user's mirror without asking the server (`/users/settings`) again: `me.json` beside the
/// server's mirrors, `{"user": …, "token": <the first 20 hex digits of the token's SHA-1>}`,
/// 0600. The token itself is never written; a new token (a refresh, another login) is asked
/// about once.
public struct MirrorAccountPointer: Sendable {
    public let path: String

    /// The pointer for `server` (beside ``MirrorStore/defaultPath(server:user:environment:)``).
    public init(server: URL, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let mine = MirrorStore.defaultPath(server: server, user: "me", environment: environment)
        path = (mine as NSString).deletingPathExtension + ".json"
    }

    static func fingerprint(_ token: String) -> String {
        String(SHA1.hex(token).prefix(20))
    }

    /// The user the token was last seen to be, if this token was seen.
    public func user(for token: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: String],
              object["token"] == Self.fingerprint(token), let user = object["user"], !user.isEmpty else { return nil }
        return user
    }

    /// Remembers that `token` is `user`'s (best effort: without it, the next sync asks again).
    public func remember(user: String, token: String) {
        let directory = (path as NSString).deletingLastPathComponent
        try? MirrorStore.makePrivateDirectory(directory)
        guard let data = try? JSONSerialization.data(withJSONObject: ["user": user, "token": Self.fingerprint(token)]) else { return }
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else { return }
        _ = rename(temporary, path)
    }
}
