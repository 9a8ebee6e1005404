import Foundation

/// What v2 writes change, per user, on top of the immutable generated ``Dataset``: the
/// activities they add, and the removals that hide earlier ones. Every view (v1 streams, v2
/// history, ratings, watchlist, collection, stats, `/sync/last_activities`) reads the dataset
/// through this overlay, so a write shows everywhere at once.
///
/// Removals never delete: a *cut* on (section, item) hides every activity of that item in that
/// section that is older in write order (all generated ones, written ones with a smaller
/// ordinal); removing single plays by history id hides exactly those episodes. Written
/// activities get ids from ``writtenIDBase`` up, clear of every generated id.
///
/// Thread safety: one lock. Readers copy a user's ``UserWrites`` out (copy-on-write: cheap) or
/// scan the timeline inside ``withTimeline(_:)``; writers mutate inside ``write(_:)``.
final class WriteOverlay: @unchecked Sendable {
    /// Ids of written activities start above this (generated ids are far below it, per type).
    static let writtenIDBase: UInt32 = 3_000_000_000

    private let lock = NSLock()
    private var state: OverlayState

    init(users: Int, generatedLists: Int = 0) {
        state = OverlayState(users: users, generatedLists: generatedLists)
    }

    /// True while nothing was ever written (every view can skip the overlay).
    var isEmpty: Bool { lock.locked { state.timelineCount == 0 && state.touchedCount == 0 } }

    /// A copy of `user`'s writes, or nil when they have none.
    func writes(of user: Int) -> UserWrites? {
        lock.locked { state.users[user] }
    }

    /// Runs `body` with read access to the whole state (v1 streams scan the timeline).
    func withState<R>(_ body: (OverlayState) -> R) -> R {
        lock.locked { body(state) }
    }

    /// Runs `body` with write access; everything one write request does happens in one call,
    /// so a request's changes appear together and the journal keeps their order.
    func write<R, E: Error>(_ body: (inout OverlayState) throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
}

/// The state behind ``WriteOverlay``'s lock.
struct OverlayState: Sendable {
    /// Per user (sparse).
    var users: [Int: UserWrites] = [:]
    /// Every written activity of every user, oldest first by (time, ordinal): v1 streams read it.
    private(set) var timeline: [WrittenActivity] = []
    /// Users that have any writes (bit per user), for the hot filter of generated activities.
    private(set) var touched: [Bool]
    private(set) var touchedCount = 0
    /// The next write ordinal (generated activities have 0).
    private(set) var nextOrdinal: UInt32 = 1
    /// Per ``ActivityType``: the last id handed out.
    private var lastIDs = [UInt32](repeating: WriteOverlay.writtenIDBase, count: ActivityType.allCases.count)
    /// The last write stamp (milliseconds): stamps only ever move forward.
    private(set) var lastStampMillis: Int64 = 0
    /// `--state FILE`: every write is recorded here before it is applied.
    var journal: WriteJournal?
    /// Lists made by writes (keyed by list index, from the generated count up) and generated
    /// lists changed by `PUT` (keyed by their index).
    var lists: [Int: WrittenList] = [:]
    /// The next list index a create gets.
    private(set) var nextList: Int
    /// How many lists the dataset generated (written lists are numbered after them).
    let generatedLists: Int
    /// Comments made or changed by writes, by comment id.
    var comments: [Int64: WrittenComment] = [:]
    /// Comments on seasons and lists (v2 only), by comment id.
    var attachedComments: [Int64: AttachedComment] = [:]
    /// The last id an attached comment got.
    private var lastAttachedID = AttachedComment.idBase
    /// How far `POST /emulator/advance` moved the clock, in seconds (journaled; reset to 0).
    var clockOffset: Int64 = 0
    /// The community's activity after the dataset's end, made when the clock first passes it.
    var feed: CommunityFeed?
    /// Per user: the server second of their first write. Generated community activity after
    /// it is not theirs: a writer's own data changes only by their writes.
    private(set) var firstWrite: [Int: Int64] = [:]
    /// Counts changes to users' data (``UserWrites/version``).
    private var changes: UInt32 = 0

