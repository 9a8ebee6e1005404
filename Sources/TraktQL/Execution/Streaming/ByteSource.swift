#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where the streaming reader's bytes come from: a file descriptor read in chunks (files and
/// standard input alike), or bytes already in memory (tests, HTTP bodies).
enum ByteSource {
    case descriptor(Int32)
    case memory(UnsafeRawBufferPointer)
}

/// A growable window over a ``ByteSource``: `bytes[start..<end]` are read but not yet consumed.
/// Refilling moves the unconsumed tail to the front and reads after it; the buffer doubles
/// only when one unit (an item) does not fit, so memory stays at the chunk size plus the
/// largest item, whatever the input's size.
final class ByteWindow {
    private(set) var buffer: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Input offset of `buffer[0]`.
    private(set) var offset = 0
    private(set) var start = 0
    private(set) var end = 0
    private(set) var exhausted = false
    private let source: ByteSource
    private var memoryPosition = 0

    init(source: ByteSource, chunkSize: Int = 1 << 20) {
        self.source = source
        self.capacity = max(64, chunkSize)
        self.buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// Marks `buffer[..<position]` consumed.
    func consume(upTo position: Int) { start = position }

    /// Reads more input after `end`, keeping `buffer[start..<end]`. Returns false at the end of
    /// the input (then `exhausted` is true).
    func refill() throws(TraktQLError) -> Bool {
        if exhausted { return false }
        if start > 0 {
            let kept = end - start
            if kept > 0 { buffer.update(from: buffer + start, count: kept) }
            offset += start
            end = kept
            start = 0
        }
        if end == capacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        let room = capacity - end
        switch source {
        case .memory(let bytes):
            let n = min(room, bytes.count - memoryPosition)
            if n > 0, let base = bytes.baseAddress {
                (buffer + end).update(from: base.advanced(by: memoryPosition).assumingMemoryBound(to: UInt8.self), count: n)
            }
            memoryPosition += n
            end += n
            if memoryPosition >= bytes.count { exhausted = true }
            return n > 0 || !exhausted
        case .descriptor(let fd):
            while true {
                let n = read(fd, buffer + end, room)
                if n > 0 {
                    end += n
                    return true
                }
                if n == 0 {
                    exhausted = true
                    return false
                }
                if errno == EINTR { continue }
                throw .usage("cannot read the input: \(String(cString: strerror(errno)))")
            }
        }
    }
}
