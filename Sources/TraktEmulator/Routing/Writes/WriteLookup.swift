import Foundation

/// Finds the dataset item a write names by any of its v2 ids (trakt, slug, tvdb, imdb, tmdb),
/// as Trakt matches items in sync bodies.
struct WriteLookup: Sendable {
    let dataset: Dataset
    let showByIMDB: [String: Int]
    let showByTMDB: [Int: Int]
    let episodeByTVDB: [Int: Int]

    init(dataset ds: Dataset) {
        dataset = ds
        var imdb: [String: Int] = [:]
        var tmdb: [Int: Int] = [:]
        for (i, s) in ds.shows.enumerated() {
            imdb[s.seed.imdb] = i
            tmdb[V2IDs.showTMDB(s.seed.tvdb)] = i
        }
        showByIMDB = imdb
        showByTMDB = tmdb
        var tvdb: [Int: Int] = [:]
        for (g, e) in ds.episodes.enumerated() where tvdb[Int(e.tvdb)] == nil { tvdb[Int(e.tvdb)] = g }
        episodeByTVDB = tvdb
    }

    private func ids(_ o: [String: Any]) -> [String: Any]? { o["ids"] as? [String: Any] }

    func movie(_ o: [String: Any]) -> Int? {
        guard let ids = ids(o) else { return nil }
        let ds = dataset
        if let t = WriteBody.int(ids["trakt"]), t >= 1, t <= ds.movies.count { return t - 1 }
        if let s = ids["slug"] as? String, let m = ds.movieBySlug[s.lowercased()] { return m }
        if let s = ids["imdb"] as? String, let m = ds.movieByIMDB[s] { return m }
        if let t = WriteBody.int(ids["tmdb"]), let m = ds.movieByTMDB[t] { return m }
        return nil
    }

    func show(_ o: [String: Any]) -> Int? {
        guard let ids = ids(o) else { return nil }
        let ds = dataset
        if let t = WriteBody.int(ids["trakt"]), t >= 1, t <= ds.shows.count { return t - 1 }
        if let s = ids["slug"] as? String, let i = ds.showBySlug[s.lowercased()] { return i }
        if let t = WriteBody.int(ids["tvdb"]), let i = ds.showByTVDB[t] { return i }
        if let s = ids["imdb"] as? String, let i = showByIMDB[s] { return i }
        if let t = WriteBody.int(ids["tmdb"]), let i = showByTMDB[t] { return i }
        return nil
    }

    /// A season (global index) by its ids.
    func season(_ o: [String: Any]) -> Int? {
        guard let ids = ids(o) else { return nil }
        let n = dataset.seasons.count
        if let t = WriteBody.int(ids["trakt"]), (0..<n).contains(t - V2IDs.season(0)) { return t - V2IDs.season(0) }
        if let t = WriteBody.int(ids["tvdb"]), (0..<n).contains(t - V2IDs.seasonTVDB(0)) { return t - V2IDs.seasonTVDB(0) }
        if let t = WriteBody.int(ids["tmdb"]), (0..<n).contains(t - V2IDs.seasonTMDB(0)) { return t - V2IDs.seasonTMDB(0) }
        return nil
    }

    /// An episode (global index) by its ids.
    func episode(_ o: [String: Any]) -> Int? {
        guard let ids = ids(o) else { return nil }
        let n = dataset.episodes.count
        if let t = WriteBody.int(ids["trakt"]), (0..<n).contains(t - V2IDs.episode(0)) { return t - V2IDs.episode(0) }
        if let t = WriteBody.int(ids["tvdb"]), let g = episodeByTVDB[t] { return g }
        if let t = WriteBody.int(ids["tmdb"]), (0..<n).contains(t - V2IDs.episodeTMDB(0)) { return t - V2IDs.episodeTMDB(0) }
        return nil
    }

    /// Season `number` of show `s` (global index).
    func season(show s: Int, number: Int) -> Int? { dataset.shows[s].seasonIndex(number: number) }

    /// Episode `number` of season `g` (global index).
    func episode(season g: Int, number: Int) -> Int? {
        let season = dataset.seasons[g]
        guard number >= 1, number <= season.episodeCount else { return nil }
        return season.firstEpisode + number - 1
    }

    /// The aired episodes of season `g` at `now`.
    func airedEpisodes(season g: Int, now: Int64) -> [Int] {
        let season = dataset.seasons[g]
        return (season.firstEpisode..<(season.firstEpisode + season.episodeCount)).filter { dataset.episodes[$0].firstAired <= now }
    }

    /// The aired episodes of show `s` at `now`, season by season.
    func airedEpisodes(show s: Int, now: Int64) -> [Int] {
        dataset.shows[s].seasonIndices.flatMap { airedEpisodes(season: $0, now: now) }
    }
}
