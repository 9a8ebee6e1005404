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
    let moviePopularity: [Double]
    let movieSampler: WeightedSampler
    /// Genre bits (``genres``) of each show and movie.
    let showGenres: [UInt32]
    let movieGenres: [UInt32]
    /// The show the community is catching up on right now (The Walking Dead): in the last
    /// ``trendWindow`` before the dataset's end more and more people start it (or start it
    /// over), so its first seasons are what the community watches this week.
    let trendingShow: Int?
    static let trendWindow: Int64 = 10 * 86_400

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
        moviePopularity = movies.map(\.seed.popularity)
        movieSampler = WeightedSampler(weights: movies.isEmpty ? [1] : movies.map(\.seed.popularity))
        showGenres = shows.map { Self.genreMask($0.seed.genres) }
        movieGenres = movies.map { Self.genreMask($0.seed.genres) }
        trendingShow = shows.firstIndex { $0.seed.slug == "the-walking-dead" }
    }

    /// The genres of the catalogue, with how common they are (shows and movies together): a
    /// taste is drawn from these.
    static let genres = [
        "Drama", "Action", "Science Fiction", "Adventure", "Thriller", "Crime", "Comedy", "Mystery", "Animation", "Romance",
        "Fantasy", "Family", "Horror", "History", "War", "Western", "Music",
    ]
    static let genreWeights: [Double] = genres.map { genre in
        Double(ShowSeeds.all.filter { $0.genres.contains(genre) }.count + MovieSeeds.all.filter { $0.genres.contains(genre) }.count)
    }

    /// The bits of `names` in ``genres`` (unknown names have none).
    static func genreMask(_ names: [String]) -> UInt32 {
        names.reduce(0) { mask, name in genres.firstIndex(of: name).map { mask | 1 << UInt32($0) } ?? mask }
    }
}
