import Foundation

/// The one-line paging progress on a terminal's stderr ("fetched 3,400 activities in 34
/// calls…"), overwritten in place and erased before the result is printed.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var shown = false

    func show(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        Console.err("\r\u{1B}[2K" + line)
        shown = true
    }

    /// Prints a whole line of its own (a retry, a wait) where the progress line was: the
    /// progress is erased first, so the message never mixes with it, and the next progress
    /// update draws it again below.
    func interject(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        Console.err((shown ? "\r\u{1B}[2K" : "") + line + (line.hasSuffix("\n") ? "" : "\n"))
        shown = false
    }

    /// Erases the line if anything was shown.
    func clear() {
        lock.lock()
        defer { lock.unlock() }
        if shown { Console.err("\r\u{1B}[2K") }
        shown = false
    }
}
