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
        /// The text as JSON, with a terminal-attacking payload in hostile mode.
        func text(_ s: String, _ index: Int) -> String { (hostileText ? HostileText.decorate(s, index: index) : s).jsonQuoted }
        func ratings(_ r: (percentage: Int, votes: Int, loved: Int, hated: Int)) -> String {
            "{\"percentage\":\(r.percentage),\"votes\":\(r.votes),\"loved\":\(r.loved),\"hated\":\(r.hated)}"
        }
        func genres(_ g: [String]) -> String { "[" + g.map(\.jsonQuoted).joined(separator: ",") + "]" }

        // Every fragment is written straight into the arena, in family order, into one
        // allocation of about the final size: building each family apart and copying them in
        // touched the arena's memory two or three times (page faults were a large part of
        // generating the dataset).
        var arena = JSONBytes(capacity: 16_384 + shows.count * 1_400 + episodes.count * 600 + movies.count * 1_400 + users.count * 600
                                  + lists.count * 400)
        var starts: [UInt32] = [0]
        starts.reserveCapacity(1 + 2 * (shows.count + episodes.count + movies.count + users.count + lists.count) + Kind.count)
        func family(_ n: Int, _ make: (Int) -> String) -> Int {
            let base = starts.count - 1
            for i in 0..<n {
                var fragment = make(i)
                fragment.withUTF8 { arena.bytes.append(contentsOf: $0) }
                starts.append(UInt32(arena.bytes.count))
            }
            return base
        }

        self.showFull = family(shows.count) { i in
            let s = shows[i]
            let d = s.seed
            let tvrage = d.tvrage == 0 ? "null" : String(d.tvrage)
            return "{\"title\":\(text(d.title, i)),\"year\":\(d.year),\"url\":\"\(Self.site)/show/\(d.slug)\",\"imdb_id\":\"\(d.imdb)\","
                    + "\"tvdb_id\":\(d.tvdb),\"tvrage_id\":\(tvrage),\"first_aired\":\(clock.apiTimestamp(s.premiere)),"
                    + "\"first_aired_utc\":\(s.premiere),\"country\":\(d.country.jsonQuoted),\"overview\":\(d.overview.jsonQuoted),"
                    + "\"runtime\":\(d.runtime),\"network\":\(d.network.jsonQuoted),\"air_day\":\"\(d.airDay)\",\"air_time\":\"\(d.airTime)\","
                    + "\"certification\":\"\(d.certification)\",\"status\":\"\(d.status)\","
                    + "\"images\":{\"poster\":\"\(Self.images)/posters/\(d.tvdb).jpg\",\"fanart\":\"\(Self.images)/fanart/\(d.tvdb).jpg\","
                    + "\"banner\":\"\(Self.images)/banners/\(d.tvdb).jpg\"},\"ratings\":\(ratings(s.ratings)),\"genres\":\(genres(d.genres))}"
        }
        self.showMin = family(shows.count) { "{\"tvdb_id\":\(shows[$0].seed.tvdb),\"imdb_id\":\"\(shows[$0].seed.imdb)\"}" }

        // Episodes are the bulk (thousands): written byte by byte, the full ones into the arena,
        // the minimal ones (the next family) into a buffer of their own.
        self.episodeFull = starts.count - 1
        var epMin = JSONBytes(capacity: episodes.count * 64)
        var epMinEnds: [Int] = []
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
            arena.raw("{\"season\":")
            arena.int(season)
            arena.raw(",\"episode\":")
            arena.int(number)
            arena.raw(",\"tvdb_id\":")
            arena.int(e.tvdb)
            arena.raw(",\"title\":")
            if let titles = known[season], number <= titles.count {
                arena.string(titles[number - 1])
            } else {
                arena.raw("\"Episode ")
                arena.int(number)
                arena.byte(UInt8(ascii: "\""))
            }
            // Overviews are generated; show titles are known to need no JSON escaping.
            if season == 0 {
                arena.raw(",\"overview\":\"A special of ")
            } else {
                arena.raw(",\"overview\":\"Season ")
                arena.int(season)
                arena.raw(", episode ")
                arena.int(number)
                arena.raw(" of ")
            }
            arena.raw(showTitles[si])
            arena.raw(".\",\"first_aired\":")
            arena.int(clock.apiTimestamp(e.firstAired))
            arena.raw(",\"first_aired_utc\":")
            arena.int(e.firstAired)
            arena.raw(",\"url\":\"")
            arena.raw(siteBytes)
            arena.raw("/show/")
            arena.raw(showSlugs[si])
            arena.raw("/season/")
            arena.int(season)
            arena.raw("/episode/")
            arena.int(number)
            arena.raw("\",\"images\":{\"screen\":\"")
            arena.raw(imageBytes)
            arena.raw("/episodes/")
            arena.int(tvdb)
            arena.byte(UInt8(ascii: "-"))
            arena.int(season)
            arena.byte(UInt8(ascii: "-"))
            arena.int(number)
            arena.raw(".jpg\"},\"ratings\":{\"percentage\":")
            arena.int(pct)
            arena.raw(",\"votes\":")
            arena.int(votes)
            arena.raw(",\"loved\":")
            arena.int(loved)
            arena.raw(",\"hated\":")
            arena.int(votes - loved)
            arena.raw("}}")
            starts.append(UInt32(arena.bytes.count))
            epMin.raw("{\"season\":")
            epMin.int(season)
            epMin.raw(",\"episode\":")
            epMin.int(number)
            epMin.raw(",\"tvdb_id\":")
            epMin.int(e.tvdb)
            epMin.byte(UInt8(ascii: "}"))
            epMinEnds.append(epMin.bytes.count)
        }

        self.episodeMin = starts.count - 1
        arena.bytes.append(contentsOf: epMin.bytes)
        let episodeMinStart = arena.bytes.count - epMin.bytes.count
        for end in epMinEnds { starts.append(UInt32(episodeMinStart + end)) }

        self.movieFull = family(movies.count) { i in
            let m = movies[i]
            let d = m.seed
            return "{\"title\":\(text(d.title, i + 3)),\"year\":\(d.year),\"released\":\(clock.apiTimestamp(m.released)),"
                    + "\"url\":\"\(Self.site)/movie/\(d.slug)\",\"trailer\":null,\"runtime\":\(d.runtime),\"tagline\":\(d.tagline.jsonQuoted),"
                    + "\"overview\":\(d.overview.jsonQuoted),\"certification\":\"\(d.certification)\",\"imdb_id\":\"\(d.imdb)\","
                    + "\"tmdb_id\":\(d.tmdb),\"images\":{\"poster\":\"\(Self.images)/posters_movies/\(d.tmdb).jpg\","
                    + "\"fanart\":\"\(Self.images)/fanart_movies/\(d.tmdb).jpg\"},\"ratings\":\(ratings(m.ratings)),\"genres\":\(genres(d.genres))}"
        }
        self.movieMin = family(movies.count) { "{\"imdb_id\":\"\(movies[$0].seed.imdb)\",\"tmdb_id\":\(movies[$0].seed.tmdb)}" }

        self.userFull = family(users.count) { i in
            let u = users[i]
            return "{\"username\":\(u.username.jsonQuoted),\"protected\":\(u.isProtected),\"full_name\":\(text(u.fullName, i)),"
                    + "\"gender\":\"\(u.gender)\",\"age\":\(u.age),\"location\":\(text(u.location, i + 1)),\"about\":\(text(u.about, i + 2)),"
                    + "\"avatar\":\"\(Self.images)/avatars/\(u.avatarNumber).jpg\",\"url\":\"\(Self.site)/user/\(u.username)\","
                    + "\"joined\":\(clock.apiTimestamp(u.joined)),\"vip\":\(u.vip)}"
        }
        self.userMin = family(users.count) { "{\"username\":\(users[$0].username.jsonQuoted)}" }

        self.listFull = family(lists.count) { i in
            let l = lists[i]
            let owner = users[Int(l.owner)].username
            return "{\"name\":\(text(l.name, i)),\"slug\":\"\(l.slug)\",\"url\":\"\(Self.site)/user/\(owner)/lists/\(l.slug)\","
                    + "\"description\":\(l.description.jsonQuoted),\"privacy\":\"public\",\"show_numbers\":\(l.showNumbers),"
                    + "\"allow_shouts\":\(l.allowShouts)}"
        }
        self.listMin = family(lists.count) { "{\"slug\":\"\(lists[$0].slug)\"}" }

        self.kindHeader = family(Kind.count) { k in
            let kind = Kind.all[k]
            return ",\"type\":\"\(kind.type.name)\",\"action\":\"\(kind.action.name)\",\"user\":"
        }
        self.bytes = arena.bytes
        self.starts = starts
    }
}
