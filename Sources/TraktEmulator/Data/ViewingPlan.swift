import Foundation

/// How the dataset's activity is shared out: how many activities each user logs (a few users
/// log much more than most, but nobody more than their habits allow), how far back each
/// history goes, and how long to simulate each user to have a little more than that.
///
/// People joined over the years, more of them lately: each history's depth is drawn from a
/// gamma(2) distribution. A user's activity is their share spread over their depth, so the
/// dataset's activity then grows exponentially, by ``yearlyGrowth`` a year, less the heavy
/// users' long, steady histories (×1.4–1.7 a year measured at the default scale): gentle, no
/// cliff. Density near the end comes from many people active at once, not from anyone's
/// impossible days: a depth is never shorter than the user's share at the rate their habits
/// allow. The dataset's history is four years at the default scale and beyond; the small test
/// sizes (fewer activities per user) compress the same shape into a few months, so that they
/// still have recent activity.
struct ViewingPlan {
    /// Activities each user logs (they add up to the total asked for).
    let budgets: [Int]
    /// How far back each user's history is meant to reach, in days.
    let historyDays: [Int]
    /// How far back each user is simulated (a little further than needed: the newest
    /// `budget` activities are kept).
    let simulatedDays: [Int]

    /// Simulate this much more than needed, so that nearly everyone produces their share.
    static let overshoot = 1.3
    /// Light users' activity grows by this factor a year (over the dataset's own time scale
    /// when it is compressed): a service that gains users steadily.
    static let yearlyGrowth = 1.7
    /// Activities per user at which the history is the whole span (about the default scale).
    static let fullDepthActivitiesPerUser = 240.0
    /// The shortest dataset history and the shortest user history, in days.
    static let minimumDatasetDays = 60.0
    static let minimumUserDays = 14.0

    /// Shares `activities` among the users in proportion to `weights` (capped by what each
    /// user's habits can produce over the span), draws how far back each history goes, then
    /// fits each profile to its share over its depth.
    init(activities: Int, weights: [Double], profiles: inout [ViewerProfile], spanDays: Int, seed: UInt64) {
        let count = profiles.count
        guard count > 0 else {
            budgets = []
            historyDays = []
            simulatedDays = []
            return
        }
        let span = Double(spanDays)
        // The heaviest habits allowed (justin keeps his own: a steady, not a record, viewer).
        let rates = profiles.enumerated().map { i, p in i == 0 ? p.dailyActivities : p.capacity }
        let shares = Self.waterFill(total: Double(activities), weights: weights, capacities: rates.map { $0 * span })
        let budgets = Self.integers(shares, total: activities)
        let perUser = Double(activities) / Double(count)
        let days = min(span, max(Self.minimumDatasetDays, span * pow(perUser / Self.fullDepthActivitiesPerUser, 2)))
        // Gamma(2, λ): the sum of two exponentials, λ from the yearly growth on the dataset's
        // own time scale (a year is a year at full depth).
        let lambda = log(Self.yearlyGrowth) / 365 * span / days
        var rng = SplitMix64(seed: seed, stream: 0xDE97_0000)
        var history: [Int] = []
        var simulated: [Int] = []
        for u in 0..<count {
            let b = Double(budgets[u])
            let drawn = (-log(1 - rng.unit()) - log(1 - rng.unit())) / lambda
            // Never more than the habits allow a day; justin has been here from the start.
            var depth = u == 0 ? days : min(days, max(drawn, Self.minimumUserDays))
            depth = min(span, max(depth, b / max(rates[u], 0.001)))
            let simulate = min(span, depth * Self.overshoot)
            _ = profiles[u].fit(dailyActivities: b / depth)
            history.append(Int(depth.rounded(.up)))
            simulated.append(Int(simulate.rounded(.up)))
        }
        self.budgets = budgets
        historyDays = history
        simulatedDays = simulated
    }

    /// Shares `total` in proportion to `weights`, no share above its capacity (what a capped
    /// share cannot take goes to the others); if everyone is capped the rest is left out.
    static func waterFill(total: Double, weights: [Double], capacities: [Double]) -> [Double] {
        var shares = [Double](repeating: 0, count: weights.count)
        var open = Array(weights.indices)
        var remaining = total
        while !open.isEmpty && remaining > 0 {
            let sum = open.reduce(0) { $0 + weights[$1] }
            guard sum > 0 else { break }
            var capped: [Int] = []
            for u in open where remaining * weights[u] / sum >= capacities[u] { capped.append(u) }
            if capped.isEmpty {
                for u in open { shares[u] = remaining * weights[u] / sum }
                return shares
            }
            for u in capped {
                shares[u] = capacities[u]
                remaining -= capacities[u]
            }
            let cappedSet = Set(capped)
            open.removeAll { cappedSet.contains($0) }
        }
        return shares
    }

    /// Whole numbers adding up to `total` (largest remainders), never above a share rounded up.
    static func integers(_ shares: [Double], total: Int) -> [Int] {
        var whole = shares.map { Int($0.rounded(.down)) }
        var left = min(total, Int(shares.reduce(0, +).rounded())) - whole.reduce(0, +)
        let order = shares.indices.sorted { (shares[$0] - shares[$0].rounded(.down), $1) > (shares[$1] - shares[$1].rounded(.down), $0) }
        var i = 0
        while left > 0 && !order.isEmpty {
            whole[order[i % order.count]] += 1
            left -= 1
            i += 1
        }
        return whole
    }

    /// What each user keeps: their budget, or what they produced if less; what the short ones
    /// could not fill goes to those who produced more than their budget, in proportion to
    /// their surplus. Adds up to the budgets' total unless everyone together produced less.
    static func quotas(budgets: [Int], produced: [Int]) -> [Int] {
        var quotas = zip(budgets, produced).map { min($0, $1) }
        var deficit = zip(budgets, quotas).reduce(0) { $0 + $1.0 - $1.1 }
        guard deficit > 0 else { return quotas }
        let spare = zip(produced, quotas).map { $0 - $1 }
        let totalSpare = spare.reduce(0, +)
        if totalSpare <= deficit {
            return produced
        }
        for u in quotas.indices where spare[u] > 0 {
            let extra = Int(Double(deficit) * Double(spare[u]) / Double(totalSpare))
            quotas[u] += extra
        }
        deficit = zip(budgets, quotas).reduce(0) { $0 + $1.0 - $1.1 }
        var u = 0
        while deficit > 0 && u < quotas.count * 2 {
            let i = u % quotas.count
            if quotas[i] < produced[i] {
                quotas[i] += 1
                deficit -= 1
            }
            u += 1
        }
        return quotas
    }
}
