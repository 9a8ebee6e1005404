#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The REPL's history file: one statement per line, `\` written as `\\`, newline as `\n` and
/// carriage return as `\r`, so a multi-line statement stays one entry.
///
/// Every read and write holds an advisory `flock` on the file, and entries are appended with
/// `O_APPEND`, so two shells writing at once neither corrupt the file nor lose entries. The file
/// is opened without following symbolic links and must be a regular file owned by the user;
/// only its last MiB is read. It is trimmed to ``limit`` entries when loaded by writing a new
/// file and renaming it over the old one (an appender that was waiting for the lock notices
/// the new file and appends there).
struct HistoryFile: Sendable {
    let path: String
    /// The most entries kept; 0 turns the file off.
    let limit: Int

    static let defaultLimit = 1000

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `$XDG_STATE_HOME/traktql/history`, default `~/.local/state/traktql/history`; nil when
    /// neither an absolute XDG_STATE_HOME nor HOME is known.
    static func defaultPath(environment: [String: String]) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/traktql/history"
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return home + "/.local/state/traktql/history"
    }

    /// `TRAKTQL_HISTORY_SIZE` (a whole number, 0 = no history file), or the default; the
    /// second value is a warning for an unusable setting.
    static func limit(environment: [String: String]) -> (Int, String?) {
        guard let text = environment["TRAKTQL_HISTORY_SIZE"], !text.isEmpty else { return (defaultLimit, nil) }
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 0 else {
            return (defaultLimit, "traktql: TRAKTQL_HISTORY_SIZE must be a whole number (0 turns history off); using \(defaultLimit)")
        }
        return (min(n, 1_000_000), nil)
    }

    // MARK: - Format

    static func escape(_ entry: String) -> String {
        var out = ""
        out.reserveCapacity(entry.utf8.count)
        for character in entry.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    static func unescape(_ line: Substring) -> String {
        var out = ""
        var escaped = false
        for character in line.unicodeScalars {
            if escaped {
                switch character {
                case "n": out += "\n"
                case "r": out += "\r"
                default: out.unicodeScalars.append(character)  // `\\`, and anything unknown kept as is
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.unicodeScalars.append(character)
            }
        }
        if escaped { out += "\\" }
        return out
    }

    static func parse(_ data: Data) -> [String] {
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: true).map { unescape($0) }
    }

    // MARK: - File access

    /// At most this much of the file's end is read at start-up (whole entries only); a file
    /// larger than that is trimmed to what was read.
    static let maximumReadBytes = 1 << 20

    /// Every entry, oldest first (from the file's last ``maximumReadBytes`` at most); trims the
    /// file, by writing a new one and renaming it over the old, when it holds more than
    /// ``limit`` entries or more bytes than were read.
    func load() throws(Failure) -> [String] {
        guard limit > 0 else { return [] }
        var info = stat()
        guard lstat(path, &info) == 0 else { return [] }  // not there yet: created on first append
        return try withLockedFile { fd, size throws(Failure) in
            let (data, cut) = try readTail(fd, size: size)
            var entries = Self.parse(data)
            if entries.count > limit || cut {
                if entries.count > limit { entries.removeFirst(entries.count - limit) }
                try replace(with: entries)
            }
            return entries
        }
    }

    /// Appends one entry, unless it equals the file's last one. Creates the directories
    /// (mode 0700) and the file (mode 0600) as needed.
    func append(_ entry: String) throws(Failure) {
        guard limit > 0, !entry.isEmpty else { return }
        try withLockedFile { fd, _ throws(Failure) in
            if lastEntry(fd) == entry { return }
            try writeAll(fd, Array((Self.escape(entry) + "\n").utf8))
        }
    }

    /// A warning when the file's directory can be written by others (they could replace the
    /// file, or plant a link in its place); nil when it is private or does not exist.
    func directoryWarning() -> String? {
        let directory = (path as NSString).deletingLastPathComponent
        var info = stat()
        guard !directory.isEmpty, stat(directory, &info) == 0 else { return nil }
        guard info.st_mode & 0o022 != 0 else { return nil }
        // A sticky directory such as /tmp still lets others create files, so it warns too.
        return "traktql: warning: \(directory) is writable by other users, who could replace your history file; run: chmod 700 \(directory)\n"
    }

    // MARK: - Internals

    /// Opens the file without following a symbolic link, requires a regular file owned by this
    /// user, locks it, and passes its descriptor and size. When the file was replaced by a
    /// trim while this waited for the lock, opens the new one.
    private func withLockedFile<T>(_ body: (Int32, off_t) throws(Failure) -> T) throws(Failure) -> T {
        try createDirectories()
        for _ in 0..<8 {
            let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o600)
            guard fd >= 0 else {
                if errno == ELOOP { throw Failure(description: "\(path) is a symbolic link; refusing to follow it") }
                throw Failure(description: "cannot open \(path): \(errnoText())")
            }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw Failure(description: "cannot read \(path): \(errnoText())") }
            guard info.st_mode & 0o170000 == 0o100000 else { throw Failure(description: "\(path) is not a regular file") }
            guard info.st_uid == getuid() else { throw Failure(description: "\(path) belongs to another user") }
            if info.st_mode & 0o077 != 0 { _ = fchmod(fd, 0o600) }
            // Wait at most two seconds for another shell; never hang the prompt on a stuck lock.
            let deadline = Date().addingTimeInterval(2)
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                    throw Failure(description: "cannot lock \(path): \(errnoText())")
                }
                usleep(10_000)
            }
            defer { flock(fd, LOCK_UN) }
            // Still the file at `path`? (A trim renames a new file over it.)
            var current = stat()
            guard lstat(path, &current) == 0, current.st_ino == info.st_ino, current.st_dev == info.st_dev else { continue }
            guard fstat(fd, &info) == 0 else { throw Failure(description: "cannot read \(path): \(errnoText())") }
            return try body(fd, info.st_size)
        }
        throw Failure(description: "\(path) keeps being replaced")
    }

    private func createDirectories() throws(Failure) {
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) else { return }
        // Create each missing level with 0700 (the state directory holds typed statements).
        var missing: [String] = []
        var current = directory
        while !current.isEmpty, current != "/", !FileManager.default.fileExists(atPath: current) {
            missing.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        for level in missing.reversed() where mkdir(level, 0o700) != 0 && errno != EEXIST {
            throw Failure(description: "cannot create \(level): \(errnoText())")
        }
    }

    /// The last ``maximumReadBytes`` of the file, starting at a whole line; and whether
    /// anything before them was left unread.
    private func readTail(_ fd: Int32, size: off_t) throws(Failure) -> (Data, cut: Bool) {
        let start = max(0, size - off_t(Self.maximumReadBytes))
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var offset = start
        while offset < size {
            let want = min(buffer.count, Int(size - offset))
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot read \(path): \(errnoText())")
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            offset += off_t(n)
        }
        guard start > 0 else { return (data, false) }
        // The first line may be the end of an entry that started before the window.
        if let newline = data.firstIndex(of: 10) {
            data = data[(newline + 1)...]
        } else {
            data = Data()
        }
        return (Data(data), true)
    }

    /// Writes `entries` to a new private file next to the history and renames it over the
    /// history (atomic: a reader sees the old file or the new one, never a half-written one).
    private func replace(with entries: [String]) throws(Failure) {
        let temporary = path + ".tmp-\(getpid())"
        _ = unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw Failure(description: "cannot trim \(path): cannot create \(temporary): \(errnoText())") }
        do throws(Failure) {
            try writeAll(fd, Array(entries.map { Self.escape($0) + "\n" }.joined().utf8))
            guard fsync(fd) == 0 else { throw Failure(description: "cannot trim \(path): \(errnoText())") }
        } catch {
            close(fd)
            _ = unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let text = errnoText()
            _ = unlink(temporary)
            throw Failure(description: "cannot trim \(path): \(text)")
        }
    }

    /// The last entry, read from the end of the file (at most 64 KiB of it).
    private func lastEntry(_ fd: Int32) -> String? {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
        let count = Int(min(info.st_size, 64 * 1024))
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, info.st_size - off_t(count)) }
        guard n == count else { return nil }
        var bytes = buffer[...]
        if bytes.last == 10 { bytes = bytes.dropLast() }
        guard let start = bytes.lastIndex(of: 10).map({ $0 + 1 }) ?? (count == Int(info.st_size) ? bytes.startIndex : nil) else {
            return nil
        }
        return Self.unescape(Substring(String(decoding: bytes[start...], as: UTF8.self)))
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot write \(path): \(errnoText())")
            }
            offset += n
        }
    }

    private func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Which statements the history keeps.
///
/// The rule for secrets: a statement is never recorded when its text mentions, in any case,
/// `api_key`, `apikey`, `api-key`, `password`, `passwd`, `secret`, `token`, `bearer`,
/// `authorization` or `credential`; or when it is a `set` or `let` whose name contains `key`,
/// `pass`, `secret`, `token` or `auth`. Blank statements are not recorded either.
enum HistoryPolicy {
    static let secretWords = ["api_key", "apikey", "api-key", "password", "passwd", "secret", "token", "bearer", "authorization", "credential"]
    static let secretNameParts = ["key", "pass", "secret", "token", "auth"]

    static func shouldRecord(_ statement: String) -> Bool {
        let lower = statement.lowercased()
        if lower.allSatisfy(\.isWhitespace) { return false }
        if secretWords.contains(where: { lower.contains($0) }) { return false }
        let words = lower.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "=" || $0 == ";" })
        for (i, word) in words.enumerated() where (word == "set" || word == "let") && i + 1 < words.count {
            let name = words[i + 1]
            if secretNameParts.contains(where: { name.contains($0) }) { return false }
        }
        return true
    }
}
