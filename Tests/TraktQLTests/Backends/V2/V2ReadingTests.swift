import Foundation
import Testing
@testable import TraktQL

/// The v2 readers that take server text: ISO times, paging decisions, `X-Ratelimit`,
/// `Retry-After`, and items of each route.
@Suite struct V2ReadingTests {
    @Test func isoTimesInTheFormsTheAPIWrites() {
        #expect(V2Time.seconds("2026-03-14T20:15:00.000Z") == 1_773_519_300)
        #expect(V2Time.seconds("2026-03-14T20:15:00Z") == 1_773_519_300)
        #expect(V2Time.seconds("2026-03-14T21:15:00+01:00") == 1_773_519_300)
        #expect(V2Time.seconds("2026-03-14T20:15:00.250Z") == 1_773_519_300.25)
        #expect(V2Time.seconds("2026-03-14") == 1_773_446_400)
        for bad in ["", "2026", "2026-13-01", "2026-03-14T25:00:00Z", "2026-03-14T20:15:00X", "2026-03-14T20:15:00.Z", "２０２６-03-14", "2026-03-14T20:15:00+1"] {
            #expect(V2Time.seconds(bad) == nil, "\(bad)")
        }
        #expect(V2Time.string(Date(timeIntervalSince1970: 1_773_519_300.25)) == "2026-03-14T20:15:00.250Z")
        #expect(V2Time.string(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
        // The byte-by-byte form (the mirror's) agrees, and nothing absurd traps.
        #expect(V2Time.string(milliseconds: 1_773_519_300_250) == "2026-03-14T20:15:00.250Z")
        #expect(V2Time.string(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(V2Time.string(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(V2Time.string(milliseconds: 253_402_300_799_999) == "9999-12-31T23:59:59.999Z")
        for date in [Date(timeIntervalSince1970: .nan), Date(timeIntervalSince1970: 1e300), Date(timeIntervalSince1970: -1e300), .distantFuture, .distantPast] {
            #expect(!V2Time.string(date).isEmpty)
        }
        _ = V2Time.string(milliseconds: .max)
        _ = V2Time.string(milliseconds: .min)
    }

    @Test func pagingStopsOnlyAtAShortPageAtOrPastTheCount() {
        // A short page inside the count: a short page from the server, page on.
        #expect(!V2CallPager.isLastPage(count: 10, limit: 250, paged: true, page: 1, pageCount: 3))
        // A full page at the count: the count lags the real total, page on.
        #expect(!V2CallPager.isLastPage(count: 250, limit: 250, paged: true, page: 3, pageCount: 3))
        #expect(V2CallPager.isLastPage(count: 12, limit: 250, paged: true, page: 3, pageCount: 3))
        #expect(V2CallPager.isLastPage(count: 0, limit: 250, paged: true, page: 1, pageCount: 9))
        // No headers: a short page ends it; an unpaged route is one answer.
        #expect(V2CallPager.isLastPage(count: 5, limit: 250, paged: true, page: nil, pageCount: nil))
        #expect(V2CallPager.isLastPage(count: 500, limit: 250, paged: false, page: nil, pageCount: nil))
    }

    @Test func rateLimitHeadersAndWaits() {
        let now = Date(timeIntervalSince1970: 1_773_519_300)
        let header = #"{"name":"AUTHED_API_GET_LIMIT","period":300,"limit":1000,"remaining":0,"until":"2026-03-14T20:15:07.000Z"}"#
        let info = V2RateLimitedTransport.parse(header)
        #expect(info?.limit == 1000 && info?.period == 300 && info?.remaining == 0)
        #expect(V2RateLimitedTransport.wait(retryAfter: 3, rateLimit: header, now: now) == 3)
        #expect(V2RateLimitedTransport.wait(retryAfter: nil, rateLimit: header, now: now) == 7)
        #expect(V2RateLimitedTransport.wait(retryAfter: nil, rateLimit: "not json", now: now) == 1)
        #expect(V2RateLimitedTransport.wait(retryAfter: 1e12, rateLimit: nil, now: now) == 300)
        #expect(V2RateLimitedTransport.parse("[1,2]") == nil)
        #expect(HTTPResponse(status: 429, headers: ["Retry-After": "2"]).retryAfter == 2)
    }

