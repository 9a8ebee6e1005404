import Foundation
import TraktQL

/// What a sync did: per section how it was read, the rows it added and removed, the calls.
public struct MirrorSyncReport: Sendable {
    public var user: String
    public var server: String
    public var started: Date
    public var finished: Date?
    public var calls = 0
    public var sections: [Section] = []
    /// Said on stderr after the summary: what went wrong after the sync was saved.
    public var warnings: [String] = []

    /// How a section was brought in step.
    public enum Read: String, Sendable {
        /// Its `/sync/last_activities` members had not moved: no call.
        case unchanged
        /// Only what is new since the last sync.
        case incremental
        /// Read in full (first sync, `--full`, or a sign of a removal).
        case full
    }

    public struct Section: Sendable {
        public var section: MirrorSection
        public var read: Read = .unchanged
        /// Rows after the sync.
        public var rows = 0
        public var added = 0
        public var removed = 0
        public var calls = 0
        /// Why an incremental read became a full one (a removal seen, …).
        public var note: String?

        public init(section: MirrorSection) { self.section = section }
    }

    /// Saved in `sync_runs.summary`.
    var summaryJSON: String {
        var members: [(key: String, value: Value)] = []
        for s in sections {
            var m: [(key: String, value: Value)] = [("read", .string(s.read.rawValue)), ("rows", .int(Int64(s.rows))),
                                                     ("added", .int(Int64(s.added))), ("removed", .int(Int64(s.removed))),
                                                     ("calls", .int(Int64(s.calls)))]
            if let note = s.note { m.append(("note", .string(note))) }
            members.append((s.section.rawValue, .object(m)))
        }
        return MirrorDecomposition.json(.object(members))
    }

    /// The summary printed at the end: counts per section, calls, time.
    public var text: String {
        var lines: [String] = []
        for s in sections {
            var line = s.section.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
                + String(s.rows).leftPadded(8) + " rows  "
            switch s.read {
            case .unchanged: line += "unchanged"
            case .incremental: line += "+\(s.added) −\(s.removed) (\(s.calls) call\(s.calls == 1 ? "" : "s"))"
            case .full: line += "read in full (\(s.calls) call\(s.calls == 1 ? "" : "s"))"
            }
            if let note = s.note { line += "; " + note }
            lines.append(line)
        }
        let seconds = (finished ?? started).timeIntervalSince(started)
        lines.append("\(calls) call\(calls == 1 ? "" : "s") in \(String(format: "%.1f", seconds)) s")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Where a sync is: for a progress line (`history: page 12/217 · 3,000 items · 40 calls · ETA 0:41`).
public struct MirrorProgress: Sendable {
    public var section: MirrorSection
    public var page: Int
    /// The pages the server says this route has (nil until the first page).
    public var pages: Int?
    /// Elements read in this run so far.
    public var items: Int
    public var calls: Int
    /// Seconds left for this section, from the pace so far (nil when unknown).
    public var eta: TimeInterval?

    public var text: String {
        var out = "sync \(section.rawValue): page \(page)" + (pages.map { "/\($0)" } ?? "")
        out += " · \(items) items · \(calls) calls"
        if let eta, eta.isFinite, eta >= 0, eta < 864_000 {
            let whole = Int(eta.rounded())
            out += " · ETA \(whole / 60):" + String(whole % 60).leftPadded(2, with: "0")
        }
        return out
    }
}

/// Counts what the progress line shows.
final class ProgressTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var items = 0
    func add(_ count: Int) -> Int { lock.withLock { items += count; return items } }
}

extension String {
    func leftPadded(_ width: Int, with pad: Character = " ") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
