import Foundation
import TraktQL

/// What `traktql --mirror` says on stderr before it runs anything: that answers come from the
/// local mirror, whose account on which server, and how old it is (the same words as the
/// built-in emulator's banner for its dataset: an answer never passes for a live one).
enum MirrorBanner {
    /// The banner, or the error that opening the mirror met (none yet: run `traktql sync`).
    static func text(_ access: MirrorAccess?, now: Date, maxAge: TimeInterval) throws(TraktQLError) -> String {
        guard let access else { throw .usage("no mirror is configured: run `traktql sync` first") }
        let database = try access.database()
        let account = try database.account()
        let synced = account.syncedAt.map { "synced \(ISO8601DateFormatter().string(from: $0)) (\(account.age(at: now)) ago)" }
            ?? "not synced online yet"
        var lines = ["traktql: answers come from the local mirror of \(account.user) on \(account.server), \(synced), not from the API: \(database.location)"]
        // Said once per session: here, or by the first query when the banner is not shown.
        if let synced = account.syncedAt, now.timeIntervalSince(synced) > maxAge, access.claimStaleWarning() {
            lines.append("traktql: warning: the mirror is older than mirror_max_age (\(settingText(maxAge))): run `traktql sync` to bring it up to date")
        }
        return lines.map { TerminalSafety.sanitize($0) }.joined(separator: "\n")
    }

    /// Opens the mirror and reads its account, without a banner (`--quiet`): the first query
    /// then says whether it is old.
    static func check(_ access: MirrorAccess?) throws(TraktQLError) {
        guard let access else { throw .usage("no mirror is configured: run `traktql sync` first") }
        _ = try access.database().account()
    }

    private static func settingText(_ seconds: TimeInterval) -> String {
        seconds.truncatingRemainder(dividingBy: 86_400) == 0 ? "\(Int(seconds / 86_400))d" : "\(Int(seconds))s"
    }
}
