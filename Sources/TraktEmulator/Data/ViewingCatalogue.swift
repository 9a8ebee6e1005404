import Foundation

/// What the viewing simulation needs to know about the shows and movies, computed once per
/// dataset and shared (read-only) by every user's simulation.
struct ViewingCatalogue: Sendable {
    let episodes: [EpisodeRecord]
    let seasons: [SeasonRecord]
    /// Per show: runtime in seconds, its first regular episode (S01E01) and one past its last,
    /// whether it is still running, and its share of new viewers.
    let showRuntime: [Int64]
    let showFirst: [Int]
    let showEnd: [Int]
    let showPopularity: [Double]
    let showSampler: WeightedSampler
    let movieRuntime: [Int64]
    let movieReleased: [Int64]
    let movieSampler: WeightedSampler
    /// The show the community is catching up on right now (The Walking Dead): in the last
    /// ``trendWindow`` before the dataset's end more and more people start it (or start it
    /// over), so its first seasons are what the community watches this week.
    let trendingShow: Int?
    static let trendWindow: Int64 = 28 * 86_400

    init(shows: [ShowRecord], seasons: [SeasonRecord], episodes: [EpisodeRecord], movies: [MovieRecord]) {
        self.episodes = episodes
        self.seasons = seasons
        showRuntime = shows.map { Int64(max(1, $0.seed.runtime)) * 60 }
        showFirst = shows.map { s in
            s.seasonNumbers.firstIndex { $0 >= 1 }.map { seasons[s.seasonIndices[$0]].firstEpisode } ?? 0
        }
        showEnd = shows.map { s in
            guard let last = s.seasonIndices.last else { return 0 }
            return seasons[last].firstEpisode + seasons[last].episodeCount
        }
        showPopularity = shows.map(\.seed.popularity)
        showSampler = WeightedSampler(weights: shows.isEmpty ? [1] : shows.map(\.seed.popularity))
        movieRuntime = movies.map { Int64(max(1, $0.seed.runtime)) * 60 }
        movieReleased = movies.map(\.released)
        movieSampler = WeightedSampler(weights: movies.isEmpty ? [1] : movies.map(\.seed.popularity))
        trendingShow = shows.firstIndex { $0.seed.slug == "the-walking-dead" }
    }
}