    var timelineCount: Int { timeline.count }

    init(users: Int, generatedLists: Int) {
        touched = [Bool](repeating: false, count: max(users, 1))
        nextList = generatedLists
        self.generatedLists = generatedLists
    }

    /// A new id for a comment on a season or list.
    mutating func attachedCommentID() -> Int64 {
        lastAttachedID += 1
        return lastAttachedID
    }

    /// The attached comments on `target`, newest first (by time, then write order).
    func attachedComments(on target: AttachedComment.Target) -> [AttachedComment] {
        attachedComments.values.filter { $0.target == target }.sorted { ($0.created, $0.ordinal) > ($1.created, $1.ordinal) }
    }

    /// A new list index.
    mutating func listIndex() -> Int {
        defer { nextList += 1 }
        return nextList
    }

    @inline(__always)
    func isTouched(_ user: Int) -> Bool { user < touched.count && touched[user] }

    /// The stamp of a write at `clockMillis`: strictly after every earlier stamp, so each write
    /// moves `/sync/last_activities` even when the clock is pinned.
    mutating func stamp(clockMillis: Int64) -> Int64 {
        lastStampMillis = max(clockMillis, lastStampMillis + 1)
        return lastStampMillis
    }

    /// A new ordinal (write order).
    mutating func ordinal() -> UInt32 {
        defer { nextOrdinal &+= 1 }
        return nextOrdinal
    }

    /// Adds a written activity for its user (its id is assigned here) and returns it.
    @discardableResult
    mutating func add(_ activity: Activity) -> WrittenActivity {
        var a = activity
        let t = Int(a.kind.type.rawValue)
        lastIDs[t] &+= 1
        a.id = lastIDs[t]
        return place(a)
    }

    /// Adds generated community activity (``CommunityFeed``, ids already given), in order,
    /// except what belongs to a user after their first write. Returns how many were added.
    mutating func reveal(_ generated: [Activity]) -> Int {
        var added = 0
        for a in generated {
            if let first = firstWrite[Int(a.user)], a.time > first { continue }
            place(a)
            added += 1
        }
        return added
    }

    /// Records that `user` wrote at `second` (the first time counts: ``firstWrite``), and marks
    /// their data changed (``UserWrites/version``).
    mutating func noteWriter(_ user: Int, at second: Int64) {
        changed(user)
        guard firstWrite[user] == nil else { return }
        firstWrite[user] = second
        // Community activity after it that a read revealed while the write waited for its turn
        // (its journal line, a move of the clock) is not theirs either: as on replay, where
        // the write comes first.
        guard var w = users[user] else { return }
        users[user] = nil  // (mutate the one copy in place)
        var dropped = Set<UInt32>()
        for k in w.written.indices where !w.written[k].isEmpty {
            let kept = w.written[k].filter { x in
                let generatedLater = x.activity.id <= WriteOverlay.writtenIDBase && x.activity.time > second
                if generatedLater { dropped.insert(x.ordinal) }
                return !generatedLater
            }
            guard kept.count < w.written[k].count else { continue }
            w.written[k] = kept
            if kept.isEmpty { w.writtenKinds &= ~(1 << UInt32(k)) }
        }
        if !dropped.isEmpty {
            w.watchIndex = nil
            w.historyVersion = ordinal()
            timeline.removeAll { dropped.contains($0.ordinal) }
        }
        users[user] = w
    }

    /// Marks `user`'s data changed: views memoised per ``UserWrites/version`` are made again.
    mutating func changed(_ user: Int) {
        changes &+= 1
        users[user, default: UserWrites()].version = changes
    }

    /// Puts an activity with its id into its user's writes and the timeline.
    @discardableResult
    private mutating func place(_ a: Activity) -> WrittenActivity {
        let written = WrittenActivity(activity: a, ordinal: ordinal())
        let u = Int(a.user)
        touch(u)
        users[u, default: UserWrites()].insert(written)
        changed(u)
        // Oldest first; a write at the clock goes to the end, a back-dated one is inserted.
        let at = Self.insertionIndex(timeline, written)
        timeline.insert(written, at: at)
        return written
    }

