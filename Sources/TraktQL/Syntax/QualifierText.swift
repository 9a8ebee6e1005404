/// The UTF-8 bytes of one qualifier (or `let`/`set` value) word, for the parser to split
/// without walking `Character`s.
///
/// The parser's delimiters (`:` `,` `"` `\` `..` `$` `<` `>` `=` `-`) are ASCII, but the
/// grammar was defined over `Character`s: a delimiter followed by a combining mark is not a
/// delimiter. ``isCharacter(_:_:)`` keeps that meaning: for a word that is not all ASCII it
/// consults the word's grapheme boundaries, so both readings split every word the same way.
struct QualifierText {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Where the word starts in the source.
    private let origin: SourceLocation
    /// ASCII without newlines: a byte offset is a column offset.
    private let isSimple: Bool
    /// For a word that is not all ASCII: whether each byte offset starts a `Character`.
    private let boundaries: [Bool]?

    init(_ bytes: UnsafeBufferPointer<UInt8>, token: Token) {
        self.bytes = bytes
        self.origin = token.span.start
        var ascii = true
        var newline = false
        for byte in bytes {
            if byte >= 0x80 { ascii = false }
            if byte == UInt8(ascii: "\n") { newline = true }
        }
        isSimple = ascii && !newline
        if ascii {
            boundaries = nil
        } else {
            var marks = [Bool](repeating: false, count: bytes.count + 1)
            let text = token.text
            for index in text.indices { marks[text.utf8.distance(from: text.startIndex, to: index)] = true }
            marks[bytes.count] = true
            boundaries = marks
        }
    }

    /// Whether the `Character` at byte offset `i` is exactly the ASCII character `c`.
    @inline(__always)
    func isCharacter(_ i: Int, _ c: Unicode.Scalar) -> Bool {
        guard i < bytes.count, bytes[i] == UInt8(ascii: c) else { return false }
        guard let boundaries else { return true }
        return boundaries[i] && boundaries[i + 1]
    }

    /// The first `Character` `c` in `range`.
    func firstCharacter(_ c: Unicode.Scalar, in range: Range<Int>) -> Int? {
        range.first { isCharacter($0, c) }
    }

    /// The first `..` in `range` (two consecutive `.` characters).
    func firstDoubleDot(in range: Range<Int>) -> Range<Int>? {
        var previousWasDot = false
        for i in range {
            if isCharacter(i, ".") {
                if previousWasDot { return (i - 1)..<(i + 1) }
                previousWasDot = true
            } else {
                previousWasDot = false
            }
        }
        return nil
    }

    /// The comparison operator `range` starts with, longest first (`>=` before `>`).
    func comparisonPrefix(in range: Range<Int>) -> ComparisonOperator? {
        let start = range.lowerBound
        let secondIsEqual = start + 1 < range.upperBound && isCharacter(start + 1, "=")
        if isCharacter(start, ">") { return secondIsEqual ? .greaterEqual : .greater }
        if isCharacter(start, "<") { return secondIsEqual ? .lessEqual : .less }
        return nil
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// The source span of `range`; columns count scalars, as the lexer's do.
    func span(_ range: Range<Int>) -> SourceSpan {
        if isSimple {
            return SourceSpan(start: location(simple: range.lowerBound), end: location(simple: range.upperBound))
        }
        var location = origin
        var start = location
        for offset in 0..<range.upperBound {
            if offset == range.lowerBound { start = location }
            let byte = bytes[offset]
            location.offset += 1
            if byte == UInt8(ascii: "\n") {
                location.line += 1
                location.column = 1
            } else if byte & 0xC0 != 0x80 {
                location.column += 1
            }
        }
        if range.lowerBound == range.upperBound { start = location }
        return SourceSpan(start: start, end: location)
    }

    private func location(simple offset: Int) -> SourceLocation {
        SourceLocation(line: origin.line, column: origin.column + offset, offset: origin.offset + offset)
    }
}
