#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Child processes through posix_spawn and waitpid, with every wait bounded.
///
/// (Foundation's `Process.waitUntilExit()` was seen to hang here: a child that exited stayed a
/// zombie and was never reaped, so a test hung for good. This helper polls `waitpid` itself.)
public enum Spawn {
    public struct Child: Sendable {
        public let pid: pid_t
        /// The read end of the child's stdout, or -1 when it goes to /dev/null.
        public let output: Int32
    }

    /// Starts `path` with `arguments`; stdin is /dev/null, stdout a pipe when asked, stderr
    /// `errorFile` when given (else /dev/null).
    public static func start(_ path: String, _ arguments: [String], captureOutput: Bool = false, errorFile: String? = nil) -> Child? {
        var fds: [Int32] = [-1, -1]
        if captureOutput {
            guard pipe(&fds) == 0 else { return nil }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if captureOutput {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_addclose(&actions, fds[0])
            posix_spawn_file_actions_addclose(&actions, fds[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        if let errorFile {
            posix_spawn_file_actions_addopen(&actions, 2, errorFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // Default signal handling and nothing blocked in the child: the test runner's threads
        // block signals, and a tmux server that inherits that never dies on kill-server.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let status = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        if captureOutput { close(fds[1]) }
        guard status == 0 else {
            if captureOutput { close(fds[0]) }
            return nil
        }
        return Child(pid: pid, output: captureOutput ? fds[0] : -1)
    }

    /// Waits for the child to exit, at most `timeout` seconds (then kills it); its exit
    /// status, or nil when it had to be killed or died of a signal.
    @discardableResult
    public static func wait(_ child: Child, timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let result = waitpid(child.pid, &status, WNOHANG)
            if result == child.pid { break }
            if result < 0 && errno != EINTR { return nil }
            if Date() >= deadline {
                kill(child.pid, SIGKILL)
                _ = waitpid(child.pid, &status, 0)
                return nil
            }
            usleep(5_000)
        }
        return status & 0x7f == 0 ? (status >> 8) & 0xff : nil
    }

    /// How a child ended.
    public enum Ending: Hashable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)
        /// Still running at the deadline (it was killed then).
        case timedOut

        public var description: String {
            switch self {
            case .exited(let status): "exit status \(status)"
            case .signalled(let signal): "killed by signal \(signal)\(signal == SIGILL ? " (SIGILL: a Swift trap)" : "")"
            case .timedOut: "still running at the deadline"
            }
        }
    }

    /// Waits for the child like ``wait(_:timeout:)``, and says how it ended.
    public static func ending(_ child: Child, timeout: TimeInterval) -> Ending {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let result = waitpid(child.pid, &status, WNOHANG)
            if result == child.pid { break }
            if result < 0 && errno != EINTR { return .timedOut }
            if Date() >= deadline {
                kill(child.pid, SIGKILL)
                _ = waitpid(child.pid, &status, 0)
                return .timedOut
            }
            usleep(5_000)
        }
        return status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
    }

    /// Reads the child's stdout until end of file or the deadline.
    public static func readOutput(_ child: Child, timeout: TimeInterval, untilNewline: Bool = false) -> String {
        guard child.output >= 0 else { return "" }
        let deadline = Date().addingTimeInterval(timeout)
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var descriptor = pollfd(fd: child.output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 50)
            if ready < 0 && errno != EINTR { break }
            if ready <= 0 { continue }
            let n = read(child.output, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[0..<n]
            if untilNewline && data.contains(10) { break }
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs to completion within `timeout`; the exit status (nil if killed) and stdout.
    public static func run(_ path: String, _ arguments: [String], captureOutput: Bool = false, timeout: TimeInterval = 10) -> (status: Int32?, output: String) {
        guard let child = start(path, arguments, captureOutput: captureOutput) else { return (nil, "") }
        let output = readOutput(child, timeout: timeout)
        if child.output >= 0 { close(child.output) }
        return (wait(child, timeout: timeout), output)
    }
}
