import Foundation

/// How the dataset's activity is shared out: how many activities each user logs (a few users
/// log much more than most, but nobody more than their habits allow), how far back each
/// history goes, and how long to simulate each user to have a little more than that.
///
/// The history's depth follows from the activity per user: a user's history is their share
/// divided by the rate their habits give, so density near the end comes from many people
/// active at once, not from anyone's impossible days. Bigger datasets (more activity per user)
/// reach further back, up to the four-year span: the small test scale covers a few months, the
/// default a few years.
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

    /// Shares `activities` among the users in proportion to `weights` (capped by what each
    /// user's habits can produce over the span), then fits each profile to its share.
    init(activities: Int, weights: [Double], profiles: inout [ViewerProfile], spanDays: Int) {
        let count = profiles.count
        guard count > 0 else {
            budgets = []
            historyDays = []
            simulatedDays = []
            return
        }
        let span = Double(spanDays)
        // The heaviest habits allowed (justin keeps his own: a steady, not a record, viewer).
        let capacities = profiles.enumerated().map { i, p in (i == 0 ? p.dailyActivities : p.capacity) * span }
        let shares = Self.waterFill(total: Double(activities), weights: weights, capacities: capacities)
        let budgets = Self.integers(shares, total: activities)
        // Depth: the typical user's grows with the activity per user (a few months for the
        // small scale, about two years for the default); heavier users reach further back.
        let mean = Double(activities) / Double(count)
        let typical = min(span, max(40, 60 * pow(max(mean, 1) / 54, 1.6)))
        var history: [Int] = []
        var simulated: [Int] = []
        for u in 0..<count {
            let b = Double(budgets[u])
            var days = min(span, max(14, typical * pow(max(b, 1) / max(mean, 1), 0.45)))
            if u == 0 { days = span }
            let simulate = min(span, days * Self.overshoot)
            _ = profiles[u].fit(dailyActivities: b * Self.overshoot / simulate)
            history.append(Int(days.rounded(.up)))
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
