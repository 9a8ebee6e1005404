import Foundation

/// The v2 identities of the dataset's entities (derivation rules in docs/EMULATOR.md).
///
/// Trakt ids are per type: shows and movies `index + 1`, seasons `10_000 + global season index`,
/// episodes `100_000 + global episode index`, lists `index + 1`. Generated (not real) tmdb ids
/// for shows, seasons and episodes; season tvdb ids are generated too.
enum V2IDs {
    static func show(_ i: Int) -> Int { i + 1 }
    static func showIndex(trakt: Int, count: Int) -> Int? { (1...max(1, count)).contains(trakt) && count > 0 ? trakt - 1 : nil }
    static func showTMDB(_ tvdb: Int) -> Int { 1_000 + Int(SplitMix64.mix(UInt64(tvdb)) % 190_000) }
    static func season(_ g: Int) -> Int { 10_000 + g }
    static func seasonTVDB(_ g: Int) -> Int { 400_000 + g }
    static func seasonTMDB(_ g: Int) -> Int { 50_000 + g }
    static func episode(_ g: Int) -> Int { 100_000 + g }
    static func episodeTMDB(_ g: Int) -> Int { 900_000 + g }
    static func movie(_ i: Int) -> Int { i + 1 }
    static func list(_ i: Int) -> Int { i + 1 }

    /// The 64-bit history id of episode `k` of activity `a` (at least 2³², unique across types).
    @inline(__always)
    static func history(_ a: Activity, _ k: Int) -> Int64 {
        (1 << 32) + (Int64(a.id) << 5 | Int64(k) << 1 | (a.kind.type == .movie ? 1 : 0))
    }

    /// Watchlist / list-item / favourite entry ids (derived from the activity).
    static func entry(_ a: Activity) -> Int64 { 2_000_000_000 + Int64(a.id) * 4 + Int64(a.kind.type.rawValue) }
}

/// Pre-rendered v2 JSON objects (minimal and `extended=full`) for shows, seasons, episodes,
/// movies and users, in one arena like ``Fragments``.
struct V2Fragments: Sendable {
    let bytes: [UInt8]
    let starts: [UInt32]
    let showMin: Int
    let showFull: Int
    let seasonMin: Int
    let seasonFull: Int
    let episodeMin: Int
    let episodeFull: Int
    let movieMin: Int
    let movieFull: Int
    let userMin: Int
    let userFull: Int

    @inline(__always)
    func range(_ i: Int) -> Range<Int> { Int(starts[i])..<Int(starts[i + 1]) }

    func text(_ i: Int) -> String { String(decoding: bytes[range(i)], as: UTF8.self) }

    /// Appends fragment `i`.
    @inline(__always)
    func write(_ i: Int, into out: inout JSONBytes) {
        let r = range(i)
        bytes.withUnsafeBytes { out.write(UnsafeRawBufferPointer(rebasing: $0[r])) }
    }

    /// Raw pointers into the arena, valid inside ``withPointers(_:)``, with the families' first
    /// indices (the hot paths read them here rather than through the service's lazily built value).
    struct Pointers {
        let arena: UnsafePointer<UInt8>
        let starts: UnsafePointer<UInt32>
        let showMin: Int
        let showFull: Int
        let episodeMin: Int
        let episodeFull: Int
        let movieMin: Int
        let movieFull: Int

        @inline(__always)
        func write(_ i: Int, _ out: inout JSONBytes) {
            let s = Int(starts[i])
            out.write(UnsafeRawBufferPointer(start: arena + s, count: Int(starts[i + 1]) - s))
        }
    }

    func withPointers<R>(_ body: (Pointers) -> R) -> R {
        bytes.withUnsafeBufferPointer { arena in
            starts.withUnsafeBufferPointer { starts in
                body(Pointers(arena: arena.baseAddress!, starts: starts.baseAddress!, showMin: showMin, showFull: showFull,
                              episodeMin: episodeMin, episodeFull: episodeFull, movieMin: movieMin, movieFull: movieFull))
            }
        }
    }

    static func episodeTitle(_ ds: Dataset, _ g: Int) -> String {
        let e = ds.episodes[g]
        if let titles = ds.shows[Int(e.show)].seed.titles[Int(e.season)], Int(e.number) <= titles.count {
            return titles[Int(e.number) - 1]
        }
        return "Episode \(e.number)"
    }

    static func iso(_ unix: Int64) -> String { "\"" + ISOTime.string(unix) + "\"" }

