import Foundation

/// One ``MirrorStatement``'s items in its rows' order, stepped when asked (a ``MirrorCursor``):
/// each element rebuilt (``MirrorElements``) and read as v2 reads it (``V2Item``), and checked
/// against a time window SQL could not apply.
///
/// Unlike v2's pager, it does not de-duplicate: a page that shifts under the pager can repeat
/// an item, but one statement's rows are distinct rows of one table, whose key is the item's
/// identity (the history id; a rating's, a collected item's type and item; a list item's id).
struct MirrorItemStream {
    /// An item, with what the stream already knows of it.
    struct Item {
        var value: Value
        /// Its time as ``V2ItemSchema/order(of:)`` reads it, when the row gave it (nil: read it).
        var order: Int64?
        /// Non-nil when the item is already normalised (``ItemNormalizer``): the values that
        /// could not be read.
        var failures: [ItemNormalizer.Failure]?
        /// How many plays it stands for (``MirrorPlan/collapsesPlays``); 1 otherwise.
        var weight = 1
        /// For plays read as one, the place in merged order of the play it was read from (a
        /// group's newest, or its oldest: ``MirrorPlan/collapsedPlaysKeepTimes``): groups come
        /// out of the plays' order, and the stats settle order and ties by these places.
        var position: MergePosition?

        /// Its time in milliseconds, for ordering: the row's when it gave it, else read.
        func order(_ schema: V2ItemSchema) -> Int64? { order ?? schema.order(of: value) }
    }

    /// What tells plays apart once their own id and time are not read: the row's action,
    /// type, movie, show, episode and `extra`, read in place. A short action or type (all of
    /// Trakt's) is its bytes in one word, so no String is made or hashed per play.
    private struct PlayKey: Hashable {
        var action: UInt64
        var type: UInt64
        var movie: Int64?
        var show: Int64?
        var episode: Int64?
        /// What does not fit a word: a longer action or type, and an `extra` other than `{}`
        /// (nil for almost every play).
        var rest: String?

        init(_ row: any MirrorCurrentRow) {
            var rest: String?
            func word(_ index: Int, _ name: String) -> UInt64 {
                switch row.textWord(index) {
                case .word(let word): return word
                case .long:
                    rest = (rest ?? "") + name + ":" + (row.value(index).text ?? "") + "\u{0}"
                    return UInt64.max
                case .notText: return 0
                }
            }
            action = word(2, "action")
            type = word(3, "type")
            movie = row.integer(4)
            show = row.integer(5)
            episode = row.integer(6)
            if row.textWord(7) != Self.emptyExtra {
                rest = (rest ?? "") + "extra:" + (row.value(7).text.map { "=" + $0 } ?? "null")
            }
            self.rest = rest
        }

        private static let emptyExtra = MirrorTextWord("{}")

        /// Fewer words than the synthesized hash (which hashes each optional's tag too): a
        /// year of plays is 30,000 lookups. Equality stays member by member.
        func hash(into hasher: inout Hasher) {
            hasher.combine(action &* 0x9E37_79B9_7F4A_7C15 ^ type)
            hasher.combine(episode ?? movie ?? .min)
            hasher.combine(show ?? .min)
            if let rest { hasher.combine(rest) }
        }
    }

    /// A group of collapsed plays: its first row (in the statement's order), its number of
    /// plays, and where its first and last rows stand (with the last one's id and time, the
    /// only columns where it differs from the first).
    private struct PlayGroup {
        var row: [MirrorValue]
        var plays = 1
        var firstIndex: Int
        var lastIndex: Int
        var lastID: MirrorValue
        var lastTime: MirrorValue
    }

    /// Collapsed plays, in the order of their groups' first rows; nil until read.
    private var collapsed: [PlayGroup]?
    private var collapsedTaken = 0
    /// The oldest play of the group read last, still to be handed over (``keepsTimes``).
    private var collapsedOldest: (row: [MirrorValue], position: MergePosition)?
    private var pendingWeight = 1
    private var pendingPosition: MergePosition?
    private let collapsesPlays: Bool
    /// Collapsed plays are read as their newest and oldest play (``MirrorPlan/collapsedPlaysKeepTimes``).
    private let keepsTimes: Bool
    /// The statement's index in its plan, for its rows' places in merged order (``MergePosition/call``).
    private let call: Int

