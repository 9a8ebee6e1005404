import Foundation
import Testing
@testable import TraktQL

@Suite("HTTPResponseParser")
struct HTTPResponseParserTests {
    /// Feeds `text` split into pieces of `piece` bytes; returns the parser once complete (or
    /// after end of stream when `closeAtEnd`).
    static func parse(_ text: String, piece: Int = .max, method: String = "GET", closeAtEnd: Bool = false) throws -> HTTPResponseParser {
        var parser = HTTPResponseParser(requestMethod: method)
        let bytes = Array(text.utf8)
        var offset = 0
        var complete = false
        while offset < bytes.count {
            let end = min(bytes.count, offset + max(1, min(piece, bytes.count)))
            complete = try bytes[offset..<end].withUnsafeBytes { raw in try parser.consume(raw) }
            offset = end
        }
        if closeAtEnd || !complete { try parser.finishAtEndOfStream() }
        return parser
    }

    static let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n4;x=y\r\n[1,2\r\nA\r\n,3,4,5,6,7\r\n1\r\n]\r\n0\r\nTrailer: t\r\n\r\n"

    @Test func contentLengthBodyInEverySplit() throws {
        let text = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-A: 1\r\nx-a: 2\r\n\r\n{\"a\":[1,2]}"
        for piece in 1...text.utf8.count {
            let parser = try Self.parse(text, piece: piece)
            #expect(parser.isComplete && parser.status == 200 && parser.keepAlive)
            #expect(String(decoding: parser.body, as: UTF8.self) == #"{"a":[1,2]}"#)
            #expect(parser.headers["x-a"] == "1, 2")
        }
    }

    @Test func chunkedBodyInEverySplit() throws {
        for piece in 1...Self.chunked.utf8.count {
            let parser = try Self.parse(Self.chunked, piece: piece)
            #expect(parser.isComplete)
            #expect(String(decoding: parser.body, as: UTF8.self) == "[1,2,3,4,5,6,7]")
        }
    }

    @Test func closeDelimitedBodyEndsAtEndOfStream() throws {
        let parser = try Self.parse("HTTP/1.0 200 OK\nContent-Type: text/plain\n\nhello", piece: 3, closeAtEnd: true)
        #expect(parser.body == Array("hello".utf8))
        #expect(!parser.keepAlive)
    }

    @Test func interimResponsesAreSkipped() throws {
        let parser = try Self.parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        #expect(parser.status == 404 && !parser.keepAlive && parser.body == Array("{}".utf8))
    }

    @Test func noBodyForHeadAnd204() throws {
        #expect(try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n", method: "HEAD").isComplete)
        #expect(try Self.parse("HTTP/1.1 204 No Content\r\n\r\n").isComplete)
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345", "connection closed after 5 of 10 body bytes"),
        ("", "connection closed before any response"),
        ("HTTP/1.1 200 OK\r\nContent-Le", "connection closed inside the response head"),
        ("SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP/1.x response: \"SSH-2.0-OpenSSH\""),
        ("HTTP/1.1 2x0 OK\r\n\r\n", "bad status code in \"HTTP/1.1 2x0 OK\""),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n", "bad Content-Length \"3, 4\""),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length \"-1\""),
        ("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed header line \"no colon here\""),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "unsupported transfer coding \"gzip\""),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size line \"zz\""),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc", "connection closed inside a chunked body after 3 bytes"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}garbage", "unexpected bytes after the response"),
        ("HTTP/1.1 200 OK\r\nX: \u{1B}[31m\r\nContent-Length: 0\r\n\r\n\u{1B}]0;t\u{07}", "unexpected bytes after the response"),
    ])
    func badResponsesAreNamed(text: String, reason: String) {
        #expect(throws: HTTPResponseParser.Failure(reason: reason)) { _ = try Self.parse(text) }
    }

    @Test func hugeContentLengthIsRefusedBeforeReading() {
        #expect(throws: HTTPResponseParser.Failure(reason: "response body larger than 16 MiB", isTooLarge: true)) {
            _ = try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n")
        }
        // 16 MiB + 1 announced: refused; a chunked body passing the limit: refused as it arrives.
        #expect(throws: HTTPResponseParser.Failure(reason: "response body larger than 16 MiB", isTooLarge: true)) {
            _ = try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: \(16 * 1024 * 1024 + 1)\r\n\r\n")
        }
        let chunk = String(repeating: "x", count: 1 << 20)
        let endless = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "100000\r\n\(chunk)\r\n", count: 17)
        #expect(throws: HTTPResponseParser.Failure(reason: "response body larger than 16 MiB", isTooLarge: true)) {
            _ = try Self.parse(endless, piece: 1 << 16)
        }
    }

    @Test func headerValuesEchoedInErrorsAreMadePrintable() {
        #expect(throws: HTTPResponseParser.Failure(reason: "unsupported transfer coding \"?[2J?]52;c;cHduZWQ=?\"")) {
            _ = try Self.parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: \u{1B}[2J\u{1B}]52;c;cHduZWQ=\u{07}\r\n\r\n")
        }
        #expect(throws: HTTPResponseParser.Failure(reason: "bad Content-Length \"??[31m\"")) {
            _ = try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: \u{9B}[31m\r\n\r\n")
        }
    }

    @Test func endlessHeadIsRefused() {
        let text = "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Pad: aaaaaaaaaaaaaaaa\r\n", count: 4000)
        #expect(throws: HTTPResponseParser.Failure(reason: "response head larger than 64 KiB")) { _ = try Self.parse(text, piece: 1000) }
    }
}
