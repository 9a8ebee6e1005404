/// What `runtime` is when the API has no runtime for an episode or movie.
///
/// By default nothing is assumed: the row's runtime is null and `sum`/`hours` leave it out.
/// With `set runtime_fallback = trakt` it is what Trakt's own statistics assume (trakt-api
/// reference §4.10): 42 minutes for an episode and 90 for a movie, so `hours(runtime)`
/// matches Trakt's year in review; the result says how many rows used it.
public enum RuntimeFallback: String, Sendable, Hashable, CaseIterable {
    case none
    case trakt

    /// The minutes assumed for an item of `type`, or nil (no fallback, or a type without one).
    func minutes(forType type: String?) -> Int64? {
        guard self == .trakt else { return nil }
        switch type {
        case "episode": return 42
        case "movie": return 90
        default: return nil
        }
    }

    /// The line `explain` shows when the fallback is on.
    var explanation: String? {
        self == .trakt ? "runtime: where the API has none, 42 min per episode and 90 per movie (runtime_fallback = trakt, as Trakt's own statistics count)" : nil
    }

    /// Whether `item` would use the fallback: an episode or movie whose runtime the API left out.
    func applies(to item: Value, schema: any ItemSchema) -> Bool {
        self == .trakt && schema.runtime(of: item).isNull && minutes(forType: schema.type(of: item)) != nil
    }

    /// The warning for `count` rows that used the fallback, of `total`.
    static func warning(count: Int, of total: Int) -> String? {
        guard count > 0 else { return nil }
        return "runtime_fallback = trakt: \(count) of \(total) rows had no runtime from the API and count 42 min (an episode) or 90 min (a movie)"
    }
}
