#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import TraktQL

/// Secrets that do not go through argv: `--api-key-file`/`--password-file` (a file, or `-` for
/// standard input) and an interactive password prompt.
enum SecretInput {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A secret file holds one line; more than this is not a secret file.
    static let maximumBytes = 64 * 1024

    /// The first line of `path` (`-`: standard input), without its line ending or surrounding
    /// blanks. The second value is a warning when the file can be read by others.
    static func readSecret(_ path: String, what: String) throws(Failure) -> (String, warning: String?) {
        let data: Data
        var warning: String?
        if path == "-" {
            data = FileHandle.standardInput.readData(ofLength: maximumBytes + 1)
        } else {
            var info = stat()
            guard stat(path, &info) == 0 else { throw Failure(description: "cannot read the \(what) file \(path): \(String(cString: strerror(errno)))") }
            guard info.st_mode & 0o170000 == 0o100000 || info.st_mode & 0o170000 == 0o010000 else {
                throw Failure(description: "the \(what) file \(path) is not a regular file")
            }
            if info.st_mode & 0o170000 == 0o100000, info.st_mode & 0o077 != 0 {
                warning = "traktql: warning: \(path) holds your \(what) and is readable by others; run: chmod 600 \(path)"
            }
            guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(description: "cannot read the \(what) file \(path)") }
            data = handle.readData(ofLength: maximumBytes + 1)
            try? handle.close()
        }
        guard data.count <= maximumBytes else { throw Failure(description: "the \(what) file \(path) is larger than 64 KiB; it should hold one line") }
        guard let text = String(data: data, encoding: .utf8) else { throw Failure(description: "the \(what) file \(path) is not UTF-8 text") }
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let secret = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { throw Failure(description: "the \(what) file \(path) is empty") }
        return (secret, warning)
    }

    /// Asks for the password on the terminal with echo off; nil when there is no terminal or
    /// nothing was typed.
    static func promptPassword(for username: String) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { return nil }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)
        let prompt = Array("Trakt password for \(TerminalSafety.sanitize(username)): ".utf8)
        _ = prompt.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard tcsetattr(fd, TCSANOW, &silent) == 0 else { return nil }  // keeps what was typed ahead
        defer { _ = tcsetattr(fd, TCSANOW, &original) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < maximumBytes {
            let n = Glibc.read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || byte == 10 || byte == 13 { break }
            bytes.append(byte)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.isEmpty ? nil : text
    }
}
