import Foundation
import Testing
@testable import TraktQL

@Suite("SHA-1, credentials, redaction")
struct TransportBasicsTests {
    @Test func sha1StandardVectors() {
        #expect(SHA1.hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(SHA1.hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
                == "a49b2446a02c645bf419f995b67091253a04a259")
        #expect(SHA1.hex("The quick brown fox jumps over the lazy dog") == "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12")
        #expect(SHA1.hex(bytes: SHA1.digest([UInt8](repeating: 0x61, count: 1_000_000))) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        // Padding edges: 55, 56, 63, 64 bytes.
        #expect(SHA1.hex(String(repeating: "a", count: 55)) == "c1c8bbdc22796e28c0e15163d20899b65621d65a")
        #expect(SHA1.hex(String(repeating: "a", count: 56)) == "c2db330f6083854c99d4b5bfb6e8f29f201be699")
        #expect(SHA1.hex(String(repeating: "a", count: 64)) == "0098ba824b5c16427bd7a1122a5a442a25ec644d")
        #expect(SHA1.hex("pässword") == SHA1.hex(bytes: SHA1.digest(Array("pässword".utf8))))
    }

    @Test func credentials() {
        let c = BasicCredentials(username: "justin", password: "abc")
        #expect(c.passwordSHA1 == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(c.authorizationHeader == "Basic " + Data("justin:a9993e364706816aba3e25717850c26c9cd0d89d".utf8).base64EncodedString())
        #expect(!c.description.contains("a9993e"))
        #expect(BasicCredentials(username: "u", passwordSHA1: "ABCDEF").passwordSHA1 == "abcdef")
    }

    @Test func redactsTheKeySegment() {
        let r = Redactor.redactingPathKeys
        #expect(r("http://api.trakt.tv/activity/user.json/0123abcd/justin/all/seen", nil)
                == "http://api.trakt.tv/activity/user.json/<key>/justin/all/seen")
        #expect(r("http://h/activity/community.json/0123abcd", nil) == "http://h/activity/community.json/<key>")
        #expect(r("http://h/activity/community.json/0123abcd?min=1", nil) == "http://h/activity/community.json/<key>?min=1")
        #expect(r("GET http://h/a.json/k1/x and http://h/b.json/k2 failed", nil) == "GET http://h/a.json/<key>/x and http://h/b.json/<key> failed")
        #expect(r("http://h/activity/user.json/<key>/x", nil) == "http://h/activity/user.json/<key>/x")
        #expect(r("no url here", nil) == "no url here")
        #expect(r("trailing .json/", nil) == "trailing .json/")
        #expect(r("key mysecret in text", "mysecret") == "key <key> in text")
        #expect(r("x", "") == "x")
        // Redacting again, or with a key that occurs inside "<key>", leaves "<key>" whole.
        #expect(r("http://h/activity/community.json/<key>", "k") == "http://h/activity/community.json/<key>")
        #expect(r(r("a.json/ey and ey", "ey"), "ey") == "a.json/<key> and <key>")
    }

    @Test func errorsNeverShowTheKey() {
        let key = "SECRETKEY42"
        let url = "http://h/activity/user.json/\(key)/justin"
        let errors: [TransportError] = [
            .httpFailure(status: 401, apiMessage: "invalid API key \(url)", url: url),
            .network("could not connect to \(url)"),
            .timeout(url: url, seconds: 3),
            .malformedBody("JSON error at byte 3 (from \(url))"),
        ]
        for error in errors {
            #expect(!error.description.contains(key))
            #expect(error.description.contains("<key>"))
            #expect(!error.redactingKey(key).description.contains(key))
        }
        // A key outside any URL is only removed when given.
        let loose = TransportError.network("key=\(key)")
        #expect(!loose.redactingKey(key).description.contains(key))
        if case .http(_, let message, let u) = errors[0] {
            #expect(!(message ?? "").contains(key))
            #expect(!u.contains(key))
        }
        let request = HTTPRequest(url: URL(string: url)!, headers: ["Authorization": "Basic c2VjcmV0"])
        #expect(!request.description.contains(key))
        var dumped = ""
        dump(request, to: &dumped)
        #expect(!dumped.contains(key) && !dumped.contains("c2VjcmV0"))
        var credentials = ""
        dump(BasicCredentials(username: "u", password: "abc"), to: &credentials)
        #expect(!credentials.contains("a9993e"))
    }

    /// A failure body's own message, whatever API sent it: v1's `error`, OAuth's
    /// `error_description`, a `message`; nothing for a body that is not a JSON object.
    @Test func failureMessageFromBody() {
        func message(_ body: String) -> String? { HTTPResponse(status: 400, body: Data(body.utf8)).failureMessage }
        #expect(message(#"{"status":"failure","error":"invalid API key"}"#) == "invalid API key")
        #expect(message(#"{"error":"x"}"#) == "x")
        #expect(message(#"{"error":"invalid_grant","error_description":"the code expired"}"#) == "the code expired")
        #expect(message(#"{"message":"slow down"}"#) == "slow down")
        #expect(message(#"{"error":404}"#) == nil)
        #expect(message("<html>oops</html>") == nil)
        #expect(message("") == nil)
        let plain = HTTPResponse(status: 404)
        #expect(throws: TransportError.http(status: 404, apiMessage: nil, url: "http://h/x")) {
            try plain.validated(for: HTTPRequest(url: URL(string: "http://h/x")!))
        }
        #expect(TransportError.http(status: 404, apiMessage: nil, url: "u").description == "HTTP 404 from u: not found")
    }

    @Test func responseHeadersAreCaseInsensitive() {
        let r = HTTPResponse(status: 429, headers: ["Retry-After": " 5 "])
        #expect(r.header("retry-after") == " 5 ")
        #expect(r.retryAfter == 5)
        #expect(HTTPResponse(status: 429, headers: ["Retry-After": "-1"]).retryAfter == nil)
        #expect(HTTPResponse(status: 429, headers: ["Retry-After": "nan"]).retryAfter == nil)
        let q = HTTPRequest(url: URL(string: "http://h")!, headers: ["authorization": "x"])
        #expect(q.header("Authorization") == "x")
    }
}
