/// Why the projecting parser stopped: the window ended before the value did (read more and
/// retry from the last safe point), or the input is malformed.
enum StreamFault: Error {
    case needMore
    case syntax(JSONParseError)
}

/// A strict JSON parser over one window of a larger input, with three ways to read a value:
/// build it (``parseValue(depth:)``), build only the members a ``Projection`` names
/// (``projectValue(_:depth:)``), or check it without building anything (``skipValue(depth:)``).
///
/// It accepts and rejects exactly what ``JSONReader`` does, with the same messages at the same
/// byte offsets: the checks are the same (escapes, surrogate pairs, raw control characters,
/// UTF-8 well-formedness, number grammar and range, nesting depth), made in the same order.
///
/// The window `p[0..<count]` holds input bytes `base..<base+count`. When it ends inside a value
/// and more input may follow (`final == false`), the parser throws ``StreamFault/needMore``
/// instead of an "unexpected end" error; the caller refills and retries from a point it saved.
/// Every read of `p[k]` is preceded by a check `k < count`, so it never reads out of bounds.
struct ProjectingParser {
    private(set) var p: UnsafePointer<UInt8>
    private(set) var count: Int
    private(set) var base: Int
    private(set) var final: Bool
    let maxDepth: Int
    var i = 0
    /// Containers are built on these stacks, each from its own part. Each starts with one
    /// placeholder that no container owns: `Array(stack[k...])` hands back the stack's own
    /// buffer when the part is the whole stack (k = 0), so the stack would lose it (a new one
    /// on the next push) and the value would hold the stack's spare capacity.
    private var memberStack: [(key: String, value: Value)] = [(key: "", value: .null)]
    private var elementStack: [Value] = [.null]
    var strings = ShortStringCache()

    init(base p: UnsafePointer<UInt8>, count: Int, offset: Int, final: Bool, maxDepth: Int) {
        self.p = p
        self.count = count
        self.base = offset
        self.final = final
        self.maxDepth = max(1, maxDepth)
    }

    /// Moves to a new window, keeping the caches and the stacks' buffers.
    mutating func rebase(_ p: UnsafePointer<UInt8>, count: Int, offset: Int, final: Bool) {
        // In place: a new parser would first build its own caches and stacks (the string
        // cache alone is 10 KB) only to drop them for the old ones, once per window or object.
        // The stacks are empty between units (each container drops its part, even when it
        // throws), and keeping their buffers spares a regrowth per window.
        self.p = p
        self.count = count
        self.base = offset
        self.final = final
        self.i = 0
    }

    // MARK: errors

    @inline(__always) func fail(_ message: String) -> StreamFault {
        .syntax(JSONParseError(offset: base + min(i, count), message: message))
    }

    @inline(__always) func fail(at k: Int, _ message: String) -> StreamFault {
        .syntax(JSONParseError(offset: base + k, message: message))
    }

    /// The window ended: more input, or the end of the input (JSONReader's offset is its length).
    @inline(__always) func end(_ message: String) -> StreamFault {
        final ? .syntax(JSONParseError(offset: base + count, message: message)) : .needMore
    }

    func describe(_ b: UInt8) -> String { JSONBytes.describe(b) }

    // MARK: whitespace and tokens