    /// "YYYY-MM-DD" of a Unix time.
    static func date(_ unix: Int64) -> String { String(ISOTime.string(unix).prefix(10)) }

    init(dataset ds: Dataset) {
        let hostile = ds.hostileText
        func text(_ s: String, _ index: Int) -> String { (hostile ? HostileText.decorate(s, index: index) : s).jsonQuoted }
        let updated = Self.iso(ds.nowUnix - 86_400)

        var arena: [UInt8] = []
        var starts: [UInt32] = [0]
        func family(_ n: Int, _ make: (Int) -> String) -> Int {
            let base = starts.count - 1
            for i in 0..<n {
                arena.append(contentsOf: make(i).utf8)
                starts.append(UInt32(arena.count))
            }
            return base
        }
        func showIDs(_ i: Int) -> String {
            let d = ds.shows[i].seed
            return "{\"trakt\":\(V2IDs.show(i)),\"slug\":\"\(d.slug)\",\"tvdb\":\(d.tvdb),\"imdb\":\"\(d.imdb)\",\"tmdb\":\(V2IDs.showTMDB(d.tvdb))}"
        }
        func seasonIDs(_ g: Int) -> String {
            "{\"trakt\":\(V2IDs.season(g)),\"tvdb\":\(V2IDs.seasonTVDB(g)),\"tmdb\":\(V2IDs.seasonTMDB(g))}"
        }
        func episodeIDs(_ g: Int) -> String {
            "{\"trakt\":\(V2IDs.episode(g)),\"tvdb\":\(ds.episodes[g].tvdb),\"imdb\":null,\"tmdb\":\(V2IDs.episodeTMDB(g))}"
        }
        func rating(_ r: (percentage: Int, votes: Int, loved: Int, hated: Int)) -> String {
            "\"rating\":\(Double(r.percentage) / 10),\"votes\":\(r.votes)"
        }
        let airedEpisodes: [Int] = ds.shows.map { s in
            s.seasonIndices.reduce(0) { $0 + (ds.seasons[$1].number == 0 ? 0 : ds.seasons[$1].episodeCount) }
        }

        showMin = family(ds.shows.count) { i in
            let d = ds.shows[i].seed
            return "{\"title\":\(text(d.title, i)),\"year\":\(d.year),\"ids\":\(showIDs(i))}"
        }
        showFull = family(ds.shows.count) { i in
            let s = ds.shows[i]
            let d = s.seed
            let status = d.status.lowercased() == "continuing" ? "returning series" : d.status.lowercased()
            return "{\"title\":\(text(d.title, i)),\"year\":\(d.year),\"ids\":\(showIDs(i)),\"tagline\":null,"
                + "\"overview\":\(d.overview.jsonQuoted),\"first_aired\":\(Self.iso(s.premiere)),"
                + "\"airs\":{\"day\":\"\(d.airDay)\",\"time\":\"\(d.airTime)\",\"timezone\":\"America/New_York\"},"
                + "\"runtime\":\(d.runtime),\"certification\":\"\(d.certification)\",\"network\":\(d.network.jsonQuoted),"
                + "\"country\":\(d.country.lowercased().jsonQuoted),\"trailer\":null,\"homepage\":null,\"status\":\"\(status)\","
                + "\(rating(s.ratings)),\"comment_count\":0,\"updated_at\":\(updated),\"language\":\"en\",\"languages\":[\"en\"],"
                + "\"available_translations\":[\"en\"],\"genres\":[\(d.genres.map { $0.lowercased().jsonQuoted }.joined(separator: ","))],"
                + "\"aired_episodes\":\(airedEpisodes[i])}"
        }
        seasonMin = family(ds.seasons.count) { g in "{\"number\":\(ds.seasons[g].number),\"ids\":\(seasonIDs(g))}" }
        seasonFull = family(ds.seasons.count) { g in
            let s = ds.seasons[g]
            let first = ds.episodes[s.firstEpisode].firstAired
            let show = ds.shows[s.show]
            return "{\"number\":\(s.number),\"ids\":\(seasonIDs(g)),\"rating\":\(Double(show.ratings.percentage) / 10),"
                + "\"votes\":\(show.ratings.votes / 4),\"episode_count\":\(s.episodeCount),\"aired_episodes\":\(s.episodeCount),"
                + "\"title\":\(s.number == 0 ? "\"Specials\"" : "\"Season \(s.number)\""),\"overview\":null,"
                + "\"first_aired\":\(Self.iso(first)),\"updated_at\":\(updated),\"network\":\(show.seed.network.jsonQuoted)}"
        }
        episodeMin = family(ds.episodes.count) { g in
            let e = ds.episodes[g]
            return "{\"season\":\(e.season),\"number\":\(e.number),\"title\":\(Self.episodeTitle(ds, g).jsonQuoted),\"ids\":\(episodeIDs(g))}"
        }
        episodeFull = family(ds.episodes.count) { g in
            let e = ds.episodes[g]
            let si = Int(e.show)
            let h = SplitMix64.mix(UInt64(g) &* 31 &+ UInt64(ds.shows[si].seed.tvdb))
            let votes = 5 + Int(h % 400)
            let pct = 60 + Int((h >> 16) % 40)
            let title = ds.shows[si].seed.title
            let overview = e.season == 0 ? "A special of \(title)." : "Season \(e.season), episode \(e.number) of \(title)."
            return "{\"season\":\(e.season),\"number\":\(e.number),\"title\":\(Self.episodeTitle(ds, g).jsonQuoted),\"ids\":\(episodeIDs(g)),"
                + "\"number_abs\":null,\"overview\":\(overview.jsonQuoted),\"rating\":\(Double(pct) / 10),\"votes\":\(votes),"
                + "\"comment_count\":0,\"first_aired\":\(Self.iso(e.firstAired)),\"updated_at\":\(updated),"
                + "\"available_translations\":[\"en\"],\"runtime\":\(ds.shows[si].seed.runtime),\"episode_type\":\"standard\"}"
        }
        movieMin = family(ds.movies.count) { i in
            let d = ds.movies[i].seed
            return "{\"title\":\(text(d.title, i + 3)),\"year\":\(d.year),\"ids\":{\"trakt\":\(V2IDs.movie(i)),\"slug\":\"\(d.slug)\",\"imdb\":\"\(d.imdb)\",\"tmdb\":\(d.tmdb)}}"
        }
        movieFull = family(ds.movies.count) { i in
            let m = ds.movies[i]
            let d = m.seed
            return "{\"title\":\(text(d.title, i + 3)),\"year\":\(d.year),\"ids\":{\"trakt\":\(V2IDs.movie(i)),\"slug\":\"\(d.slug)\",\"imdb\":\"\(d.imdb)\",\"tmdb\":\(d.tmdb)},"
                + "\"tagline\":\(d.tagline.jsonQuoted),\"overview\":\(d.overview.jsonQuoted),\"released\":\"\(d.released)\","
                + "\"runtime\":\(d.runtime),\"country\":\"us\",\"trailer\":null,\"homepage\":null,\"status\":\"released\","
                + "\(rating(m.ratings)),\"comment_count\":0,\"updated_at\":\(updated),\"language\":\"en\",\"languages\":[\"en\"],"
                + "\"available_translations\":[\"en\"],\"genres\":[\(d.genres.map { $0.lowercased().jsonQuoted }.joined(separator: ","))],"
                + "\"certification\":\"\(d.certification)\"}"
        }
        userMin = family(ds.users.count) { i in
            let u = ds.users[i]
            return "{\"username\":\(u.username.jsonQuoted),\"private\":\(u.isProtected),\"deleted\":false,\"name\":\(text(u.fullName, i)),"
                + "\"vip\":\(u.vip),\"vip_ep\":false,\"ids\":{\"slug\":\(u.username.lowercased().jsonQuoted)}}"
        }
        userFull = family(ds.users.count) { i in
            let u = ds.users[i]
            return "{\"username\":\(u.username.jsonQuoted),\"private\":\(u.isProtected),\"deleted\":false,\"name\":\(text(u.fullName, i)),"
                + "\"vip\":\(u.vip),\"vip_ep\":false,\"ids\":{\"slug\":\(u.username.lowercased().jsonQuoted)},"
                + "\"joined_at\":\(Self.iso(u.joined)),\"location\":\(text(u.location, i + 1)),\"about\":\(text(u.about, i + 2)),"
                + "\"gender\":\"\(u.gender)\",\"age\":\(u.age),"
                + "\"images\":{\"avatar\":{\"full\":\"https://walter-r2.trakt.tv/images/users/avatars/\(u.avatarNumber).jpg\"}},"
                + "\"vip_og\":false,\"vip_years\":\(u.vip ? 1 : 0)}"
        }
        bytes = arena
        self.starts = starts
    }
}
