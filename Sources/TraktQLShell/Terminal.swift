#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Facts about the process's terminal, read once.
struct Terminal: Sendable {
    var stdinIsTTY: Bool
    var stdoutIsTTY: Bool
    var stderrIsTTY: Bool
    /// `NO_COLOR` set to anything non-empty (no-color.org).
    var noColor: Bool

    static func current() -> Terminal {
        Terminal(stdinIsTTY: isatty(0) == 1, stdoutIsTTY: isatty(1) == 1, stderrIsTTY: isatty(2) == 1,
                 noColor: !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty)
    }

    /// The width of the terminal on stdout, or `COLUMNS`, or nil (no fitting).
    func width() -> Int? {
        var size = winsize()
        if stdoutIsTTY, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return stdoutIsTTY ? 80 : nil
    }
}

/// Unbuffered writes to stdout and stderr (output is never lost at exit).
enum Console {
    static func out(_ text: String) { write(1, text) }
    static func err(_ text: String) { write(2, text) }

    private static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                #if canImport(Glibc)
                Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                Darwin.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
            }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return  // EPIPE and friends: the reader is gone; nothing more to do
            }
            offset += n
        }
    }
}
