import Foundation

/// What the community does after the dataset's end, as the clock moves on (`--clock real`, or
/// `POST /emulator/advance`): each user's viewing simulation (``ViewerSimulation``) continued
/// day by day past the dataset's last day, from the state it had reached there, with the same
/// seeded randomness. Deterministic: what a user does on a day depends only on the seed and on
/// the days before it, never on when the clock was moved or read; activities are revealed in
/// (time, user, order) order as the clock passes them, and take ids after the dataset's.
///
/// The writer's own data stays theirs: the user of the pre-issued token (`--token-user`) gets
/// no generated activity, and any other user none after their first write (the overlay drops
/// it, ``OverlayState/reveal(_:)``).
struct CommunityFeed: Sendable {
    /// The dataset's end: generated activity is strictly after it.
    let start: Int64
    /// Per user: their simulation, paused at the end of ``nextDay`` − 1 (nil: none, the token user).
    private var simulations: [ViewerSimulation?]
    /// Per user: the next local day to simulate.
    private var nextDay: [Int64]
    /// Per user: their UTC offset (local days start at `day · 86,400 − offset`).
    private let offsets: [Int64]
    /// Simulated but not yet revealed, ordered by (time, user, seq) once sorted.
    private var pending: [Pending] = []
    /// Per user: how many activities they were given (the third sort key).
    private var emitted: [UInt32]
    /// Per ``ActivityType``: the last id handed out.
    private var lastIDs: [UInt32]
    /// Everything at or before this was revealed.
    private(set) var revealedThrough: Int64

    private struct Pending: Sendable {
        var activity: Activity
        let seq: UInt32
    }

    /// The simulations of every user but `excluded`, caught up to the dataset's end (their
    /// whole history simulated again: about the cost of generating the dataset's activity).
    init?(dataset ds: Dataset, excluding excluded: Int) {
        guard let roster = ds.viewers else { return nil }
        start = ds.nowUnix
        revealedThrough = ds.nowUnix
        let count = ds.users.count
        offsets = roster.profiles.map(\.utcOffset)
        emitted = [UInt32](repeating: 0, count: count)
        var last = [UInt32](repeating: 0, count: ActivityType.allCases.count)
        for a in ds.activities { last[Int(a.kind.type.rawValue)] = max(last[Int(a.kind.type.rawValue)], a.id) }
        lastIDs = last
        simulations = []
        simulations.reserveCapacity(count)
        nextDay = [Int64](repeating: 0, count: count)
        var out: [Activity] = []
        for u in 0..<count {
            guard u != excluded else {
                simulations.append(nil)
                continue
            }
            var sim = ViewerSimulation(catalogue: roster.catalogue, now: ViewerSimulation.openEnd, floor: roster.floor, trendEnd: ds.nowUnix)
            // Only what comes after the dataset's end is new (the rest is in the dataset).
            sim.emitFloor = ds.nowUnix + 1
            let through = sim.resume(user: u, profile: roster.profiles[u], from: roster.simulatedFrom[u], seed: ds.seed,
                                     datasetEnd: ds.nowUnix, into: &out)
            nextDay[u] = through + 1
            simulations.append(sim)
            take(&out, user: u)
        }
    }

    /// Moves `out` (user `u`'s newest activities) to the pending ones.
    private mutating func take(_ out: inout [Activity], user u: Int) {
        for a in out {
            pending.append(Pending(activity: a, seq: emitted[u]))
            emitted[u] &+= 1
        }
        out.removeAll(keepingCapacity: true)
    }

    /// Simulates every day that has begun by `horizon` and returns, in order and with their ids,
    /// the activities at or before it not revealed yet.
    mutating func reveal(through horizon: Int64) -> [Activity] {
        guard horizon > revealedThrough else { return [] }
        var out: [Activity] = []
        for u in simulations.indices where simulations[u] != nil {
            // A day's activities are all at or after its start (``ViewerSimulation/emitFloor``):
            // every day begun by the horizon is simulated before anything is revealed.
            while nextDay[u] * 86_400 - offsets[u] <= horizon {
                let day = nextDay[u]
                simulations[u]!.emitFloor = max(start + 1, day * 86_400 - offsets[u])
                simulations[u]!.simulate(day: day, into: &out)
                nextDay[u] = day + 1
            }
            take(&out, user: u)
        }
        pending.sort { ($0.activity.time, $0.activity.user, $0.seq) < ($1.activity.time, $1.activity.user, $1.seq) }
        let cut = pending.firstIndex { $0.activity.time > horizon } ?? pending.count
        var revealed: [Activity] = []
        revealed.reserveCapacity(cut)
        for p in pending[..<cut] {
            var a = p.activity
            let t = Int(a.kind.type.rawValue)
            lastIDs[t] &+= 1
            a.id = lastIDs[t]
            revealed.append(a)
        }
        pending.removeFirst(cut)
        revealedThrough = horizon
        return revealed
    }
}
