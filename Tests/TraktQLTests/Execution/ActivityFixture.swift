import Foundation
@testable import TraktEmulator  // SplitMix64: the same generator as the dataset

/// Deterministic v1 activity items as JSON text, with the quirks a reader must keep: `episode`
/// vs `episodes[]`, `number` vs `episode`, ratings as numbers and strings, `rating: false`,
/// movies and lists, escapes, non-ASCII text, nulls, missing fields, duplicate keys, `ids.slug`.
enum ActivityFixture {
    static let now = Date(timeIntervalSince1970: 1_717_243_200)  // 2024-06-01T12:00:00Z

    static let shows: [(slug: String, title: String, tvdb: Int)] = [
        ("the-walking-dead", "The Walking Dead", 153021),
        ("dead-like-me", "Dead Like Me", 72445),
        ("breaking-bad", "Breaking Bad", 81189),
        ("south-park", "South Park", 75897),
        ("les-revenants", "Les Revenants — \\\"Zombies\\\" été", 259_675),
        ("tokyo-vice", "東京 Vice", 382_364),
    ]
    static let movies: [(slug: String, title: String, imdb: String, tmdb: Int)] = [
        ("dawn-of-the-dead-2004", "Dawn of the Dead", "tt0363547", 924),
        ("the-social-network-2010", "The Social Network", "tt1285016", 37799),
        ("oppenheimer-2023", "Oppenheimer", "tt15398776", 872_585),
    ]
    static let users = ["justin", "sean", "jos\\u00e9", "priya_m", "li.wei", "dead_pool", "ana-b"]
    static let actions = ["seen", "scrobble", "checkin", "watching", "rating", "collection", "watchlist", "shout"]

    /// Item `n` (newest first: timestamps fall as `n` grows).
    static func item(_ n: Int) -> String {
        var r = SplitMix64(seed: UInt64(n) &* 0x9E37_79B9 &+ 17)
        let ts = 1_717_218_000 - n * 3_607 - Int(r.next() % 600)  // ~1 h apart, pacific API time
        let user = users[Int(r.next() % UInt64(users.count))]
        let action = actions[Int(r.next() % UInt64(actions.count))]
        let kind = r.next() % 10
        var s = #"{"id":\#(n + 1000),"timestamp":\#(ts),"when":{"day":"Sat","time":"5:00 am"},"#
        s += #""elapsed":{"full":"\#(n) hours","short":"\#(n)h"},"#
        if kind < 6 {
            let show = shows[Int(r.next() % UInt64(shows.count))]
            let season = Int(r.next() % 4)
            s += #""type":"episode","action":"\#(action)","#
            s += #""user":{"username":"\#(user)","protected":false,"full_name":"Name \#(n)\nline \"two\"","about":"naïve café 東京 \#u{1F600} \#(n)","age":\#(20 + n % 50)},"#
            s += #""show":{"title":"\#(show.title)","year":2010,"url":"http://trakt.tv/show/\#(show.slug)","tvdb_id":\#(show.tvdb),"imdb_id":"tt\#(show.tvdb)","#
            s += #""images":{"poster":"http://x/\#(n).jpg"},"ratings":{"percentage":\#(n % 100),"votes":\#(n * 7)},"genres":["Drama","Horror"]},"#
            if action == "seen" || action == "collection" {
                let count = 1 + Int(r.next() % 3)
                let eps = (0..<count).map { k -> String in
                    let key = (n + k) % 4 == 0 ? "number" : "episode"
                    return #"{"season":\#(season),"\#(key)":\#(1 + (n + k) % 13),"title":"Ep \#(k)","overview":"x\ty","ratings":{"percentage":\#(k)}}"#
                }
                s += #""episodes":[\#(eps.joined(separator: ","))]"#
            } else {
                s += #""episode":{"season":\#(season),"episode":\#(1 + n % 13),"title":"Ep","first_aired":\#(ts - 86400)}"#
            }
        } else if kind < 9 {
            let movie = movies[Int(r.next() % UInt64(movies.count))]
            s += #""type":"movie","action":"\#(action)","user":{"username":"\#(user)"},"#
            if n % 5 == 0 {
                s += #""movie":{"title":"\#(movie.title)","year":2004,"ids":{"slug":"\#(movie.slug)","imdb":"\#(movie.imdb)"},"tmdb_id":"\#(movie.tmdb)","runtime":1.5e2}"#
            } else {
                s += #""movie":{"title":"\#(movie.title)","year":2004,"url":"http://trakt.tv/movie/\#(movie.slug)","imdb_id":"\#(movie.imdb)","tmdb_id":\#(movie.tmdb),"runtime":120.0}"#
            }
        } else {
            s += #""type":"list","action":"\#(n % 2 == 0 ? "created" : "item_added")","user":{"username":"\#(user)"},"#
            s += #""list":{"name":"List \#(n) \ud83c\udfac","slug":"list-\#(n)","items":[1,2,[3,{"a":null}]]}"#
        }
        switch n % 7 {
        case 0: s += #","rating":"love","rating_advanced":10"#
        case 1: s += #","rating":"hate","rating_advanced":"2""#
        case 2: s += #","rating":false,"rating_advanced":\#(1 + n % 10)"#
        case 3: s += #","rating":null"#
        case 4: s += #","type":"duplicate-type-ignored""#
        default: break
        }
        if n % 11 == 0 { s += #","shout":"Long \/ escaped \u0041\u00df\u6771 text""# }
        return s + "}"
    }

    static func items(_ count: Int) -> [String] { (0..<count).map(item) }

    static func envelope(_ items: [String]) -> [UInt8] {
        Array((#"{"timestamps":{"start":1717000000,"current":1717218000},"activity":["# + items.joined(separator: ",\n") + "]}\n").utf8)
    }

    static func array(_ items: [String]) -> [UInt8] { Array(("[" + items.joined(separator: ", ") + "]").utf8) }

    static func ndjson(_ items: [String]) -> [UInt8] { Array((items.joined(separator: "\n") + "\n").utf8) }
}