    @inline(__always) static func isWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
    }

    @inline(__always) mutating func skipWhitespace() {
        while i < count, Self.isWhitespace(p[i]) { i += 1 }
    }

    /// The next byte after whitespace, or needMore / nil at the end of the input.
    @inline(__always) mutating func peekAfterWhitespace() throws(StreamFault) -> UInt8? {
        skipWhitespace()
        if i < count { return p[i] }
        if final { return nil }
        throw .needMore
    }

    // MARK: values (built whole)

    /// The value dispatch, the unescaped-string scan and the container loops are written again
    /// here rather than shared with ``JSONReader``: they are the hot loop of both readers, and
    /// this copy differs at every step (a window that may end with more to come, offsets from
    /// `base`, a projection to follow), so a shared version would need a branch or a generic
    /// parameter on every byte. The parts off the hot path (escapes, `\u`, UTF-8 validation,
    /// number grammar) are shared in ``JSONBytes``; the differential tests (StreamingReaderTests)
    /// keep the two in step.
    mutating func parseValue(depth: Int) throws(StreamFault) -> Value {
        skipWhitespace()
        guard i < count else { throw end("unexpected end of input, expected a value") }
        switch p[i] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case let b: throw fail("unexpected \(describe(b)), expected a value")
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws(StreamFault) {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        for k in 0..<n {
            guard i + k < count else { throw end("unexpected end of input in '\(word)'") }
            guard p[i + k] == w[k] else { throw fail(at: i + k, "invalid literal, expected '\(word)'") }
        }
        i += n
    }

    private mutating func parseObject(depth: Int) throws(StreamFault) -> Value {
        if try openContainer(closedBy: UInt8(ascii: "}"), depth: depth) { return .object([]) }
        let stackBase = memberStack.count
        defer { memberStack.removeSubrange(stackBase...) }
        while true {
            let key = try parseKey()
            let value = try parseValue(depth: depth)
            memberStack.append((key: key, value: value))
            if try endOfMember() { return .object(Array(memberStack[stackBase...])) }
        }
    }

    private mutating func parseArray(depth: Int) throws(StreamFault) -> Value {
        if try openContainer(closedBy: UInt8(ascii: "]"), depth: depth) { return .array([]) }
        let stackBase = elementStack.count
        defer { elementStack.removeSubrange(stackBase...) }
        while true {
            let element = try parseValue(depth: depth)
            elementStack.append(element)
            if try endOfElement() { return .array(Array(elementStack[stackBase...])) }
        }
    }

    /// Whitespace, a string key, whitespace, ':'. Leaves `i` after the colon.
    mutating func parseKey() throws(StreamFault) -> String {
        try expectKeyStart()
        let key = try parseString()
        try expectColon()
        return key
    }

    @inline(__always) mutating func expectKeyStart() throws(StreamFault) {
        skipWhitespace()
        guard i < count else { throw end("unexpected end of input in an object, expected a key") }
        guard p[i] == UInt8(ascii: "\"") else { throw fail("unexpected \(describe(p[i])), expected a string key") }
    }

    @inline(__always) mutating func expectColon() throws(StreamFault) {
        skipWhitespace()
        guard i < count else { throw end("unexpected end of input, expected ':'") }
        guard p[i] == UInt8(ascii: ":") else { throw fail("unexpected \(describe(p[i])), expected ':'") }
        i += 1
    }

    /// After a member: `,` (false: another member follows) or `}` (true).
    @inline(__always) mutating func endOfMember() throws(StreamFault) -> Bool {
        try endOfEntry(closedBy: UInt8(ascii: "}"), in: "an object")
    }

    /// After an element: `,` (false) or `]` (true).
    @inline(__always) mutating func endOfElement() throws(StreamFault) -> Bool {
        try endOfEntry(closedBy: UInt8(ascii: "]"), in: "an array")
    }

    @inline(__always) private mutating func endOfEntry(closedBy close: UInt8, in container: StaticString) throws(StreamFault) -> Bool {
        skipWhitespace()
        guard i < count else { throw end("unexpected end of input in \(container), expected ',' or '\(Character(UnicodeScalar(close)))'") }
        switch p[i] {
        case UInt8(ascii: ","): i += 1; return false
        case close: i += 1; return true
        case let b: throw fail("unexpected \(describe(b)) in \(container), expected ',' or '\(Character(UnicodeScalar(close)))'")
        }
    }

    /// Steps over the `{` or `[` at `i`; true when `close` follows at once (an empty container).
    @inline(__always) private mutating func openContainer(closedBy close: UInt8, depth: Int) throws(StreamFault) -> Bool {
        if depth > maxDepth { throw fail("nesting deeper than \(maxDepth) levels") }
        i += 1
        skipWhitespace()
        guard i < count, p[i] == close else { return false }
        i += 1
        return true
    }

    // MARK: values (projected)

    /// Builds what `projection` keeps of the value at `i`, checks the rest.
    mutating func projectValue(_ projection: Projection, depth: Int) throws(StreamFault) -> Value {
        if projection.whole { return try parseValue(depth: depth) }
        skipWhitespace()
        guard i < count else { throw end("unexpected end of input, expected a value") }
        switch p[i] {
        case UInt8(ascii: "{"): return try projectObject(projection, depth: depth + 1)
        case UInt8(ascii: "["): return try projectArray(projection, depth: depth + 1)
        default: return try parseValue(depth: depth)  // scalars are kept whole
        }
    }

    /// An object whose `{` is at `i`, keeping the members `projection` lists.
    mutating func projectObject(_ projection: Projection, depth: Int) throws(StreamFault) -> Value {
        if try openContainer(closedBy: UInt8(ascii: "}"), depth: depth) { return .object([]) }
        // Kept members go straight into the object's own array (not the stack): few are kept,
        // and the array needs no copy at the end. Most objects keep none and allocate nothing.
        var members: [(key: String, value: Value)] = []
        while true {
            try expectKeyStart()
            let wanted = try matchKey(projection)
            try expectColon()
            if let wanted {
                let child = projection.children[wanted]
                let value = try projectValue(child.node, depth: depth)
                if members.isEmpty { members.reserveCapacity(projection.children.count) }
                members.append((key: child.key, value: value))
            } else {
                try skipValue(depth: depth)
            }
            if try endOfMember() { return .object(members) }
        }
    }

    private mutating func projectArray(_ projection: Projection, depth: Int) throws(StreamFault) -> Value {
        if try openContainer(closedBy: UInt8(ascii: "]"), depth: depth) { return .array([]) }
        let stackBase = elementStack.count
        defer { elementStack.removeSubrange(stackBase...) }
        while true {
            let element = try projectValue(projection, depth: depth)
            elementStack.append(element)
            if try endOfElement() { return .array(Array(elementStack[stackBase...])) }
        }
    }

    /// Reads the key string at `i` (its `"`), checking it, and returns the index of the
    /// projection child it names. Plain ASCII keys are compared as bytes, never built.
    private mutating func matchKey(_ projection: Projection) throws(StreamFault) -> Int? {
        let start = i + 1
        let (end, escaped, high) = try scanString(from: start)
        if escaped || high {
            // Rare: decode (checking as parseString does) and compare the text.
            let key = try parseString()
            return projection.children.firstIndex { $0.key == key }
        }
        i = end + 1
        let length = end - start
        if projection.lengthMask & Projection.lengthBit(length) == 0 { return nil }
        // The key's first (up to) eight bytes as a little-endian word, zero-padded.
        var word: UInt64 = 0
        let head = min(length, 8)
        #if _endian(little)
        if count - start >= 8 {
            word = UnsafeRawPointer(p + start).loadUnaligned(as: UInt64.self)
            if head < 8 { word &= (1 << UInt64(head * 8)) &- 1 }
        } else {
            for m in 0..<head { word |= UInt64(p[start + m]) << UInt64(8 * m) }
        }
        #else
        for m in 0..<head { word |= UInt64(p[start + m]) << UInt64(8 * m) }
        #endif
        let lengths = projection.keyLengths, words = projection.keyWords
        for n in 0..<lengths.count where lengths[n] == length && words[n] == word {
            if length <= 8 { return n }
            let same = projection.keyBytes[n].withUnsafeBufferPointer { k -> Bool in
                for m in 8..<length where k[m] != p[start + m] { return false }
                return true
            }
            if same { return n }
        }
        return nil
    }

    // MARK: values (checked only)

    /// Checks the value at `i` as ``parseValue(depth:)`` would, building nothing.
    mutating func skipValue(depth: Int) throws(StreamFault) {
        skipWhitespace()
        guard i < count else { throw end("unexpected end of input, expected a value") }
        switch p[i] {
        case UInt8(ascii: "\""):
            let start = i + 1
            let (end, escaped, high) = try scanString(from: start)
            if escaped {
                _ = try parseString()  // rare: full escape checks
            } else {
                if high { try validateUTF8(from: start, to: end) }
                i = end + 1
            }
        case UInt8(ascii: "{"):
            let depth = depth + 1
            if try openContainer(closedBy: UInt8(ascii: "}"), depth: depth) { return }
            while true {
                try expectKeyStart()
                try skipValue(depth: depth - 1)  // the key: a string (depth unused)
                try expectColon()
                try skipValue(depth: depth)
                if try endOfMember() { return }
            }
        case UInt8(ascii: "["):
            let depth = depth + 1
            if try openContainer(closedBy: UInt8(ascii: "]"), depth: depth) { return }
            while true {
                try skipValue(depth: depth)
                if try endOfElement() { return }
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try parseNumber()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case let b: throw fail("unexpected \(describe(b)), expected a value")
        }
    }

    // MARK: strings

    /// Finds the closing quote of the string whose content starts at `start`, checking raw
    /// control characters before it. Returns the quote's index, whether a `\` occurred (the
    /// scan stops there: the caller decodes) and whether a byte ≥ 0x80 occurred.
    @inline(__always)
    private func scanString(from start: Int) throws(StreamFault) -> (end: Int, escaped: Bool, high: Bool) {
        var j = start
        var highBits: UInt64 = 0
        #if _endian(little)
        let raw = UnsafeRawPointer(p)
        while j + 8 <= count {
            let x = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let q = x ^ (ones &* 0x22)
            let b = x ^ (ones &* 0x5C)
            let hasQuote = (q &- ones) & ~q
            let hasBackslash = (b &- ones) & ~b
            let hasControl = (x &- ones &* 0x20) & ~x
            let mask = (hasQuote | hasBackslash | hasControl) & highs
            if mask != 0 {
                let position = mask.trailingZeroBitCount >> 3
                highBits |= x & ((1 << UInt64(position * 8)) &- 1)
                j += position
                break
            }
            highBits |= x
            j += 8
        }
        #endif
        var high = highBits & 0x8080_8080_8080_8080 != 0
        while j < count {
            let c = p[j]
            if c == UInt8(ascii: "\"") { return (j, false, high) }
            if c == UInt8(ascii: "\\") { return (j, true, high) }
            if c < 0x20 { throw fail(at: j, "raw control character \(describe(c)) in a string (must be escaped)") }
            if c >= 0x80 { high = true }
            j += 1
        }
        throw end("unexpected end of input in a string")
    }

    mutating func parseString() throws(StreamFault) -> String {
        let start = i + 1
        let (j, escaped, high) = try scanString(from: start)
        if escaped { return try parseEscapedString(start: start, firstEscape: j, asciiSoFar: !high) }
        i = j + 1
        if !high { return strings.string(p + start, length: j - start, readable: count - start) }
        try validateUTF8(from: start, to: j)
        return String(decoding: UnsafeBufferPointer(start: p + start, count: j - start), as: UTF8.self)
    }

    private mutating func parseEscapedString(start: Int, firstEscape: Int, asciiSoFar: Bool) throws(StreamFault) -> String {
        switch JSONBytes.decodeEscapedString(p, count: count, start: start, firstEscape: firstEscape, asciiSoFar: asciiSoFar) {
        case .decoded(let text, let next):
            i = next
            return text
        case .malformed(let failure):
            throw fail(at: failure.offset, failure.message)
        case .endOfInput(let failure):
            // The window ended: more input may follow; if not, JSONReader's error.
            if !final { throw .needMore }
            throw fail(at: failure.offset, failure.message)
        }
    }

    /// RFC 3629 well-formedness of the raw bytes `p[from..<to]` (see ``JSONBytes``).
    private func validateUTF8(from: Int, to end: Int) throws(StreamFault) {
        if let failure = JSONBytes.validateUTF8(p, from: from, to: end) { throw fail(at: failure.offset, failure.message) }
    }

    // MARK: numbers

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    mutating func parseNumber() throws(StreamFault) -> Value {
        let (count, base, final) = (self.count, self.base, self.final)
        return try JSONBytes.number(
            p, count: count, at: &i,
            atEnd: { (message: String) -> StreamFault in
                final ? .syntax(JSONParseError(offset: base + count, message: message)) : .needMore
            },
            invalid: { (offset: Int, message: String) -> StreamFault in
                .syntax(JSONParseError(offset: base + min(offset, count), message: message))
            },
            touchingEnd: final ? nil : StreamFault.needMore)
    }
}