    @Test func itemsOfEachRouteAnswerTheSchema() throws {
        let schema = V2ItemSchema()
        let history = try JSONReader.parse(#"[{"id":4294967296,"watched_at":"2026-03-14T20:15:00.000Z","action":"watch","type":"episode","episode":{"season":1,"number":5,"title":"E","ids":{"trakt":1}},"show":{"title":"Dexter","ids":{"trakt":4,"slug":"dexter","tvdb":79349},"first_aired":"2006-10-01T00:00:00.000Z"}}]"#)
        let items = V2Item.items(ofBody: history, route: .history, context: .init(username: "justin"))
        #expect(items.count == 1)
        let item = items[0]
        #expect(schema.action(of: item) == "seen")
        #expect(schema.who(item) == .string("justin"))
        #expect(schema.title(item) == .string("Dexter"))
        #expect(schema.sxe(of: item) == .string("S01E05"))
        #expect(schema.time(of: item) == Date(timeIntervalSince1970: 1_773_519_300))
        #expect(schema.showIdentifiers(of: item).contains("dexter") && schema.showIdentifiers(of: item).contains("79349"))
        #expect(schema.flattened(item, keeping: { _ in true }) == nil)
        #expect(schema.lookup([.key("show"), .key("first_aired")], in: item) == .int(1_159_660_800))
        #expect(schema.lookup([.key("show"), .key("tvdb_id")], in: item) == .int(79349))

        let rating = V2Item.items(ofBody: try JSONReader.parse(#"[{"rated_at":"2026-03-14T20:15:00.000Z","rating":8,"type":"movie","movie":{"title":"Up","ids":{"slug":"up-2009"}}}]"#),
                                  route: .ratings, context: .init(username: "sean"))[0]
        #expect(schema.action(of: rating) == "rating" && schema.advancedRating(of: rating) == 8)
        #expect(schema.lookup([.key("rating_advanced")], in: rating) == .int(8))

        let collected = V2Item.items(ofBody: try JSONReader.parse(#"[{"last_collected_at":"2026-03-14T20:15:00.000Z","show":{"title":"Dexter","ids":{}},"seasons":[{"number":1,"episodes":[{"number":1,"collected_at":"2026-03-01T00:00:00.000Z"},{"number":2,"collected_at":"2026-03-14T20:15:00.000Z"}]}]}]"#),
                                     route: .collectionShows, context: .init(username: "sean"))
        #expect(collected.map { schema.sxe(of: $0) } == [.string("S01E02"), .string("S01E01")])

        let comment = V2Item.items(ofBody: try JSONReader.parse(#"[{"type":"show","comment":{"id":7,"comment":"Great","review":true,"created_at":"2026-03-14T20:15:00.000Z"},"show":{"title":"Dexter"}}]"#),
                                   route: .userComments, context: .init(username: "sean"))[0]
        #expect(schema.action(of: comment) == "review" && schema.time(of: comment) != nil)
        #expect(schema.lookup([.key("review"), .key("text")], in: comment) == .string("Great"))

        // A list item's objects carry times as v2 writes them; they are read as the same
        // kinds as an item's own (Unix seconds), so no list read warns they are unreadable.
        var listed = V2Item.items(ofBody: try JSONReader.parse(#"[{"rank":1,"id":9,"listed_at":"2026-03-14T20:15:00.000Z","type":"movie","movie":{"title":"Up","released":"2009-05-29","ids":{"trakt":3}}},{"rank":2,"id":10,"listed_at":"2026-03-13T20:15:00.000Z","type":"show","show":{"title":"Dexter","first_aired":"2006-10-01T00:00:00.000Z","ids":{"trakt":4}}}]"#),
                                  route: .listItems, context: .init(username: "sean"))
        #expect(listed.count == 2)
        #expect(schema.lookup([.key("list_item"), .key("movie"), .key("released")], in: listed[0]) == .int(1_243_555_200))
        #expect(schema.lookup([.key("list_item"), .key("show"), .key("first_aired")], in: listed[1]) == .int(1_159_660_800))
        #expect(ItemNormalizer.normalize(&listed[0]).isEmpty && ItemNormalizer.normalize(&listed[1]).isEmpty)

        // 204 / an empty body, a bare object, and garbage: never a trap.
        #expect(V2Item.items(ofBody: nil, route: .watching, context: .init()).isEmpty)
        #expect(V2Item.items(ofBody: .int(3), route: .history, context: .init()).isEmpty)
        #expect(V2Item.items(ofBody: .array([.int(1), .null]), route: .ratings, context: .init()).isEmpty)
    }
}
