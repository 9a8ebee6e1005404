import Foundation

/// Pre-rendered JSON objects (as bytes) for every show, episode, movie, user and list, in full
/// and minimal (`?min=1`) form, packed into one arena. A page is spliced together from these.
///
/// Fragment `i` is `bytes[starts[i]..<starts[i + 1]]`; each family starts at its base index.
struct Fragments: Sendable {
    let bytes: [UInt8]
    let starts: [UInt32]
    let showFull: Int
    let showMin: Int
    let episodeFull: Int
    let episodeMin: Int
    let movieFull: Int
    let movieMin: Int
    let userFull: Int
    let userMin: Int
    let listFull: Int
    let listMin: Int
    /// `,"type":"…","action":"…","user":` per kind.
    let kindHeader: Int

    /// Fragment `i` as a string (for tests).
    func text(_ i: Int) -> String {
        String(decoding: bytes[Int(starts[i])..<Int(starts[i + 1])], as: UTF8.self)
    }

    static let site = "http://trakt.tv"
    static let images = "http://slurm.trakt.us/images"

    init(
        shows: [ShowRecord], seasons: [SeasonRecord], episodes: [EpisodeRecord], movies: [MovieRecord],
        users: [UserRecord], lists: [ListRecord], clock: APIClock
    ) {
        func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
        func ratings(_ r: (percentage: Int, votes: Int, loved: Int, hated: Int)) -> String {
            "{\"percentage\":\(r.percentage),\"votes\":\(r.votes),\"loved\":\(r.loved),\"hated\":\(r.hated)}"
        }
        func genres(_ g: [String]) -> String { "[" + g.map(\.jsonQuoted).joined(separator: ",") + "]" }

        let showFull: [[UInt8]] = shows.map { s in
            let d = s.seed
            let tvrage = d.tvrage == 0 ? "null" : String(d.tvrage)
            return bytes(
                "{\"title\":\(d.title.jsonQuoted),\"year\":\(d.year),\"url\":\"\(Self.site)/show/\(d.slug)\",\"imdb_id\":\"\(d.imdb)\","
                    + "\"tvdb_id\":\(d.tvdb),\"tvrage_id\":\(tvrage),\"first_aired\":\(clock.apiTimestamp(s.premiere)),"
                    + "\"first_aired_utc\":\(s.premiere),\"country\":\(d.country.jsonQuoted),\"overview\":\(d.overview.jsonQuoted),"
                    + "\"runtime\":\(d.runtime),\"network\":\(d.network.jsonQuoted),\"air_day\":\"\(d.airDay)\",\"air_time\":\"\(d.airTime)\","
                    + "\"certification\":\"\(d.certification)\",\"status\":\"\(d.status)\","
                    + "\"images\":{\"poster\":\"\(Self.images)/posters/\(d.tvdb).jpg\",\"fanart\":\"\(Self.images)/fanart/\(d.tvdb).jpg\","
                    + "\"banner\":\"\(Self.images)/banners/\(d.tvdb).jpg\"},\"ratings\":\(ratings(s.ratings)),\"genres\":\(genres(d.genres))}")
        }
        let showMin: [[UInt8]] = shows.map { bytes("{\"tvdb_id\":\($0.seed.tvdb),\"imdb_id\":\"\($0.seed.imdb)\"}") }

        var epFull: [[UInt8]] = []
        var epMin: [[UInt8]] = []
        epFull.reserveCapacity(episodes.count)
        epMin.reserveCapacity(episodes.count)
        for (g, e) in episodes.enumerated() {
            let show = shows[Int(e.show)].seed
            let season = Int(e.season)
            let number = Int(e.number)
            let known = show.titles[season]
            let title = known.flatMap { number <= $0.count ? $0[number - 1] : nil } ?? "Episode \(number)"
            let overview =
                season == 0
                ? "A special of \(show.title)."
                : "Season \(season), episode \(number) of \(show.title)."
            let h = SplitMix64.mix(UInt64(g) &* 31 &+ UInt64(show.tvdb))
            let votes = 5 + Int(h % 400)
            let pct = 60 + Int((h >> 16) % 40)
            let loved = votes * pct / 100
            epFull.append(
                bytes(
                    "{\"season\":\(season),\"episode\":\(number),\"tvdb_id\":\(e.tvdb),\"title\":\(title.jsonQuoted),"
                        + "\"overview\":\(overview.jsonQuoted),\"first_aired\":\(clock.apiTimestamp(e.firstAired)),\"first_aired_utc\":\(e.firstAired),"
                        + "\"url\":\"\(Self.site)/show/\(show.slug)/season/\(season)/episode/\(number)\","
                        + "\"images\":{\"screen\":\"\(Self.images)/episodes/\(show.tvdb)-\(season)-\(number).jpg\"},"
                        + "\"ratings\":{\"percentage\":\(pct),\"votes\":\(votes),\"loved\":\(loved),\"hated\":\(votes - loved)}}"))
            epMin.append(bytes("{\"season\":\(season),\"episode\":\(number),\"tvdb_id\":\(e.tvdb)}"))
        }

        let movieFull: [[UInt8]] = movies.map { m in
            let d = m.seed
            return bytes(
                "{\"title\":\(d.title.jsonQuoted),\"year\":\(d.year),\"released\":\(clock.apiTimestamp(m.released)),"
                    + "\"url\":\"\(Self.site)/movie/\(d.slug)\",\"trailer\":null,\"runtime\":\(d.runtime),\"tagline\":\(d.tagline.jsonQuoted),"
                    + "\"overview\":\(d.overview.jsonQuoted),\"certification\":\"\(d.certification)\",\"imdb_id\":\"\(d.imdb)\","
                    + "\"tmdb_id\":\(d.tmdb),\"images\":{\"poster\":\"\(Self.images)/posters_movies/\(d.tmdb).jpg\","
                    + "\"fanart\":\"\(Self.images)/fanart_movies/\(d.tmdb).jpg\"},\"ratings\":\(ratings(m.ratings)),\"genres\":\(genres(d.genres))}")
        }
        let movieMin: [[UInt8]] = movies.map { bytes("{\"imdb_id\":\"\($0.seed.imdb)\",\"tmdb_id\":\($0.seed.tmdb)}") }

        let userFull: [[UInt8]] = users.map { u in
            bytes(
                "{\"username\":\(u.username.jsonQuoted),\"protected\":\(u.isProtected),\"full_name\":\(u.fullName.jsonQuoted),"
                    + "\"gender\":\"\(u.gender)\",\"age\":\(u.age),\"location\":\(u.location.jsonQuoted),\"about\":\(u.about.jsonQuoted),"
                    + "\"avatar\":\"\(Self.images)/avatars/\(u.avatarNumber).jpg\",\"url\":\"\(Self.site)/user/\(u.username)\","
                    + "\"joined\":\(clock.apiTimestamp(u.joined)),\"vip\":\(u.vip)}")
        }
        let userMin: [[UInt8]] = users.map { bytes("{\"username\":\($0.username.jsonQuoted)}") }

        let listFull: [[UInt8]] = lists.map { l in
            let owner = users[Int(l.owner)].username
            return bytes(
                "{\"name\":\(l.name.jsonQuoted),\"slug\":\"\(l.slug)\",\"url\":\"\(Self.site)/user/\(owner)/lists/\(l.slug)\","
                    + "\"description\":\(l.description.jsonQuoted),\"privacy\":\"public\",\"show_numbers\":\(l.showNumbers),"
                    + "\"allow_shouts\":\(l.allowShouts)}")
        }
        let listMin: [[UInt8]] = lists.map { bytes("{\"slug\":\"\($0.slug)\"}") }

        let kindHeader: [[UInt8]] = Kind.all.map { bytes(",\"type\":\"\($0.type.name)\",\"action\":\"\($0.action.name)\",\"user\":") }

        var arena: [UInt8] = []
        var starts: [UInt32] = [0]
        func add(_ family: [[UInt8]]) -> Int {
            let base = starts.count - 1
            for f in family {
                arena.append(contentsOf: f)
                starts.append(UInt32(arena.count))
            }
            return base
        }
        self.showFull = add(showFull)
        self.showMin = add(showMin)
        self.episodeFull = add(epFull)
        self.episodeMin = add(epMin)
        self.movieFull = add(movieFull)
        self.movieMin = add(movieMin)
        self.userFull = add(userFull)
        self.userMin = add(userMin)
        self.listFull = add(listFull)
        self.listMin = add(listMin)
        self.kindHeader = add(kindHeader)
        self.bytes = arena
        self.starts = starts
    }
}
