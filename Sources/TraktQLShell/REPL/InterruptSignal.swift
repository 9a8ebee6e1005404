#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// SIGINT while a query runs (the terminal is in its normal mode then, so Ctrl-C raises the
/// signal; while a line is edited, Ctrl-C is a key bound in ``LineEditor``).
///
/// The handler only writes a byte to a pipe (async-signal-safe, and it works whichever thread
/// the kernel picks); a dispatch source reads the pipe and calls the current handler. It never
/// terminates the process, so the REPL decides what Ctrl-C means.
final class InterruptSignal: @unchecked Sendable {
    static let shared = InterruptSignal()

    private let lock = NSLock()
    private var handler: (@Sendable () -> Void)?
    private var source: DispatchSourceRead?
    private var previous = sigaction()

    private init() {}

    /// Installs the SIGINT handler (once).
    func install() {
        lock.lock()
        defer { lock.unlock() }
        guard source == nil else { return }
        let fds = interruptPipe  // create the pipe before the handler can run
        let source = DispatchSource.makeReadSource(fileDescriptor: fds.read, queue: .global())
        source.setEventHandler { [weak self] in
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(fds.read, &buffer, buffer.count) > 0 {}
            self?.fire()
        }
        source.resume()
        self.source = source
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = writeInterruptByte
        #else
        action.__sigaction_u.__sa_handler = writeInterruptByte
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, &previous)
    }

    /// Restores the signal's previous disposition.
    func uninstall() {
        lock.lock()
        defer { lock.unlock() }
        guard let source else { return }
        sigaction(SIGINT, &previous, nil)
        source.cancel()
        self.source = nil
        handler = nil
    }

    /// What a Ctrl-C does now (nil: nothing).
    func setHandler(_ handler: (@Sendable () -> Void)?) {
        lock.lock()
        self.handler = handler
        lock.unlock()
    }

    private func fire() {
        lock.lock()
        let handler = self.handler
        lock.unlock()
        handler?()
    }
}

/// The self-pipe of ``InterruptSignal`` (non-blocking, close-on-exec).
private let interruptPipe: (read: Int32, write: Int32) = {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { return (-1, -1) }
    for fd in fds {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }
    return (fds[0], fds[1])
}()

/// Runs an operation in its own task that Ctrl-C cancels. When the task has not finished
/// half a second after the cancellation, the caller gets `.cancelled` anyway and the task is
/// left to wind down on its own, so the prompt is back within a second.
enum Interruptible {
    enum Outcome<T: Sendable>: Sendable {
        case finished(T)
        case cancelled
    }

    static func run<T: Sendable, E: Error>(
        _ operation: @escaping @Sendable () async -> Result<T, E>
    ) async -> Outcome<Result<T, E>> {
        let task = Task { await operation() }
        let gate = Gate<Outcome<Result<T, E>>>()
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome<Result<T, E>>, Never>) in
            gate.attach(continuation)
            InterruptSignal.shared.setHandler {
                gate.markInterrupted()
                task.cancel()
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(500)) { gate.resume(.cancelled) }
            }
            Task {
                let result = await task.value
                if gate.wasInterrupted, case .failure = result {
                    gate.resume(.cancelled)
                } else {
                    gate.resume(.finished(result))
                }
            }
        }
        InterruptSignal.shared.setHandler(nil)
        return outcome
    }

    /// Resumes a continuation exactly once.
    private final class Gate<V: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<V, Never>?
        private var interrupted = false

        func attach(_ continuation: CheckedContinuation<V, Never>) {
            lock.lock()
            self.continuation = continuation
            lock.unlock()
        }

        func markInterrupted() {
            lock.lock()
            interrupted = true
            lock.unlock()
        }

        var wasInterrupted: Bool {
            lock.lock()
            defer { lock.unlock() }
            return interrupted
        }

        func resume(_ value: V) {
            lock.lock()
            let continuation = self.continuation
            self.continuation = nil
            lock.unlock()
            continuation?.resume(returning: value)
        }
    }
}

/// The SIGINT handler: async-signal-safe, it only writes one byte (ETX) to the pipe the
/// dispatch source reads, and keeps `errno` as it found it.
private func writeInterruptByte(_: Int32) {
    var byte: UInt8 = 3
    let saved = errno
    _ = write(interruptPipe.write, &byte, 1)
    errno = saved
}
