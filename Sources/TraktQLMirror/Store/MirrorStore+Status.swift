import Foundation
import GRDB
import TraktQL

extension MirrorStore {
    /// `traktql sync --status`: whose mirror, from which server, when each section was saved and
    /// how many rows it has, and the last runs (calls, outcome).
    public func statusText(now: Date = Date(), runs: Int = 5) throws -> String {
        try read { db in
            var lines: [String] = []
            guard let account = try Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = 1") else {
                return "mirror \(path): empty (no sync has finished a section yet)\n"
            }
            let own: Int64 = account["own"]
            lines.append("mirror \(path)")
            lines.append("account \(account["user"] as String) on \(account["server"] as String)"
                         + (own == 1 ? " (own account, through /sync)" : " (public data, --user)"))
            if let imported: String = account["imported_from"] {
                lines.append("imported from \(imported); the next online sync completes it")
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            if let size { lines.append("size \(String(format: "%.1f", Double(size) / 1_048_576)) MB") }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM sync_sections") {
                let section: String = row["section"]
                let synced: Int64? = row["synced_at"]
                let count: Int = row["item_count"]
                var line = section.padding(toLength: 11, withPad: " ", startingAt: 0) + String(count).leftPadded(8) + " rows"
                if let synced { line += "  saved " + Self.describe(synced, now: now) }
                if (row["remote"] as String?) == nil, own == 1 { line += "  (imported: no server times yet)" }
                lines.append(line)
            }
            let pending = try Int.fetchOne(db, sql: "SELECT count(*) FROM sync_pending WHERE route <> '#'") ?? 0
            if pending > 0 { lines.append("\(pending) page\(pending == 1 ? "" : "s") fetched by an unfinished sync, kept for the next one") }
            for run in try Row.fetchAll(db, sql: "SELECT * FROM sync_runs ORDER BY id DESC LIMIT ?", arguments: [runs]) {
                let started: Int64 = run["started_at"]
                let finished: Int64? = run["finished_at"]
                let outcome: String? = run["outcome"]
                let full: Int64 = run["full"]
                let calls: Int = run["calls"]
                var line = "run \(run["id"] as Int64): " + Self.describe(started, now: now) + ", \(calls) call\(calls == 1 ? "" : "s")"
                if let finished { line += String(format: ", %.1f s", Double(finished - started) / 1000) }
                if full == 1 { line += ", --full" }
                line += ": " + (outcome ?? "stopped before it finished (killed, or still running)")
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
