import Foundation

/// Plays read as one: when a query reads no play's own id or time, and only a `stats` after
/// row-by-row stages consumes its items (``Plan/takesCallsInAnyOrder``), every play of one
/// episode (or movie) with one action is the same item to it. The mirror then reads each such group once, in the order of
/// its newest play, with the number of plays it stands for (``MirrorItemStream/Item/weight``),
/// and the stats count each as that many rows.
///
/// The answer is unchanged: the stats' groups first appear in the same order (a group of plays
/// is read where its first play stands), and each aggregate is fed the same values as often,
/// in another order only where the order cannot change the result
/// (``StatsSpecification/aggregatesInAnyOrder``: no sum or average of non-integer fields).
extension MirrorPlan {
    static let collapsedPlaysNote = "plays of one episode or movie with one action read as one row with their count "
        + "(nothing the query reads tells them apart: no play's own id or time)"

    /// Whether `plan` (this mirror plan's) may read plays as one, as above.
    static func collapsesPlays(_ plan: Plan, statements: [MirrorStatement]) -> Bool {
        guard statements.count == 1, let statement = statements.first, statement.route == .history,
              statement.elementLimit == nil, statement.localSince == nil, statement.localUntil == nil else { return false }
        // Row-by-row stages, then a stats whose aggregates do not depend on the rows' order:
        // the rule a fan-out read call by call follows (first/last read the time, excluded below).
        guard plan.takesCallsInAnyOrder else { return false }
        let read = Projection.forPlan(plan, schema: V2ItemSchema(), wholeItems: false)
        guard !read.whole else { return false }
        let ownMembers: Set<String> = ["id", "watched_at"]
        return !read.children.contains { ownMembers.contains($0.key) }
    }
}
