import Testing
@testable import TraktQL

/// `Projection.parse(_:reusing:)`: what a projection keeps of one JSON text, equal to the
/// projection applied to the whole parse, with the whole parse's errors, whatever parser the
/// previous text left.
@Suite struct ProjectionParsingTests {
    static let episode = #"{"season":2,"number":7,"title":"Pretty Much Dead Already","ids":{"trakt":100018,"tvdb":4000245,"imdb":null},"# +
        #""overview":"Esc\u00e9 \"quoted\" \ud83d\ude00","translations":["en","de"],"rating":8.25,"runtime":42}"#

    static let projections: [Projection] = [
        .nothing,
        Projection(whole: false, children: [("season", .everything), ("number", .everything)]),
        Projection(whole: false, children: [("title", .everything), ("ids", Projection(whole: false, children: [("trakt", .everything)]))]),
        Projection(whole: false, children: [("missing", .everything), ("translations", .everything)]),
    ]

    static let texts: [String] = [
        episode,
        "  " + episode + "\n",
        "\u{FEFF}" + episode,  // a byte-order mark: the whole reader's path
        #"[{"season":1},{"season":2,"x":3}]"#,
        "42",
        #"{"a":1} {"b":2}"#,  // trailing garbage
        #"{"season":1,"title":"unterminated}"#,
        #"{"season":01}"#,
        "",
        #"{"title":"\ud800"}"#,  // a lone surrogate
    ]

    @Test func equalsTheProjectionOfTheWholeParseWithTheSameErrors() {
        var parser: ProjectingParser?
        for projection in Self.projections {
            for text in Self.texts {
                let whole: Result<Value, JSONParseError> = Result { () throws(JSONParseError) in projection.apply(try JSONReader.parse(text)) }
                let projected: Result<Value, JSONParseError> = Result { () throws(JSONParseError) in try projection.parse(text, reusing: &parser) }
                #expect(projected == whole, "\(projection) over \(text.debugDescription)")
            }
        }
        // The texts that parse were read by the projecting parser itself (it was kept).
        #expect(parser != nil)
    }

    @Test func buildsOnlyWhatItKeeps() throws {
        var parser: ProjectingParser?
        let keep = Projection(whole: false, children: [("season", .everything), ("ids", Projection(whole: false, children: [("trakt", .everything)]))])
        let value = try keep.parse(Self.episode, reusing: &parser)
        #expect(value == .object([("season", .int(2)), ("ids", .object([("trakt", .int(100018))]))]))
        #expect(try Projection.nothing.parse(Self.episode, reusing: &parser) == .object([]))
    }
}
