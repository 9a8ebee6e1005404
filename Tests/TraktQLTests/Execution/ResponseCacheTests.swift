import Foundation
import Testing
@testable import TraktQL

@Suite("ResponseCache: time to live and bounds")
struct ResponseCacheTests {
    func response(_ bytes: Int) -> HTTPResponse { HTTPResponse(status: 200, body: Data(count: bytes)) }

    @Test func anEntryLivesForItsTTL() async {
        let cache = ResponseCache()
        let t0 = Date(timeIntervalSince1970: 1_000)
        await cache.store(response(10), for: "a", now: t0)
        #expect(await cache.response(for: "a", ttl: 60, now: t0.addingTimeInterval(59)) != nil)
        #expect(await cache.response(for: "a", ttl: 60, now: t0.addingTimeInterval(61)) == nil)
        #expect(await cache.response(for: "a", ttl: 0, now: t0) == nil)
    }

    @Test func pastTheCountBoundTheOldestGoFirst() async {
        let cache = ResponseCache()
        let t0 = Date(timeIntervalSince1970: 1_000)
        for n in 0..<2_100 {
            await cache.store(response(1), for: "k\(n)", now: t0.addingTimeInterval(Double(n)))
        }
        let now = t0.addingTimeInterval(2_100)
        #expect(await cache.count == 2_000)
        #expect(await cache.response(for: "k0", ttl: 1e9, now: now) == nil)
        #expect(await cache.response(for: "k99", ttl: 1e9, now: now) == nil)
        #expect(await cache.response(for: "k100", ttl: 1e9, now: now) != nil)
        #expect(await cache.response(for: "k2099", ttl: 1e9, now: now) != nil)
    }

    @Test func aKeyStoredAgainIsYoungAgain() async {
        let cache = ResponseCache()
        let t0 = Date(timeIntervalSince1970: 1_000)
        let page = 4 << 20  // four of these fill the 16 MiB bound
        await cache.store(response(page), for: "a", now: t0)
        await cache.store(response(page), for: "b", now: t0.addingTimeInterval(1))
        await cache.store(response(page), for: "a", now: t0.addingTimeInterval(2))  // a is now the newest
        await cache.store(response(page), for: "c", now: t0.addingTimeInterval(3))
        await cache.store(response(page), for: "d", now: t0.addingTimeInterval(4))
        await cache.store(response(page), for: "e", now: t0.addingTimeInterval(5))  // over 16 MiB: b goes
        let now = t0.addingTimeInterval(6)
        #expect(await cache.response(for: "b", ttl: 1e9, now: now) == nil)
        #expect(await cache.response(for: "a", ttl: 1e9, now: now) != nil)
        #expect(await cache.response(for: "e", ttl: 1e9, now: now) != nil)
    }
}
