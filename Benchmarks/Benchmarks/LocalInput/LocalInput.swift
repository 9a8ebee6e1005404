// `--input` through the public Engine API: the streaming, projecting reader against the plain
// decoder (whole input in memory, JSONReader, whole items) on a generated ~20 MB envelope.
// Run: cd Benchmarks && swift package --disable-sandbox benchmark --target LocalInput
import Benchmark
import Foundation
import TraktQL

/// A v1 envelope of `count` items shaped like the emulator's (nested user/show/episodes,
/// escapes, non-ASCII), written once to a temporary file.
func makeDump(count: Int) -> (path: String, bytes: Int) {
    var s = #"{"timestamps":{"start":1320290123,"current":1320291139},"activity":["#
    let shows = ["The Walking Dead", "Covert Affairs", "Dead Like Me", "South Park", "Breaking Bad"]
    for i in 0..<count {
        if i > 0 { s += ",\n" }
        let show = shows[i % shows.count]
        let action = ["seen", "rating", "watching", "collection"][i % 4]
        s += #"{"id":\#(i),"timestamp":\#(1_717_218_000 - i * 37),"when":{"day":"Thu","time":"11:40 pm"},"elapsed":{"full":"3 hours, 4 minutes, 19 seconds","short":"3h 4m 19s"},"type":"episode","action":"\#(action)","#
        s += #""user":{"username":"user\#(i % 997)","protected":false,"full_name":"Jos\u00e9 M\u00fcller \#(i)","gender":"male","age":29,"location":"Parksville, BC, Canada","about":"Line one\nline \"two\" — naïve café 東京","avatar":"http://trakt.us/images/avatars/791.jpg","url":"http://trakt.tv/user/u\#(i)"},"#
        s += #""episodes":[{"season":\#(i % 5),"episode":\#(1 + i % 13),"tvdb_id":1234,"title":"The Wake-Up Bomb","overview":"An agent goes undercover; things go wrong.","first_aired":1320130800,"url":"http://trakt.tv/show/x/season/2/episode/11","images":{"screen":"http://trakt.us/images/episodes/26-2-11.jpg"},"ratings":{"percentage":100,"votes":10,"loved":10,"hated":0}}],"#
        s += #""show":{"title":"\#(show)","year":2010,"url":"http://trakt.tv/show/covert-affairs","imdb_id":"tt1495708","tvdb_id":104281,"tvrage_id":23686,"first_aired":1279004400,"country":"United States","overview":"Annie Walker, a young CIA trainee…","runtime":60,"network":"USA Network","air_day":"Tuesday","air_time":"10:00pm","certification":"TV-14","images":{"poster":"http://trakt.us/images/posters/26.jpg","fanart":"http://trakt.us/images/fanart/26.jpg","banner":"http://trakt.us/images/banners/26.jpg"},"ratings":{"percentage":88,"votes":146,"loved":128,"hated":18},"genres":["Action","Comedy"]},"rating_advanced":\#(i % 10 == 0 ? "\"7\"" : "8")}"#
    }
    s += "]}\n"
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("traktql-bench-dump.json").path
    FileManager.default.createFile(atPath: path, contents: Data(s.utf8))
    return (path, s.utf8.count)
}

let query = #"activity | where action == "seen" and show.title ~ "Dead" | select time, who, sxe"#
let dump = makeDump(count: 12_000)

func engine(streaming: Bool) -> Engine {
    var configuration = EngineConfiguration(apiURL: URL(string: "http://127.0.0.1:9")!, input: dump.path)
    configuration.streamingInput = streaming
    return Engine(configuration: configuration)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal, .throughput],
                                           maxDuration: .seconds(5), maxIterations: 50)
    Benchmark("streaming reader, filter+project, \(dump.bytes / 1_000_000) MB") { benchmark async in
        let e = engine(streaming: true)
        for _ in benchmark.scaledIterations {
            blackHole(try? await e.run(query))
        }
    }
    Benchmark("plain decoder, filter+project, \(dump.bytes / 1_000_000) MB") { benchmark async in
        let e = engine(streaming: false)
        for _ in benchmark.scaledIterations {
            blackHole(try? await e.run(query))
        }
    }
}
