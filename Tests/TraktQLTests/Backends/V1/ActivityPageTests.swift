import Foundation
import Testing
@testable import TraktQL

@Suite("ActivityPage")
struct ActivityPageTests {
    static let envelope = #"""
    {"timestamps":{"start":1320290123,"current":1320291139,"extra":"kept"},
     "activity":[
      {"timestamp":1320291452,"when":{"day":"Thu","time":"11:40 pm"},"type":"episode","action":"scrobble",
       "user":{"username":"tecnobrat","protected":false},
       "episode":{"season":2,"episode":11,"title":"The Wake-Up Bomb"},
       "show":{"title":"Covert Affairs","year":2010,"tvdb_id":104281},"future_field":{"x":[1]}},
      {"timestamp":1320291000,"type":"episode","action":"seen","user":{"username":"justin"},
       "episodes":[{"season":1,"number":5,"title":"Brian Wong"},{"season":1,"number":6}],
       "show":{"title":"Foundation"}},
      {"timestamp":1320290500,"type":"episode","action":"rating","user":{"username":"justin"},
       "rating":false,"rating_advanced":"7","use_rating_advanced":true,
       "episode":{"season":6,"number":"5"},"show":{"title":"Dexter"}},
      {"timestamp":1320290400,"type":"movie","action":"rating","user":{"username":"sean"},
       "rating":"love","rating_advanced":9,"movie":{"title":"Inception"}}
     ]}
    """#

    @Test func envelope() throws {
        let page = try ActivityPage.decode(Data(Self.envelope.utf8))
        #expect(page.shape == .envelope)
        #expect(page.timestamps?.start == 1_320_290_123)
        #expect(page.timestamps?.current == 1_320_291_139)
        #expect(page.timestamps?.end == nil)
        #expect(page.timestamps?.raw["extra"] == .string("kept"))
        #expect(page.items.count == 4)
        let scrobble = page.items[0]
        #expect(scrobble["future_field"] != nil)
        #expect(scrobble.activityEpisodes.count == 1)
        #expect(scrobble.activityEpisodes[0].episodeNumber == 11)
        let seen = page.items[1]
        #expect(seen.activityEpisodes.map(\.episodeNumber) == [5, 6])
        let rating = page.items[2]
        #expect(rating["rating"] == .bool(false))
        #expect(rating.simpleRating == nil)
        #expect(rating["rating_advanced"] == .string("7"))
        #expect(rating.advancedRating == 7)
        #expect(rating.activityEpisodes.first?.episodeNumber == 5)
        let movie = page.items[3]
        #expect(movie.simpleRating == "love")
        #expect(movie.advancedRating == 9)
        #expect(movie.activityEpisodes.isEmpty)
    }

    @Test func bareArrayAndNDJSON() throws {
        let array = try ActivityPage.decode(Data(#"[{"type":"movie","action":"seen"},{"type":"show","action":"watchlist"}]"#.utf8))
        #expect(array.shape == .array)
        #expect(array.timestamps == nil)
        #expect(array.items.count == 2)
        let lines = try ActivityPage.decode(Data("{\"type\":\"movie\",\"action\":\"seen\"}\n{\"type\":\"show\",\"action\":\"watchlist\"}\n".utf8))
        #expect(lines.shape == .ndjson)
        #expect(lines.items.count == 2)
        let one = try ActivityPage.decode(Data("{\"type\":\"movie\",\"action\":\"seen\"}\n".utf8))
        #expect(one.shape == .ndjson)
        #expect(one.items.count == 1)
        let empty = try ActivityPage.decode(Data(#"{"timestamps":{"start":1,"current":2},"activity":[]}"#.utf8))
        #expect(empty.items.isEmpty)
        let nullActivity = try ActivityPage.decode(Data(#"{"timestamps":null,"activity":null}"#.utf8))
        #expect(nullActivity.items.isEmpty && nullActivity.timestamps == nil)
    }

    @Test func failureBodyCarriesTheAPIMessage() {
        let url = "http://h/activity/friends.json/SECRETKEY42"
        #expect(throws: TransportError.http(status: 200, apiMessage: "failed authentication", url: "http://h/activity/friends.json/<key>")) {
            try ActivityPage.decode(Data(#"{"status":"failure","error":"failed authentication"}"#.utf8), url: url)
        }
    }

    @Test func malformedBodies() {
        let url = "http://h/activity/community.json/SECRETKEY42"
        let bodies = [
            "", "   ", "<html>503</html>", #"{"timestamps":{"start":1},"activity":[{"a":1}"#, "42", #""x""#,
            #"{"timestamps":1,"activity":[]}"#, #"{"activity":{}}"#, #"{"activity":[1,2]}"#, #"[{"a":1},3]"#,
            #"{"something":"else"}"#, "{\"a\":1}\n{", "{\"a\":1} {\"a\":2}",
        ]
        for body in bodies {
            do {
                _ = try ActivityPage.decode(Data(body.utf8), url: url)
                Issue.record("\(body.debugDescription) should not decode")
            } catch {
                guard case .malformedBody(let text) = error else { Issue.record("\(error)"); continue }
                #expect(!text.contains("SECRETKEY42"))
            }
        }
    }

    @Test func truncatedPagesNeverTrap() {
        let bytes = Array(Self.envelope.utf8)
        for cut in stride(from: 0, to: bytes.count, by: 3) {
            #expect(throws: TransportError.self) { try ActivityPage.decode(Data(bytes[0..<cut])) }
        }
    }
}
