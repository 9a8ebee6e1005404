import Foundation
import TraktQL

extension MirrorStore {
    /// `traktql sync --status`: whose mirror, from which server, when each section was saved and
    /// how many rows it has, and the last runs (calls, outcome).
    public func statusText(now: Date = Date(), runs: Int = 5) throws -> String {
        try read { db in
            var lines: [String] = []
            guard let account = try db.namedRows("SELECT * FROM account WHERE id = 1").first else {
                return "mirror \(path): empty (no sync has finished a section yet)\n"
            }
            let own = account["own"]?.integer == 1
            lines.append("mirror \(path)")
            lines.append("account \(account["user"]?.text ?? "?") on \(account["server"]?.text ?? "?")"
                         + (own ? " (own account, through /sync)" : " (public data, --user)"))
            if let imported = account["imported_from"]?.text {
                lines.append("imported from \(imported); the next online sync completes it")
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            if let size { lines.append("size \(String(format: "%.1f", Double(size) / 1_048_576)) MB") }
            for row in try db.namedRows("SELECT * FROM sync_sections") {
                let section = row["section"]?.text ?? "?"
                let count = row["item_count"]?.integer ?? 0
                var line = section.padding(toLength: 11, withPad: " ", startingAt: 0) + String(count).leftPadded(8) + " rows"
                if let synced = row["synced_at"]?.integer { line += "  saved " + Self.describe(synced, now: now) }
                if row["remote"]?.text == nil, own { line += "  (imported: no server times yet)" }
                lines.append(line)
            }
            let pending = try db.int("SELECT count(*) FROM sync_pending WHERE route <> '#'") ?? 0
            if pending > 0 { lines.append("\(pending) page\(pending == 1 ? "" : "s") fetched by an unfinished sync, kept for the next one") }
            for run in try db.namedRows("SELECT * FROM sync_runs ORDER BY id DESC LIMIT ?", [.integer(Int64(runs))]) {
                let started = run["started_at"]?.integer ?? 0
                let calls = run["calls"]?.integer ?? 0
                var line = "run \(run["id"]?.integer ?? 0): " + Self.describe(started, now: now) + ", \(calls) call\(calls == 1 ? "" : "s")"
                if let finished = run["finished_at"]?.integer { line += String(format: ", %.1f s", Double(finished - started) / 1000) }
                if run["full"]?.integer == 1 { line += ", --full" }
                line += ": " + (run["outcome"]?.text ?? "stopped before it finished (killed, or still running)")
                lines.append(line)
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// `2025-06-01T12:00:00.000Z (3 h ago)`.
    static func describe(_ millis: Int64, now: Date) -> String {
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        let ago = now.timeIntervalSince(date)
        let age: String
        switch ago {
        case ..<0: age = "in the future"
        case ..<120: age = "\(Int(ago)) s ago"
        case ..<7200: age = "\(Int(ago / 60)) min ago"
        case ..<172_800: age = "\(Int(ago / 3600)) h ago"
        default: age = "\(Int(ago / 86_400)) days ago"
        }
        return V2Time.string(date) + " (\(age))"
    }
}