    /// Marks `user` as having writes (cuts, stamps, v2-only entries).
    mutating func touch(_ user: Int) {
        guard user < touched.count, !touched[user] else { return }
        touched[user] = true
        touchedCount += 1
    }

    /// Moves `sections` of `user`'s `/sync/last_activities` to `stampMillis`.
    mutating func move(_ sections: [LastActivitySection], of user: Int, to stampMillis: Int64) {
        touch(user)
        for s in sections { users[user, default: UserWrites()].stamps[s] = stampMillis }
    }

    /// Hides, for `user`, every activity of `item` in `section` written before now.
    mutating func cut(_ section: WriteSection, _ item: WriteItem, of user: Int) {
        touch(user)
        let o = ordinal()
        users[user, default: UserWrites()].cuts[CutKey(section: section, item: item)] = o
        if section == .history {
            users[user]?.watchIndex = nil
            users[user]?.historyVersion = o
        }
        prune(user, section)
    }

    /// Drops `user`'s written activities of `section` that removals hide for good (a cut only
    /// ever hides more), so that adding and removing the same item again and again leaves
    /// nothing behind for views to walk past.
    mutating func prune(_ user: Int, _ section: WriteSection) {
        guard var w = users[user] else { return }
        users[user] = nil  // (mutate the one copy in place)
        var dropped = Set<UInt32>()
        let view = w
        for k in Kind.all where WriteSection.of(k.action) == section && !view.written[Int(k.raw)].isEmpty {
            var kept: [WrittenActivity] = []
            for x in view.written[Int(k.raw)] {
                if view.mask(x.activity, ordinal: x.ordinal) == 0 { dropped.insert(x.ordinal) } else { kept.append(x) }
            }
            guard kept.count < view.written[Int(k.raw)].count else { continue }
            w.written[Int(k.raw)] = kept
            if kept.isEmpty { w.writtenKinds &= ~(1 << UInt32(k.raw)) }
        }
        users[user] = w
        if !dropped.isEmpty { timeline.removeAll { dropped.contains($0.ordinal) } }
    }

    /// Hides single plays by history id.
    mutating func removeHistory(id: Int64, of user: Int) {
        touch(user)
        users[user, default: UserWrites()].removedHistoryIDs.insert(id)
        users[user]?.watchIndex = nil
        let o = ordinal()
        users[user]?.historyVersion = o
        prune(user, .history)
    }

    /// Forgets every write and every move of the clock (`--reset-state`, `POST /emulator/reset`).
    mutating func reset() {
        let keep = journal
        self = OverlayState(users: touched.count, generatedLists: generatedLists)
        journal = keep
    }

    static func insertionIndex(_ list: [WrittenActivity], _ w: WrittenActivity) -> Int {
        if let last = list.last, last.activity.time <= w.activity.time { return list.count }
        var lo = 0
        var hi = list.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if list[mid].activity.time <= w.activity.time { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Timeline entries, newest first, from the newest at or before `maxTime` down.
    func timelineNewestFirst(maxTime: Int64?) -> ReversedCollection<ArraySlice<WrittenActivity>> {
        guard let maxTime else { return timeline[...].reversed() }
        var lo = 0
        var hi = timeline.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if timeline[mid].activity.time <= maxTime { lo = mid + 1 } else { hi = mid }
        }
        return timeline[..<lo].reversed()
    }
}

/// An activity a write added, with its write ordinal (1, 2, …; generated activities are 0).
struct WrittenActivity: Sendable {
    var activity: Activity
    var ordinal: UInt32
}

/// The section of a user's data a removal applies to.
enum WriteSection: UInt8, Sendable {
    case history, rating, watchlist, collection, comment, list, watching

