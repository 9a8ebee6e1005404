import Foundation
import Testing
import TraktProtocol

@testable import TraktQL

/// Issue 22, finding 2: numbers from a server or a token file never trap. Each of these used to
/// end traktql with SIGILL (`Int64(1e300)` when the pair was written, `Int(…)` when a wait or a
/// duration was shown); now each is range-checked where it is read, and clamped or refused.
@Suite struct OutsideNumberTests {
    static let received = Date(timeIntervalSince1970: 1_732_449_600)

    static func answer(_ members: String) -> Data {
        Data(#"{"access_token":"a-0123456789","token_type":"bearer","refresh_token":"r-0123456789","scope":"public"\#(members)}"#.utf8)
    }

    @Test func aHugeLifetimeIsCutToAYearAndTheTokenStillWritesAndReadsBack() throws {
        let token = try OAuthToken(tokenResponse: Self.answer(#","expires_in":1e300,"created_at":-1e300"#), server: "https://api.trakt.tv",
                                   receivedAt: Self.received)
        #expect(token.expiresAt == Self.received.addingTimeInterval(OAuthToken.longestLifetime))
        #expect(token.createdAt == Self.received, "an implausible created_at gives way to the time of the answer")
        let written = try JSONEncoder().encode(token)
        #expect(try OAuthToken(tokenFile: written) == token)
    }

    @Test func lifetimesAreCountedFromTheAnswerAndKeptInRange() throws {
        func expiry(_ members: String) throws -> TimeInterval {
            try OAuthToken(tokenResponse: Self.answer(members), server: nil, receivedAt: Self.received).expiresAt.timeIntervalSince(Self.received)
        }
        #expect(try expiry(#","expires_in":7200,"created_at":1"#) == 7200, "a server clock far off does not move the expiry")
        #expect(try expiry(#","expires_in":-5"#) == 0, "a negative lifetime: renewed at the next use")
        #expect(try expiry(#","expires_in":"86400""#) == 86400, "a number in a string")
        #expect(try expiry(#","expires_in":"soon""#) == OAuthToken.assumedLifetime)
        #expect(try expiry(#","expires_in":true"#) == OAuthToken.assumedLifetime)
        #expect(try expiry("") == OAuthToken.assumedLifetime, "no expires_in: never assumed long")
        #expect(try expiry(#","expires_in":1e-300"#) == 0)
        let created = try OAuthToken(tokenResponse: Self.answer(#","expires_in":60,"created_at":1732449000"#), server: nil, receivedAt: Self.received)
        #expect(created.createdAt == Date(timeIntervalSince1970: 1_732_449_000), "a plausible created_at is kept")
    }

    @Test func anAnswerWithoutAnAccessTokenIsAnErrorNamingIt() {
        #expect(throws: OAuthError.self) { try OAuthToken(tokenResponse: Data("[1]".utf8), server: nil) }
        #expect { try OAuthToken(tokenResponse: Data(#"{"refresh_token":"r","expires_in":1e300}"#.utf8), server: nil) } throws: {
            ($0 as? OAuthError)?.message.contains("no access_token") == true
        }
        #expect { try OAuthToken(tokenResponse: Data(#"{"access_token":"a","expires_in":1e400}"#.utf8), server: nil) } throws: {
            ($0 as? OAuthError)?.message.contains("not JSON") == true
        }
        // A refresh answer without a new refresh token keeps the old one (RFC 6749 §6).
        let kept = try? OAuthToken(tokenResponse: Data(#"{"access_token":"a","expires_in":60}"#.utf8), server: nil, previousRefreshToken: "old")
        #expect(kept?.refreshToken == "old")
    }

    @Test func aTokenFileOutOfRangeIsRefusedNamingTheField() throws {
        for (text, reason) in [
            (#"{"access_token":"a","refresh_token":"r","expires_at":1e300}"#, "expires_at 1e+300 is not a time between 1970 and 9999"),
            (#"{"access_token":"a","refresh_token":"r","expires_at":1800000000,"created_at":-1e300}"#, "created_at -1e+300 is not a time between 1970 and 9999"),
            (#"{"access_token":"a","refresh_token":"r","expires_at":"tomorrow"}"#, "bad expires_at"),
            (#"{"access_token":"a","refresh_token":"r"}"#, "no expires_at"),
            (#"{"access_token":"a","expires_at":1}"#, "no refresh_token"),
            ("[]", "not a JSON object"),
            ("{", "not JSON"),
        ] {
            #expect { try OAuthToken(tokenFile: Data(text.utf8)) } throws: { ($0 as? OAuthToken.TokenFileProblem)?.reason == reason }
            // The Codable reading refuses them too, instead of making an instant that traps on the way out.
            #expect(throws: (any Error).self) { try JSONDecoder().decode(OAuthToken.self, from: Data(text.utf8)) }
        }
        // Writing never traps, whatever instant a caller put in.
        let odd = OAuthToken(accessToken: "a", refreshToken: "r", expiresAt: Date(timeIntervalSince1970: 1e300), scope: "",
                             createdAt: Date(timeIntervalSince1970: -1e300))
        let written = String(decoding: try JSONEncoder().encode(odd), as: UTF8.self)
        #expect(written.contains("\"expires_at\":253402300799") && written.contains("\"created_at\":0"), "\(written)")
    }

    @Test func theDeviceCodeAnswerIsClamped() throws {
        func code(_ members: String) throws -> DeviceCode {
            try DeviceCode(answer: Data(#"{"device_code":"d","user_code":"ABCD1234","verification_url":"https://trakt.tv/activate"\#(members)}"#.utf8))
        }
        let huge = try code(#","expires_in":1e300,"interval":1e300"#)
        #expect(huge.expiresIn == DeviceCode.longestLifetime && huge.interval == DeviceCode.intervalRange.upperBound)
        #expect(huge.description.contains("expires in 3600 s"))
        let zero = try code(#","expires_in":0,"interval":0"#)
        #expect(zero.expiresIn == 1 && zero.interval == 1, "interval has a floor of 1 s")
        let missing = try code("")
        #expect(missing.expiresIn == 600 && missing.interval == 5)
        #expect(throws: OAuthError.self) { try DeviceCode(answer: Data(#"{"device_code":"d"}"#.utf8)) }
    }

    @Test func retryAfterAndRateLimitHeadersAreBounded() {
        #expect(V2RateLimitedTransport.wait(retryAfter: 1e300, rateLimit: nil) == V2RateLimitedTransport.longestWait)
        #expect(V2RateLimitedTransport.wait(retryAfter: -3, rateLimit: nil) == 0.05)
        let header = #"{"name":"x","limit":-1,"remaining":1e300,"period":300,"until":"2024-11-24T12:05:00Z"}"#
        let info = V2RateLimitedTransport.parse(header)
        #expect(info?.limit == nil && info?.remaining == nil && info?.period == 300)
        let response = HTTPResponse(status: 429, headers: ["Retry-After": "1e300"])
        #expect(V2RateLimitedTransport.wait(retryAfter: response.retryAfter, rateLimit: nil) == 300)
    }

    @Test func paginationHeadersAreWholeNumbersInRange() {
        #expect(OutsideNumber.headerInteger(" 12 ") == 12)
        #expect(OutsideNumber.headerInteger("99999999999999999999") == nil)
        #expect(OutsideNumber.headerInteger("-1") == nil)
        #expect(OutsideNumber.headerInteger("1e3") == nil)
        #expect(OutsideNumber.headerInteger("0", in: 1...Int.max) == nil)
        #expect(OutsideNumber.headerInteger(nil) == nil)
        #expect(V2CallPager.itemCount(in: HTTPResponse(status: 200, headers: ["X-Pagination-Item-Count": "1e300"])) == nil)
        #expect(V2CallPager.itemCount(in: HTTPResponse(status: 200, headers: ["X-Pagination-Item-Count": " 77"])) == 77)
    }

    @Test func conversionsClampInsteadOfTrapping() {
        #expect(OutsideNumber.wholeSeconds(1e300) == 1_000_000_000_000_000)
        #expect(OutsideNumber.wholeSeconds(-.infinity) == -1_000_000_000_000_000)
        #expect(OutsideNumber.wholeSeconds(.nan) == -1_000_000_000_000_000)
        #expect(OutsideNumber.nanoseconds(seconds: 1e300, upTo: 300) == 300_000_000_000)
        #expect(OutsideNumber.duration(seconds: .nan) == .zero)
        #expect(OutsideNumber.unixSeconds(Date(timeIntervalSince1970: -1e300)) == 0)
    }

    /// Sums of huge numbers from a server reach infinity; a chart of them must not trap (∞/∞).
    @Test func chartsOfInfiniteSumsDoNotTrap() {
        #expect(ChartRenderer.level(.infinity, maximum: .infinity) == 4)
        #expect(ChartRenderer.level(1e308, maximum: .infinity) == 1)
        #expect(ChartRenderer.barText(.infinity, maximum: .infinity, cells: 10, unicode: false) == String(repeating: "#", count: 10))
        #expect(ChartRenderer.barText(.infinity, maximum: .infinity, cells: 10, unicode: true).count == 10)
    }

    /// A v1 server's `timestamp` can be any integer: `Int64.max` and `Int64.min` used to overflow
    /// in the PST conversion (and in the pager's `end_ts = oldest + 1`).
    @Test func extremeV1TimestampsDoNotOverflow() {
        for convention in TimestampConvention.allCases {
            for timestamp in [Int64.max, Int64.min, Int64.max - 1, 1 << 62] {
                let instant = convention.instant(forAPITimestamp: timestamp)
                #expect(instant.timeIntervalSince1970.isFinite)
                _ = convention.apiTimestamp(for: instant)
                _ = convention.apiTimestamp(forUnixTime: timestamp)
            }
            _ = convention.apiTimestamp(for: Date(timeIntervalSince1970: 1e300))
            _ = convention.apiTimestamp(for: Date(timeIntervalSince1970: .nan))
        }
    }
}
