/// Where a row stands in the order ``CallMerge`` gives a fan-out's items: newest first, ties by
/// call, then by the item's place in its call and the row's among the item's rows (`flatten`);
/// items without a time after all the others, call by call.
///
/// ``CallSequence`` reads calls one after another, not in that order; a `stats` fed from it
/// (``Stats/Aggregator``) uses these positions to come out as if it had been: its groups in the
/// order they first appear, each group's key as written by its first row, and `min`/`max`/
/// `first`/`last` ties settled the merged way.
///
/// The order equals ``CallMerge``'s when each call's items come newest first across its pages
/// (``CallPager/isNewestFirst``; the merge sorts a call that does not whole, and a page stably),
/// and an identity always stands for one item at one time, so that a duplicate across calls is
/// the same item, kept from its first call in either order.
struct MergePosition: Comparable, Sendable {
    /// ``ItemSchema/order(of:)``: nil after every item with a time.
    var order: Int64?
    /// The call's index among the plan's calls.
    var call: Int
    /// The item's place among the items its call kept.
    var index: Int
    /// The row's place among the rows the streaming stages made of the item.
    var row = 0

    /// Whether `a` comes before `b` in merged order.
    static func < (a: MergePosition, b: MergePosition) -> Bool {
        switch (a.order, b.order) {
        case let (x?, y?) where x != y: return x > y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return (a.call, a.index, a.row) < (b.call, b.index, b.row)
        }
    }
}
