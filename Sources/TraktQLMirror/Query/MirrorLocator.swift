import Foundation
import TraktQL

/// Which mirror `--mirror` reads when no `--mirror-file` names one: the account's mirror of
/// the server in `$XDG_DATA_HOME/traktql/mirror/<host>/` (``MirrorStore/defaultPath(server:user:environment:)``).
/// One there: that one. None: the error that says to run `traktql sync`. Several (`sync --user`
/// made more): the account's own (read with its token), else an error listing them.
public enum MirrorLocator {
    /// The mirror file for `server`, or why none can be picked.
    public static func path(server: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws(TraktQLError) -> String {
        let directory = (MirrorStore.defaultPath(server: server, user: "me", environment: environment) as NSString).deletingLastPathComponent
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".sqlite") }.sorted()
        switch files.count {
        case 0:
            throw MirrorAccess.missing(at: directory + "/", server: server.absoluteString)
        case 1:
            return directory + "/" + files[0]
        default:
            let own = files.filter { file in
                guard let database = try? MirrorStoreDatabase.open(path: directory + "/" + file, server: server.absoluteString),
                      let account = try? database.account() else { return false }
                return account.own
            }
            if own.count == 1 { return directory + "/" + own[0] }
            throw .usage("several mirrors of \(server.absoluteString) in \(directory) (\(files.joined(separator: ", "))): pick one with --mirror-file PATH")
        }
    }
}
