import Foundation

/// What every backend's planner decides the same way.
extension CheckedQuery {
    /// The season and episode conditions that `flatten episodes` applies to each episode.
    public var episodeFilters: [ResidualFilter] {
        var filters: [ResidualFilter] = []
        if let seasons { filters.append(.seasons(seasons)) }
        if let episodes { filters.append(.episodes(episodes)) }
        for filter in exclusions {
            switch filter {
            case .seasons, .episodes: filters.append(filter)
            default: break
            }
        }
        return filters
    }

    /// One page unless a `limit`, a `since:` window, or a stage that reads every row
    /// (`sort`, `count`, `distinct`) asks for more.
    public var fetchPolicy: FetchPolicy {
        for stage in stages {
            switch stage {
            case .filter, .select, .flatten:
                continue  // streaming: rows can be counted as they come
            case .limit(let n):
                guard let n else { return .all }
                return .rows(n)
            case .chart:
                continue  // drawn from the rows, changes none
            case .sort, .count, .distinct, .stats:
                // They read every row: a count of one page would be a count of the newest 100.
                // Paging stops at max_pages, with a warning that the result is partial.
                return .all
            }
        }
        return since != nil ? .all : .onePage
    }

    /// Every qualifier as a filter on items, for a backend that calls nothing (a local input).
    public var qualifierFilters: [ResidualFilter] {
        var residual: [ResidualFilter] = []
        if let shows { residual.append(.shows(shows)) }
        if let seasons { residual.append(.seasons(seasons)) }
        if let episodes { residual.append(.episodes(episodes)) }
        if let movies { residual.append(.movies(movies)) }
        if let users { residual.append(.users(users)) }
        if let types { residual.append(.types(types)) }
        if let actions { residual.append(.actions(actions)) }
        if let rating { residual.append(.rating(rating)) }
        return residual + exclusions
    }
}
