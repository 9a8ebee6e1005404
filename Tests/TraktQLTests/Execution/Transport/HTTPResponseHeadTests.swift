import Foundation
import Testing
@testable import TraktQL

/// Header lines as an HTTP library hands them over, one at a time.
@Suite("HTTPResponseHead")
struct HTTPResponseHeadTests {
    static func read(_ lines: [String]) -> HTTPResponseHead {
        var head = HTTPResponseHead()
        for line in lines { head.consume(line: Array(line.utf8)) }
        return head
    }

    @Test func readsStatusNamesAndLength() {
        let head = Self.read(["HTTP/1.1 200 OK\r\n", "Content-Type: application/json\r\n", "X-Pagination-Page-Count:  7 \r\n",
                              "Content-Length: 42\r\n", "\r\n"])
        #expect(head.status == 200)
        #expect(head.headers == ["content-type": "application/json", "x-pagination-page-count": "7", "content-length": "42"])
        #expect(head.contentLength == 42)
        #expect(head.isComplete)
    }

    /// A proxy's `200 Connection established` or a `100 Continue` comes first: only the final
    /// answer's fields count.
    @Test func aNewStatusLineStartsAFreshHead() {
        let head = Self.read(["HTTP/1.1 100 Continue\r\n", "X-Interim: 1\r\n", "\r\n", "HTTP/2 404 \r\n", "content-length: 0\r\n", "\r\n"])
        #expect(head.status == 404)
        #expect(head.headers == ["content-length": "0"])
    }

    @Test func repeatedFieldsJoinAndFoldedLinesContinue() {
        let head = Self.read(["HTTP/1.1 200 OK", "Vary: Accept", "vary: Authorization", "X-Long: one", " two\t", "\r\n"])
        #expect(head.headers["vary"] == "Accept, Authorization")
        #expect(head.headers["x-long"] == "one two")
    }

    @Test func badLinesAndLengthsAreIgnoredNotTrapped() {
        let head = Self.read(["HTTP/1.1 2000 Huge", "no colon here", ": empty name", "Bad Name: x", "Content-Length: 99999999999999999999",
                              "X-Nul: a\u{0}b", "\u{FF}bad: y"])
        #expect(head.status == nil)
        #expect(head.contentLength == nil)
        #expect(head.headers["x-nul"] == "ab")
        #expect(head.headers.keys.allSatisfy { !$0.contains(" ") && !$0.isEmpty })
        #expect(HTTPResponseHead.length("5, 5") == 5)
        #expect(HTTPResponseHead.length("5, 6") == nil)
        #expect(HTTPResponseHead.length("-1") == nil)
        #expect(HTTPResponseHead.length("+5") == nil)
    }
}
