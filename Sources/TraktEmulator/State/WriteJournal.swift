import Foundation

/// `--state FILE`: the writes as an append-only JSON-lines journal, one line per write request,
/// written and `fsync`ed before the write is applied (so an answered write survives a crash, and
/// `kill -9` in the middle of one loses at most that one). Replayed at start through the same
/// code as live writes, with the recorded clock, so the overlay comes back identical.
///
/// A line: `{"v":1,"route":"POST /sync/history","user":"justin","second":…,"clock_ms":…,"body":"<the JSON body, as a string>"}`.
final class WriteJournal: @unchecked Sendable {
    let path: String
    private let fd: Int32
    /// The bytes of whole records in the file (a failed append is cut back to it). Changed only
    /// under ``V2Service/journalLock``.
    private var size: off_t = 0
    /// How many times appends waited for the disk (`fsync`): fewer than the records when writes
    /// were committed together.
    private(set) var syncs = 0

    /// One recorded write.
    struct Record {
        /// Which dataset the write was made against (seed, size, convention).
        let dataset: String
        let route: WriteRoute
        let user: String
        let second: Int64
        let clockMillis: Int64
        let body: [UInt8]
    }

    /// What opening found: the records to replay, and warnings (a torn last line).
    struct Opened {
        let journal: WriteJournal
        let records: [Record]
        let warnings: [String]
    }

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// Opens (creating, mode 0600) and reads `path`; `reset` empties it first. A last line
    /// without its newline, or one that does not parse, is a write cut short: it is dropped
    /// from the file with a warning. Any other bad line is an error naming its number.
    static func load(path: String, reset: Bool) throws(EmulatorError) -> Opened {
        // (Foundation brings the C library's open/pread/ftruncate/fsync on every platform.)
        let fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw EmulatorError(description: "--state: cannot open \(path): \(String(cString: strerror(errno)))") }
        let journal = WriteJournal(path: path, fd: fd)
        if reset {
            guard ftruncate(fd, 0) == 0, fsync(fd) == 0 else {
                throw EmulatorError(description: "--reset-state: cannot empty \(path): \(String(cString: strerror(errno)))")
            }
            return Opened(journal: journal, records: [], warnings: [])
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 { throw EmulatorError(description: "--state: cannot read \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            offset += off_t(n)
        }
        var records: [Record] = []
        var warnings: [String] = []
        var start = 0
        var line = 0
        var good = 0
        while start < bytes.count {
            line += 1
            let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
            let end = newline ?? bytes.count
            let record = parse(Array(bytes[start..<end]))
            let isLast = newline == nil || newline! + 1 == bytes.count
            guard let record, newline != nil else {
                guard isLast else {
                    throw EmulatorError(description: "--state: \(path) line \(line) is not a journal record (the file is damaged; start with --reset-state to empty it)")
                }
                warnings.append("--state: \(path) line \(line) is incomplete (a write cut short, e.g. by kill -9): ignored and removed")
                break
            }
            records.append(record)
            start = end + 1
            good = start
        }
        journal.size = off_t(good)
        if good < bytes.count {
            guard ftruncate(fd, off_t(good)) == 0, fsync(fd) == 0 else {
                throw EmulatorError(description: "--state: cannot trim \(path): \(String(cString: strerror(errno)))")
            }
        }
        return Opened(journal: journal, records: records, warnings: warnings)
    }

    static func parse(_ line: [UInt8]) -> Record? {
        guard let o = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], o["v"] as? Int == 1,
            let dataset = o["dataset"] as? String, let route = (o["route"] as? String).flatMap(WriteRoute.init(rawValue:)), let user = o["user"] as? String,
            let second = WriteBody.int(o["second"]), let clock = WriteBody.int(o["clock_ms"]), let body = o["body"] as? String
        else { return nil }
        return Record(dataset: dataset, route: route, user: user, second: Int64(second), clockMillis: Int64(clock), body: Array(body.utf8))
    }

    /// Appends one record and waits until it is on disk.
    func append(_ r: Record) throws(V2Error) { try append([r]) }

    /// Appends `records` in order with one `fsync` (a group commit: writes that arrived together
    /// wait for the disk once) and returns when they are all on disk; on failure none is kept.
    /// Called by one writer at a time (``V2Service/journalLock``).
    func append(_ records: [Record]) throws(V2Error) {
        var out = JSONBytes()
        for r in records { Self.encode(r, into: &out) }
        var written = 0
        let ok = out.bytes.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += n
            }
            return fsync(fd) == 0
        }
        guard ok else {
            // Leave no half record behind: the next append must start on a line of its own.
            _ = ftruncate(fd, size)
            throw V2Error(status: 500, code: "server_error", message: "the emulator could not record the write in its state file (\(String(cString: strerror(errno)))); nothing was changed")
        }
        size += off_t(out.bytes.count)
        syncs += 1
    }

    /// One record as its journal line.
    static func encode(_ r: Record, into out: inout JSONBytes) {
        out.raw("{\"v\":1,\"dataset\":")
        out.string(r.dataset)
        out.raw(",\"route\":")
        out.string(r.route.rawValue)
        out.raw(",\"user\":")
        out.string(r.user)
        out.raw(",\"second\":")
        out.int(r.second)
        out.raw(",\"clock_ms\":")
        out.int(r.clockMillis)
        out.raw(",\"body\":")
        out.string(String(decoding: r.body, as: UTF8.self))
        out.raw("}\n")
    }

    /// Empties the journal (`POST /emulator/reset`).
    func truncate() throws(V2Error) {
        guard ftruncate(fd, 0) == 0, fsync(fd) == 0 else {
            throw V2Error(status: 500, code: "server_error", message: "the emulator could not empty its state file (\(String(cString: strerror(errno))))")
        }
        size = 0
    }
}
