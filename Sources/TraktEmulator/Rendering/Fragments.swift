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
        users: [UserRecord], lists: [ListRecord], clock: APIClock, hostileText: Bool = false
    ) {
        func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
        /// The text as JSON, with a terminal-attacking payload in hostile mode.
        func text(_ s: String, _ index: Int) -> String { (hostileText ? HostileText.decorate(s, index: index) : s).jsonQuoted }
        func ratings(_ r: (percentage: Int, votes: Int, loved: Int, hated: Int)) -> String {
            "{\"percentage\":\(r.percentage),\"votes\":\(r.votes),\"loved\":\(r.loved),\"hated\":\(r.hated)}"
        }
        func genres(_ g: [String]) -> String { "[" + g.map(\.jsonQuoted).joined(separator: ",") + "]" }

        let showFull: [[UInt8]] = shows.enumerated().map { i, s in
            let d = s.seed
            let tvrage = d.tvrage == 0 ? "null" : String(d.tvrage)
            return bytes(
                "{\"title\":\(text(d.title, i)),\"year\":\(d.year),\"url\":\"\(Self.site)/show/\(d.slug)\",\"imdb_id\":\"\(d.imdb)\","
                    + "\"tvdb_id\":\(d.tvdb),\"tvrage_id\":\(tvrage),\"first_aired\":\(clock.apiTimestamp(s.premiere)),"
                    + "\"first_aired_utc\":\(s.premiere),\"country\":\(d.country.jsonQuoted),\"overview\":\(d.overview.jsonQuoted),"
                    + "\"runtime\":\(d.runtime),\"network\":\(d.network.jsonQuoted),\"air_day\":\"\(d.airDay)\",\"air_time\":\"\(d.airTime)\","
                    + "\"certification\":\"\(d.certification)\",\"status\":\"\(d.status)\","
                    + "\"images\":{\"poster\":\"\(Self.images)/posters/\(d.tvdb).jpg\",\"fanart\":\"\(Self.images)/fanart/\(d.tvdb).jpg\","
                    + "\"banner\":\"\(Self.images)/banners/\(d.tvdb).jpg\"},\"ratings\":\(ratings(s.ratings)),\"genres\":\(genres(d.genres))}")
        }
        let showMin: [[UInt8]] = shows.map { bytes("{\"tvdb_id\":\($0.seed.tvdb),\"imdb_id\":\"\($0.seed.imdb)\"}") }

        // Episodes are the bulk (thousands): written straight into flat buffers.
        var epFull = JSONBytes(capacity: episodes.count * 420)
        var epMin = JSONBytes(capacity: episodes.count * 48)
        var epFullEnds: [Int] = []
        var epMinEnds: [Int] = []
        epFullEnds.reserveCapacity(episodes.count)
        epMinEnds.reserveCapacity(episodes.count)
        let showSlugs = shows.map { Array($0.seed.slug.utf8) }
        let showTitles = shows.map { Array($0.seed.title.utf8) }
        let showTVDB = shows.map { $0.seed.tvdb }
        let siteBytes = Array(Self.site.utf8)
        let imageBytes = Array(Self.images.utf8)
        var lastShow = -1
        var known: [Int: [String]] = [:]
        for (g, e) in episodes.enumerated() {
            let si = Int(e.show)
            if si != lastShow {
                known = shows[si].seed.titles
                lastShow = si
            }
            let season = Int(e.season)
            let number = Int(e.number)
            let tvdb = showTVDB[si]
            let h = SplitMix64.mix(UInt64(g) &* 31 &+ UInt64(tvdb))
            let votes = 5 + Int(h % 400)
            let pct = 60 + Int((h >> 16) % 40)
            let loved = votes * pct / 100
            epFull.raw("{\"season\":")
            epFull.int(season)
            epFull.raw(",\"episode\":")
            epFull.int(number)
            epFull.raw(",\"tvdb_id\":")
            epFull.int(e.tvdb)
            epFull.raw(",\"title\":")
            if let titles = known[season], number <= titles.count {
                epFull.string(titles[number - 1])
            } else {
                epFull.raw("\"Episode ")
                epFull.int(number)
                epFull.byte(UInt8(ascii: "\""))
            }
            // Overviews are generated; show titles are known to need no JSON escaping.
            if season == 0 {
                epFull.raw(",\"overview\":\"A special of ")
            } else {
                epFull.raw(",\"overview\":\"Season ")
                epFull.int(season)
                epFull.raw(", episode ")
                epFull.int(number)
                epFull.raw(" of ")
            }
            epFull.raw(showTitles[si])
            epFull.raw(".\",\"first_aired\":")
            epFull.int(clock.apiTimestamp(e.firstAired))
            epFull.raw(",\"first_aired_utc\":")
            epFull.int(e.firstAired)
            epFull.raw(",\"url\":\"")
            epFull.raw(siteBytes)
            epFull.raw("/show/")
            epFull.raw(showSlugs[si])
            epFull.raw("/season/")
            epFull.int(season)
            epFull.raw("/episode/")
            epFull.int(number)
            epFull.raw("\",\"images\":{\"screen\":\"")
            epFull.raw(imageBytes)
            epFull.raw("/episodes/")
            epFull.int(tvdb)
            epFull.byte(UInt8(ascii: "-"))
            epFull.int(season)
            epFull.byte(UInt8(ascii: "-"))
            epFull.int(number)
            epFull.raw(".jpg\"},\"ratings\":{\"percentage\":")
            epFull.int(pct)
            epFull.raw(",\"votes\":")
            epFull.int(votes)
            epFull.raw(",\"loved\":")
            epFull.int(loved)
            epFull.raw(",\"hated\":")
            epFull.int(votes - loved)
            epFull.raw("}}")
            epFullEnds.append(epFull.bytes.count)
            epMin.raw("{\"season\":")
            epMin.int(season)
            epMin.raw(",\"episode\":")
            epMin.int(number)
            epMin.raw(",\"tvdb_id\":")
            epMin.int(e.tvdb)
            epMin.byte(UInt8(ascii: "}"))
            epMinEnds.append(epMin.bytes.count)
        }

        let movieFull: [[UInt8]] = movies.enumerated().map { i, m in
            let d = m.seed
            return bytes(
                "{\"title\":\(text(d.title, i + 3)),\"year\":\(d.year),\"released\":\(clock.apiTimestamp(m.released)),"
                    + "\"url\":\"\(Self.site)/movie/\(d.slug)\",\"trailer\":null,\"runtime\":\(d.runtime),\"tagline\":\(d.tagline.jsonQuoted),"
                    + "\"overview\":\(d.overview.jsonQuoted),\"certification\":\"\(d.certification)\",\"imdb_id\":\"\(d.imdb)\","
                    + "\"tmdb_id\":\(d.tmdb),\"images\":{\"poster\":\"\(Self.images)/posters_movies/\(d.tmdb).jpg\","
                    + "\"fanart\":\"\(Self.images)/fanart_movies/\(d.tmdb).jpg\"},\"ratings\":\(ratings(m.ratings)),\"genres\":\(genres(d.genres))}")
        }
        let movieMin: [[UInt8]] = movies.map { bytes("{\"imdb_id\":\"\($0.seed.imdb)\",\"tmdb_id\":\($0.seed.tmdb)}") }

        let userFull: [[UInt8]] = users.enumerated().map { i, u in
            bytes(
                "{\"username\":\(u.username.jsonQuoted),\"protected\":\(u.isProtected),\"full_name\":\(text(u.fullName, i)),"
                    + "\"gender\":\"\(u.gender)\",\"age\":\(u.age),\"location\":\(text(u.location, i + 1)),\"about\":\(text(u.about, i + 2)),"
                    + "\"avatar\":\"\(Self.images)/avatars/\(u.avatarNumber).jpg\",\"url\":\"\(Self.site)/user/\(u.username)\","
                    + "\"joined\":\(clock.apiTimestamp(u.joined)),\"vip\":\(u.vip)}")
        }
        let userMin: [[UInt8]] = users.map { bytes("{\"username\":\($0.username.jsonQuoted)}") }

        let listFull: [[UInt8]] = lists.enumerated().map { i, l in
            let owner = users[Int(l.owner)].username
            return bytes(
                "{\"name\":\(text(l.name, i)),\"slug\":\"\(l.slug)\",\"url\":\"\(Self.site)/user/\(owner)/lists/\(l.slug)\","
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
        func addFlat(_ flat: [UInt8], ends: [Int]) -> Int {
            let base = starts.count - 1
            let offset = arena.count
            arena.append(contentsOf: flat)
            for e in ends { starts.append(UInt32(offset + e)) }
            return base
        }
        self.showFull = add(showFull)
        self.showMin = add(showMin)
        self.episodeFull = addFlat(epFull.bytes, ends: epFullEnds)
        self.episodeMin = addFlat(epMin.bytes, ends: epMinEnds)
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