    let statement: MirrorStatement
    private let cursor: any MirrorCursor
    private let context: V2Item.Context
    private let schema = V2ItemSchema()
    /// The items of the element read last, and how many of them were handed over.
    private var pending: [Value] = []
    private var taken = 0
    /// Collected shows: the rows of the show being gathered (one element per show).
    private var group: [[MirrorValue]] = []
    /// Elements read (list items: per list), for the element limit.
    private var count = 0
    private var perList: [Int64: Int] = [:]
    private let user: Value?
    /// Every row was stepped.
    private(set) var isFinished = false

    init(_ statement: MirrorStatement, user: String?, connection: any MirrorConnection, collapsesPlays: Bool = false,
         keepingTimes: Bool = false, call: Int = 0) throws(TraktQLError) {
        self.statement = statement
        self.call = call
        self.collapsesPlays = collapsesPlays && statement.route == .history
        self.keepsTimes = self.collapsesPlays && keepingTimes
        self.cursor = try connection.cursor(statement.sql, statement.values)
        self.context = V2Item.Context(username: user)
        self.user = user.map { .object([("username", .string($0))]) }
    }

    /// The next item; nil after the last.
    mutating func next(_ elements: inout MirrorElements) throws(TraktQLError) -> Item? {
        let since = statement.localSince, until = statement.localUntil
        while true {
            while taken < pending.count {
                let item = pending[taken]
                taken += 1
                if since != nil || until != nil {
                    // As v2's pager checks a route without start_at/end_at.
                    guard let time = schema.time(of: item), !(since.map { time < $0 } ?? false), !(until.map { time >= $0 } ?? false) else { continue }
                }
                return Item(value: item, weight: pendingWeight, position: pendingPosition)
            }
            pending = []
            taken = 0
            pendingWeight = 1
            pendingPosition = nil
            if collapsesPlays || (statement.route == .history && since == nil && until == nil) {
                // Plays, most of a mirror: read straight into items when the row allows it.
                let play: (row: [MirrorValue], plays: Int, position: MergePosition?)?
                if collapsesPlays {
                    play = try nextCollapsed(&elements)
                } else if !isFinished, let row = try cursor.next() {
                    count += 1
                    play = (row, 1, nil)
                } else {
                    isFinished = true
                    play = nil
                }
                guard let (row, plays, position) = play else { return nil }
                if let direct = try elements.historyItem(row, user: user) {
                    return Item(value: direct.item, order: row[1].integer, failures: direct.failures, weight: plays, position: position)
                }
                pending = V2Item.items(of: try elements.history(row), route: .history, context: context)
                pendingWeight = plays
                pendingPosition = position
                continue
            }
            guard let element = try nextElement(&elements) else { return nil }
            pending = V2Item.items(of: element.value, route: statement.route, context: element.context)
        }
    }

    /// Whether the element limit cut the statement short (older elements were left unread):
    /// meaningful once every row was stepped (``drain()``).
    var isCut: Bool {
        guard let limit = statement.elementLimit else { return false }
        return count >= limit || perList.values.contains { $0 >= limit }
    }

    /// Steps the rows left, only counting elements (for ``isCut``): a statement with an
    /// element limit holds at most that many.
    mutating func drain() throws(TraktQLError) {
        while !isFinished {
            guard let row = try cursor.next() else {
                isFinished = true
                break
            }
            switch statement.route {
            case .collectionShows:
                if let show = group.first?[0], show != row[0] {
                    count += 1
                    group = []
                }
                group.append(row)
            case .listItems:
                if let list = row[0].integer { perList[list, default: 0] += 1 }
            default:
                count += 1
            }
        }
        if !group.isEmpty {
            count += 1
            group = []
        }
    }

