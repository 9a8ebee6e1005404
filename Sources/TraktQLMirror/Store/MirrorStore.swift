import Foundation

/// One mirror database: a SQLite file for one account on one server, in WAL mode (a query
/// reads while a sync writes), migrated to the current ``MirrorSchema`` when opened.
///
/// The file is created 0600 in a 0700 directory: it holds the account's whole history.
public struct MirrorStore: Sendable {
    /// The database file.
    public let path: String
    /// The connection every read and write goes through (serialised; see ``SQLiteConnection``).
    public let connection: SQLiteConnection

    /// Opens (creating when missing) the mirror at `path`, migrating it to the current schema.
    public init(path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try MirrorStore.makePrivateDirectory(directory.isEmpty ? "." : directory)
        if !FileManager.default.fileExists(atPath: path) {
            // Created 0600 before SQLite opens it, so it is never readable by others; SQLite
            // gives its -wal and -shm files the same mode.
            let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            if fd >= 0 { close(fd) }
        }
        let connection = try SQLiteConnection(path: path)
        // WAL: readers never block the writer; NORMAL: a committed transaction survives the
        // process being killed (a power loss may lose the last ones, never consistency).
        try connection.executeScript("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON")
        try connection.migrate(MirrorSchema.migrations)
        self.path = path
        self.connection = connection
    }

    /// The default place of the mirror for `user` on `server`:
    /// `$XDG_DATA_HOME/traktql/mirror/<host>[-<port>]/<user>.sqlite` (`~/.local/share` when unset).
    public static func defaultPath(server: URL, user: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            base = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        }
        var host = (server.host ?? "server").lowercased()
        if let port = server.port { host += "-\(port)" }
        let safe: (String) -> String = { text in
            String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" ? $0 : "_" })
        }
        return "\(base)/traktql/mirror/\(safe(host))/\(safe(user.lowercased())).sqlite"
    }

    /// Creates `directory` and its missing parents; the last one is made (or left) 0700.
    static func makePrivateDirectory(_ directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        _ = chmod(directory, 0o700)
    }
}