    /// The section a v1 action belongs to (nil: never removed).
    static func of(_ action: ActivityAction) -> WriteSection? {
        switch action {
        case .seen, .scrobble, .checkin: .history
        case .rating: .rating
        case .watchlist: .watchlist
        case .collection: .collection
        case .shout, .review: .comment
        case .created, .itemAdded: .list
        case .watching: .watching
        }
    }
}

/// One item a write names: an episode, show, season or movie (by dataset index), a comment or a list.
enum WriteItem: Hashable, Sendable {
    case episode(Int)
    case show(Int)
    case season(Int)
    case movie(Int)
    /// A comment by its comment id.
    case comment(Int64)
    /// A list by index (generated, or made by a write).
    case list(Int)
    /// One item of a list (the list index and the ``ListItemCode``).
    case listItem(Int, UInt32)
}

struct CutKey: Hashable, Sendable {
    let section: WriteSection
    let item: WriteItem
}

/// The `/sync/last_activities` timestamps a write can move.
enum LastActivitySection: String, Sendable, CaseIterable {
    case moviesWatched = "movies.watched_at", moviesCollected = "movies.collected_at", moviesRated = "movies.rated_at"
    case moviesWatchlisted = "movies.watchlisted_at", moviesCommented = "movies.commented_at", moviesPaused = "movies.paused_at"
    case episodesWatched = "episodes.watched_at", episodesCollected = "episodes.collected_at", episodesRated = "episodes.rated_at"
    case episodesWatchlisted = "episodes.watchlisted_at", episodesCommented = "episodes.commented_at"
    case episodesPaused = "episodes.paused_at"
    case showsRated = "shows.rated_at", showsWatchlisted = "shows.watchlisted_at", showsCommented = "shows.commented_at"
    case seasonsRated = "seasons.rated_at", seasonsWatchlisted = "seasons.watchlisted_at", seasonsCommented = "seasons.commented_at"
    case listsUpdated = "lists.updated_at", listsCommented = "lists.commented_at"
    case watchlistUpdated = "watchlist.updated_at"
}

/// One user's writes.
struct UserWrites: Sendable {
    /// Written activities per ``Kind`` (by its code), each oldest first by (time, ordinal).
    var written = [[WrittenActivity]](repeating: [], count: Kind.count)
    /// Bit k set: `written[k]` is not empty.
    var writtenKinds: UInt32 = 0
    /// The latest play per movie, show and episode (generated and written, removals applied),
    /// kept while only plays are added; nil when a removal made it stale.
    var watchIndex: WatchIndex?
    /// Changes with every change to the user's history (a play added, plays removed): the key
    /// of the flattened history a reader may keep (``V2Service/historyMemo``).
    var historyVersion: UInt32 = 0
    /// Changes with every write of the user's and every activity added for them: the key of
    /// the derived views a reader may keep (``V2Service/writerWatchlists``).
    var version: UInt32 = 0
    /// Single plays removed by history id.
    var removedHistoryIDs: Set<Int64> = []
    /// Per (section, item): the ordinal of the removal; older activities of it are hidden.
    var cuts: [CutKey: UInt32] = [:]
    /// Moved `/sync/last_activities` timestamps (milliseconds).
    var stamps: [LastActivitySection: Int64] = [:]
    /// Season ratings and watchlist entries (v2 only: v1 has no season activity).
    var seasonRatings: [Int: SeasonMark] = [:]
    var seasonWatchlist: [Int: SeasonMark] = [:]
    /// Paused playback (scrobble pause, or stop below 80%), per movie or episode: v2 only.
    var playback: [WriteItem: Playback] = [:]

    mutating func insert(_ w: WrittenActivity) {
        let k = Int(w.activity.kind.raw)
        writtenKinds |= 1 << UInt32(k)
        written[k].insert(w, at: OverlayState.insertionIndex(written[k], w))
        if WriteSection.of(w.activity.kind.action) == .history {
            historyVersion = w.ordinal
            if watchIndex != nil { watchIndex?.record(w.activity) }
        }
    }

    /// The item of episode `k` of `a` for cuts.
    @inline(__always)
    static func item(_ a: Activity, _ k: Int) -> WriteItem {
        switch a.kind.type {
        case .episode: .episode(Int(a.item) + k)
        case .show: .show(Int(a.subject))
        case .movie: .movie(Int(a.subject))
        case .list: .list(Int(a.subject))
        }
    }