    /// The next group of collapsed plays: every row is read (and counted) at the first call.
    /// Keeping times, a group of several plays is read as two: its newest play standing for
    /// all but the oldest, then its oldest, each with its place in the statement's order.
    private mutating func nextCollapsed(_ elements: inout MirrorElements) throws(TraktQLError) -> (row: [MirrorValue], plays: Int, position: MergePosition?)? {
        if let oldest = collapsedOldest {
            collapsedOldest = nil
            return (oldest.row, 1, oldest.position)
        }
        if collapsed == nil {
            var groups: [PlayGroup] = []
            var index: [PlayKey: Int] = [:]
            var rowIndex = 0
            let keepsTimes = keepsTimes
            // Each row is read in place; only a group's first row is copied out.
            while try cursor.next({ (row: any MirrorCurrentRow) -> Void in
                let key = PlayKey(row)
                if let at = index[key] {
                    groups[at].plays += 1
                    if keepsTimes {
                        groups[at].lastIndex = rowIndex
                        groups[at].lastID = row.value(0)
                        groups[at].lastTime = row.value(1)
                    }
                } else {
                    index[key] = groups.count
                    let values = row.values
                    groups.append(PlayGroup(row: values, firstIndex: rowIndex, lastIndex: rowIndex, lastID: values[0], lastTime: values[1]))
                }
                rowIndex += 1
            }) != nil {
                count += 1
            }
            isFinished = true
            collapsed = groups
            // Every group is known before the first is handed over: their objects are read
            // ahead (history: `id, watched_at, action, type, movie, show, episode, extra`).
            for (kind, column) in [("episode", 6), ("show", 5), ("movie", 4)] {
                try elements.objects.prefetch(kind, groups.lazy.compactMap { $0.row[column].integer })
            }
        }
        guard let groups = collapsed, collapsedTaken < groups.count else { return nil }
        let group = groups[collapsedTaken]
        collapsedTaken += 1
        // The group stands where its newest play does (its rows come newest first).
        let newest = MergePosition(order: group.row[1].integer, call: call, index: group.firstIndex)
        guard keepsTimes else { return (group.row, group.plays, newest) }
        guard group.plays > 1 else { return (group.row, 1, newest) }
        var oldest = group.row
        oldest[0] = group.lastID
        oldest[1] = group.lastTime
        collapsedOldest = (oldest, MergePosition(order: group.lastTime.integer, call: call, index: group.lastIndex))
        return (group.row, group.plays - 1, newest)
    }

    /// Stops reading: the statement is finalized.
    func close() { cursor.close() }

    /// The next element of the route, with the context its items are read in.
    private mutating func nextElement(_ elements: inout MirrorElements) throws(TraktQLError) -> (value: Value, context: V2Item.Context)? {
        switch statement.route {
        case .collectionShows:
            // One element per show: its rows are consecutive (ordered by show, then season and number).
            while !isFinished {
                guard let row = try cursor.next() else {
                    isFinished = true
                    break
                }
                if let show = group.first?[0], show != row[0] {
                    let rows = group
                    group = [row]
                    count += 1
                    return (try elements.collectedShow(rows), context)
                }
                group.append(row)
            }
            guard !group.isEmpty else { return nil }
            let rows = group
            group = []
            count += 1
            return (try elements.collectedShow(rows), context)
        case .listItems:
            guard !isFinished, let row = try cursor.next() else {
                isFinished = true
                return nil
            }
            var each = context
            each.subject = try elements.objects.object("list", row[0].integer)
            if let list = row[0].integer { perList[list, default: 0] += 1 }
            return (try elements.listItem(row), each)
        default:
            guard !isFinished, let row = try cursor.next() else {
                isFinished = true
                return nil
            }
            count += 1
            switch statement.route {
            case .history: return (try elements.history(row), context)
            case .ratings: return (try elements.rating(row), context)
            case .watchlist: return (try elements.watchlistEntry(row), context)
            case .collectionMovies: return (try elements.collectedMovie(row), context)
            case .userComments: return (try elements.comment(row), context)
            case .lists: return (try elements.list(row), context)
            default:
                // No element of this route is kept in the mirror (the planner plans none).
                isFinished = true
                cursor.close()
                return nil
            }
        }
    }
}
