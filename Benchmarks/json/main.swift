// Throughput of JSONReader (release, whole-module). Run: Benchmarks/json/run.sh
// Two inputs, generated in memory with a fixed seed:
//  - "small": the swift-notes §4 shape (array of ~300k small objects, ~52 MB), to compare with
//    the figures measured there (JSONDecoder 35 MB/s, a lenient hand-written parser 124 MB/s);
//  - "pages": v1 activity envelopes (100 items each, nested user/show/episode objects, escapes
//    and non-ASCII text), the shape the engine reads.
import Foundation

func smallObjects(count: Int) -> [UInt8] {
    var s = "["
    s.reserveCapacity(count * 180)
    for i in 0..<count {
        if i > 0 { s += "," }
        let rating = i % 7 == 0 ? "null" : String(i % 10 + 1)
        s += #"{"id":\#(1_000_000 + i),"action":"\#(i % 3 == 0 ? "seen" : "rating")","show":"the-walking-dead","season":\#(i % 11),"episode":\#(i % 23),"rating":\#(rating),"watched_at":"2024-11-24T17:05:37.000Z","user":{"username":"user\#(i % 5000)","vip":\#(i % 2 == 0)}}"#
    }
    return Array((s + "]").utf8)
}

func activityPage(seed: Int) -> [UInt8] {
    var s = #"{"timestamps":{"start":1320290123,"current":1320291139},"activity":["#
    for n in 0..<100 {
        let i = seed * 100 + n
        if n > 0 { s += "," }
        s += #"{"id":\#(i),"timestamp":\#(1_320_291_452 - i * 37),"when":{"day":"Thu","time":"11:40 pm"},"elapsed":{"full":"3 hours, 4 minutes, 19 seconds","short":"3h 4m 19s"},"type":"episode","action":"seen","#
        s += #""user":{"username":"user\#(i % 997)","protected":false,"full_name":"Jos\u00e9 M\u00fcller \#(i)","gender":"male","age":29,"location":"Parksville, BC, Canada","about":"Line one\nline \"two\" — naïve café 東京","avatar":"http://trakt.us/images/avatars/791.jpg","url":"http://trakt.tv/user/u\#(i)"},"#
        s += #""episodes":[{"season":2,"episode":11,"tvdb_id":1234,"title":"The Wake-Up Bomb","overview":"An agent goes undercover; things go wrong.","first_aired":1320130800,"url":"http://trakt.tv/show/covert-affairs/season/2/episode/11","images":{"screen":"http://trakt.us/images/episodes/26-2-11.jpg"},"ratings":{"percentage":100,"votes":10,"loved":10,"hated":0}}],"#
        s += #""show":{"title":"Covert Affairs","year":2010,"url":"http://trakt.tv/show/covert-affairs","imdb_id":"tt1495708","tvdb_id":104281,"tvrage_id":23686,"first_aired":1279004400,"country":"United States","overview":"Annie Walker, a young CIA trainee…","runtime":60,"network":"USA Network","air_day":"Tuesday","air_time":"10:00pm","certification":"TV-14","images":{"poster":"http://trakt.us/images/posters/26.jpg","fanart":"http://trakt.us/images/fanart/26.jpg","banner":"http://trakt.us/images/banners/26.jpg"},"ratings":{"percentage":88,"votes":146,"loved":128,"hated":18},"genres":["Action","Comedy"]},"rating_advanced":\#(i % 10 == 0 ? "\"7\"" : "8.5")}"#
    }
    return Array((s + "]}").utf8)
}

func measure(_ name: String, _ docs: [[UInt8]], runs: Int) {
    let bytes = docs.reduce(0) { $0 + $1.count }
    var best = Double.infinity
    var checksum = 0
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        for doc in docs {
            do {
                let value = try JSONReader.parse(doc)
                if case .array(let a) = value { checksum &+= a.count }
                if case .object(let o) = value { checksum &+= o.count }
            } catch {
                fatalError("\(error)")
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        best = min(best, seconds)
    }
    let mb = Double(bytes) / 1_000_000
    print(String(format: "%@: %.1f MB in %.3f s (best of %d) = %.0f MB/s  [%d]", name, mb, best, runs, mb / best, checksum))
}

let small = smallObjects(count: 303_549)
measure("small objects, one 52 MB array", [small], runs: 5)
let pages = (0..<300).map(activityPage)
measure("v1 activity pages, 300 × 100 items", pages, runs: 5)

// Baseline in the same process and load: Foundation's untyped reader on the same pages.
do {
    let datas = pages.map { Data($0) }
    let bytes = datas.reduce(0) { $0 + $1.count }
    var best = Double.infinity
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        for d in datas { _ = try JSONSerialization.jsonObject(with: d) }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    print(String(format: "baseline JSONSerialization, same pages: %.0f MB/s", Double(bytes) / 1_000_000 / best))
} catch {
    fatalError("\(error)")
}