    /// Which episodes of `a` (bit k = episode k; one bit for non-episode kinds) are still
    /// visible; 0 = the activity is hidden.
    func mask(_ a: Activity, ordinal: UInt32) -> UInt64 {
        let span = a.kind.type == .episode ? min(64, ActivityIndex.episodeSpan(a)) : 1
        let full: UInt64 = span == 64 ? .max : (1 << UInt64(span)) - 1
        guard !cuts.isEmpty || !removedHistoryIDs.isEmpty, let section = WriteSection.of(a.kind.action) else { return full }
        var m: UInt64 = 0
        for k in 0..<span {
            let item: WriteItem
            switch section {
            case .comment: item = .comment(PageRenderer.commentID(a))
            case .list: item = .list(Int(a.subject))
            default: item = Self.item(a, k)
            }
            if let cut = cuts[CutKey(section: section, item: item)], ordinal < cut { continue }
            if a.kind.action == .itemAdded, let cut = cuts[CutKey(section: .list, item: .listItem(Int(a.subject), a.item))], ordinal < cut { continue }
            if section == .history, !removedHistoryIDs.isEmpty, removedHistoryIDs.contains(V2IDs.history(a, k)) { continue }
            m |= 1 << UInt64(k)
        }
        return m
    }
}

/// When a user last watched each movie, show and episode (the watchlist drops what was
/// watched at or after it was listed).
struct WatchIndex: Sendable {
    var movie: [Int: Int64] = [:]
    var show: [Int: Int64] = [:]
    var episode: [Int: Int64] = [:]

    /// Takes in a visible play (all its episodes, or those of `mask`).
    mutating func record(_ a: Activity, mask: UInt64 = .max) {
        if a.kind.type == .movie {
            movie[Int(a.subject)] = max(movie[Int(a.subject)] ?? .min, a.time)
            return
        }
        show[Int(a.subject)] = max(show[Int(a.subject)] ?? .min, a.time)
        for k in 0..<min(64, ActivityIndex.episodeSpan(a)) where mask & (1 << UInt64(k)) != 0 {
            episode[Int(a.item) + k] = max(episode[Int(a.item) + k] ?? .min, a.time)
        }
    }
}

/// A list a write made or changed.
struct WrittenList: Sendable {
    let index: Int
    let owner: Int
    var name: String
    var slug: String
    var description: String
    var privacy: String
    var displayNumbers: Bool
    var allowComments: Bool
    var sortBy: String
    var sortHow: String
    let created: Int64
    var updated: Int64
    var deleted = false
}

/// A comment a write made or changed (text and flags; the activity carries item and time).
struct WrittenComment: Sendable {
    let user: Int
    var text: String
    var spoiler: Bool
    var updated: Int64
}

/// A comment on a season or a list: v2 only (v1 had neither), so it is kept apart from the
/// activity, as season ratings are.
struct AttachedComment: Sendable {
    enum Target: Sendable, Equatable {
        /// A season by global index.
        case season(Int)
        /// A list by index.
        case list(Int)
    }

    /// Attached comments get ids above this: activity comment ids (5,000,000 + 4 · v1 id +
    /// type, v1 ids below 2³²) stay under 2³⁵.
    static let idBase: Int64 = 1 << 36

    let id: Int64
    let user: Int
    let target: Target
    var text: String
    var spoiler: Bool
    let created: Int64
    var updated: Int64
    /// Write order (ties at one second: the later first).
    let ordinal: UInt32

    /// 200 words or more make a review (as for every comment).
    var isReview: Bool { V2Service.words(text) >= V2Service.reviewWords }

    /// The `/sync/last_activities` section a change moves.
    var section: LastActivitySection {
        switch target {
        case .season: .seasonsCommented
        case .list: .listsCommented
        }
    }
}

/// A paused playback (`GET /sync/playback`).
struct Playback: Sendable {
    let id: Int64
    var progress: Double
    var pausedAt: Int64
    var ordinal: UInt32
}

/// A v2-only mark on a season (rating or watchlist).
struct SeasonMark: Sendable {
    var rating: Int
    var at: Int64
    var ordinal: UInt32
}
