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

    static let collapsedPlaysKeepingTimesNote = "plays of one episode or movie with one action read as their newest and oldest play, "
        + "the newest standing for all but the oldest (the query reads a play's time or id only through first, last, min(time) or max(time))"

    /// Whether `plan` (this mirror plan's) may read plays as one, as above; and whether only
    /// with each group's oldest play read too (`keepingTimes`), when the query reads a play's
    /// time (or id) but only where a group's newest and oldest play give the same answer as
    /// all its plays: `first` and `last` of anything (the oldest play is exactly the one
    /// `first` takes, the newest the one `last` takes, ties included), and `min`, `max` or
    /// `count` of `time` itself. The rows then carry their places in the statement's order
    /// (``MergePosition``), so that the stats settle ties as they would over every play.
    static func collapse(_ plan: Plan, statements: [MirrorStatement], inSequence: Bool) -> (collapses: Bool, keepingTimes: Bool) {
        // One statement of plays, or several read one after another (then each item's place
        // in merged order goes with it, a group's its newest play's).
        let plays = statements.filter { $0.route == .history }
        guard statements.count == 1 || inSequence, plays.count == 1, let statement = plays.first,
              statement.elementLimit == nil, statement.localSince == nil, statement.localUntil == nil else { return (false, false) }
        // Row-by-row stages, then a stats whose aggregates do not depend on the rows' order:
        // the rule a fan-out read call by call follows.
        guard plan.takesCallsInAnyOrder else { return (false, false) }
        if !readsOwnMembers(plan) { return (true, false) }
        guard let at = plan.stages.firstIndex(where: { !$0.isRowByRow }), case .stats(var spec) = plan.stages[at] else { return (false, false) }
        spec.aggregates.removeAll { aggregate in
            switch aggregate.function {
            case .first, .last: return true
            case .min, .max, .count:
                guard let field = aggregate.field else { return false }
                return field.target == .virtual("time") && field.bucket == nil
            case .sum, .avg, .hours, .distinct: return false
            }
        }
        spec.time = nil
        var rest = plan
        rest.stages[at] = .stats(spec)
        return readsOwnMembers(rest) ? (false, false) : (true, true)
    }

    /// Whether `statements` (of `plan`) may be read one after another (``readsInSequence``):
    /// several, of different routes (so that no item is in two), none cut to one page, under a
    /// stats whose answer does not depend on the order of its rows.
    static func readsInSequence(_ plan: Plan, statements: [MirrorStatement]) -> Bool {
        let routes = statements.map(\.route)
        return statements.count > 1 && Set(routes).count == routes.count && statements.allSatisfy { $0.elementLimit == nil }
            && plan.takesCallsInAnyOrder
    }

    /// Whether what `plan` reads of an item includes a play's own id or time.
    private static func readsOwnMembers(_ plan: Plan) -> Bool {
        let read = Projection.forPlan(plan, schema: V2ItemSchema(), wholeItems: false)
        guard !read.whole else { return true }
        let ownMembers: Set<String> = ["id", "watched_at"]
        return read.children.contains { ownMembers.contains($0.key) }
    }
}
