import Foundation
import Testing

@testable import TraktEmulator

/// Writes have their own rate limit, apart from reads, as on Trakt (`AUTHED_API_POST_LIMIT`:
/// POST, PUT and DELETE per user; `--write-rate-limit`).
@Suite("Writes: their own rate limit (AUTHED_API_POST_LIMIT)")
struct WriteRateLimitTests {
    func limited(writes: RateLimit, reads: RateLimit) -> Emulator {
        writableEmulator {
            $0.v2.rateLimit = reads
            $0.v2.writeRateLimit = writes
        }
    }

    static var play: [String: Any] { ["movies": [["ids": ["slug": "inception-2010"]]]] }

    @Test("past the write limit: 429 with Retry-After and X-Ratelimit naming AUTHED_API_POST_LIMIT; nothing written; reads unaffected")
    func writesHaveTheirOwnBucket() async throws {
        let e = limited(writes: RateLimit(limit: 2, period: 60), reads: RateLimit(limit: 4, period: 60))
        #expect((await call(e, "POST", "/sync/history", json: Self.play)).status == 201)
        #expect((await call(e, "DELETE", "/checkin")).status == 204)
        let refused = await call(e, "POST", "/sync/history", json: Self.play)
        #expect(refused.status == 429)
        #expect(refused.object["error"] as? String == "rate_limited")
        let retry = try #require(refused.headers["Retry-After"].flatMap { Int($0) })
        #expect((1...60).contains(retry))
        let header = try #require(refused.headers["X-Ratelimit"])
        let limit = try #require(try JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any])
        #expect(limit["name"] as? String == "AUTHED_API_POST_LIMIT")
        #expect(limit["period"] as? Int == 60 && limit["limit"] as? Int == 2 && limit["remaining"] as? Int == 0)
        let until = try #require(limit["until"] as? String)
        #expect(until.hasSuffix("Z") && until.count == 24)
        // PUT and DELETE count too.
        #expect((await call(e, "DELETE", "/checkin")).status == 429)
        #expect((await call(e, "PUT", "/comments/5000001", json: ["comment": "one two three four five"])).status == 429)
        // The refused write changed nothing: one play of the movie.
        let history = await call(e, "GET", "/sync/history/movies?limit=100")
        #expect(history.array.filter { (($0["movie"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String == "inception-2010" }
                .count == 1 + (await call(writableEmulator(), "GET", "/sync/history/movies?limit=100")).array.filter {
                    (($0["movie"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String == "inception-2010" }.count)
        // Reads kept their whole budget (the writes took none of it): 4, the one above included.
        for _ in 0..<3 { #expect((await call(e, "GET", "/sync/last_activities")).status == 200) }
        let readRefused = await call(e, "GET", "/sync/last_activities")
        #expect(readRefused.status == 429)
        #expect(readRefused.headers["X-Ratelimit"]?.contains("\"AUTHED_API_GET_LIMIT\"") == true)
    }

    @Test("the write bucket is per user: another user writes on; a second token of the same user shares it")
    func perUser() async throws {
        let e = limited(writes: RateLimit(limit: 1, period: 60), reads: .off)
        let other = try #require(e.dataset.userByName.first { $0.value != 0 }?.value)
        e.v2.oauth.addPermanent(token: "other-user", user: other)
        e.v2.oauth.addPermanent(token: "justin-again", user: 0)
        #expect((await call(e, "POST", "/sync/watchlist", json: Self.play)).status == 201)
        #expect((await call(e, "POST", "/sync/watchlist", token: "justin-again", json: Self.play)).status == 429)
        #expect((await call(e, "POST", "/sync/watchlist", token: "other-user", json: Self.play)).status == 201)
    }

    @Test("a new window admits writes again; 0 turns the write limit off; unauthenticated writes are 401, not counted")
    func windowsAndOff() async throws {
        let e = limited(writes: RateLimit(limit: 1, period: 1), reads: .off)
        #expect((await call(e, "POST", "/sync/history", token: nil, json: Self.play)).status == 401)
        #expect((await call(e, "POST", "/sync/history", json: Self.play)).status == 201)
        #expect((await call(e, "POST", "/sync/history", json: Self.play)).status == 429)
        try await Task.sleep(for: .milliseconds(1_100))
        #expect((await call(e, "POST", "/sync/history", json: Self.play)).status == 201)
        let off = limited(writes: .off, reads: .off)
        for _ in 0..<20 { #expect((await call(off, "POST", "/sync/history", json: Self.play)).status == 201) }
    }

    @Test("Trakt's write limit is the CLI's default: 1 call per second")
    func traktDefault() {
        #expect(RateLimit.traktWrites == RateLimit(limit: 1, period: 1))
        #expect(V2Settings().writeRateLimit == .off)
    }
}
