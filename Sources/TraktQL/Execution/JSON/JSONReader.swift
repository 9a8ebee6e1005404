import Foundation

/// Where and why a JSON text could not be read.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset into the input (equal to the input's length for "unexpected end").
    public let offset: Int
    public let message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "JSON error at byte \(offset): \(message)" }
}

/// A strict RFC 8259 reader from bytes to ``Value``, written by hand for speed (Foundation's
/// decoders manage 9–35 MB/s on untyped data; this one several times that).
///
/// - Strings: all escapes, surrogate pairs joined; a lone surrogate, a raw control character
///   or invalid UTF-8 is an error (the API never sends them, and a strict reader is fuzzable).
/// - Numbers: written without fraction or exponent and within `Int64` → ``Value/int(_:)``;
///   otherwise ``Value/double(_:)`` (so `1.0` stays a double); a number beyond `Double` range
///   (`1e400`) is an error rather than infinity.
/// - Nesting deeper than `maxDepth` (default 512) is an error, so the recursion stays bounded.
/// - A leading UTF-8 byte-order mark is skipped (RFC 8259 §8.1 allows ignoring it).
/// - Object members keep their order; duplicate keys are all kept (lookups find the first).
///
/// It never traps: every input either parses or throws ``JSONParseError``.
public enum JSONReader {
    public static let defaultMaxDepth = 512

    public static func parse(_ data: Data, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> Value {
        try data.withUnsafeBytes { raw in parseResult(raw, maxDepth: maxDepth) }.get()
    }

    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> Value {
        try bytes.withUnsafeBytes { raw in parseResult(raw, maxDepth: maxDepth) }.get()
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> Value {
        var text = text
        return try text.withUTF8 { buffer in parseResult(UnsafeRawBufferPointer(buffer), maxDepth: maxDepth) }.get()
    }

    public static func parse(_ buffer: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> Value {
        try parseResult(buffer, maxDepth: maxDepth).get()
    }

    /// Several JSON texts, each starting on a new line (NDJSON / JSON Lines). Blank lines are
    /// skipped; two values on one line are an error.
    public static func parseLines(_ data: Data, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> [Value] {
        try data.withUnsafeBytes { raw -> Result<[Value], JSONParseError> in
            guard let base = raw.baseAddress, raw.count > 0 else { return .success([]) }
            var parser = JSONByteParser(base: base.assumingMemoryBound(to: UInt8.self), count: raw.count, maxDepth: maxDepth)
            do throws(JSONParseError) { return .success(try parser.parseLines()) } catch { return .failure(error) }
        }.get()
    }

    static func parseResult(_ raw: UnsafeRawBufferPointer, maxDepth: Int) -> Result<Value, JSONParseError> {
        guard let base = raw.baseAddress, raw.count > 0 else {
            return .failure(JSONParseError(offset: 0, message: "empty input, expected a JSON value"))
        }
        var parser = JSONByteParser(base: base.assumingMemoryBound(to: UInt8.self), count: raw.count, maxDepth: maxDepth)
        do throws(JSONParseError) { return .success(try parser.parseDocument()) } catch { return .failure(error) }
    }
}

/// The cursor. `p[i]` is only read after checking `i < count`.
struct JSONByteParser {
    let p: UnsafePointer<UInt8>
    let count: Int
    let maxDepth: Int
    var i = 0
    /// Members and elements of the containers being read, shared by all nesting levels, so that
    /// each finished container is copied out once at its exact size instead of growing.
    /// Containers are built on these stacks, each from its own part. Each starts with one
    /// placeholder that no container owns: `Array(stack[k...])` hands back the stack's own
    /// buffer when the part is the whole stack (k = 0), so the stack would lose it (a new one
    /// on the next push) and the value would hold the stack's spare capacity.
    private var memberStack: [(key: String, value: Value)] = [(key: "", value: .null)]
    private var elementStack: [Value] = [.null]
    private var strings = ShortStringCache()

    init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        self.p = base
        self.count = count
        self.maxDepth = max(1, maxDepth)
    }

    // MARK: documents

    mutating func parseDocument() throws(JSONParseError) -> Value {
        skipBOM()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if i < count { throw error("unexpected \(describe(p[i])) after the JSON value") }
        return value
    }

    mutating func parseLines() throws(JSONParseError) -> [Value] {
        skipBOM()
        var values: [Value] = []
        skipWhitespace()
        while i < count {
            values.append(try parseValue(depth: 0))
            var sawNewline = false
            while i < count, isWhitespace(p[i]) {
                if p[i] == 0x0A { sawNewline = true }
                i += 1
            }
            if i < count, !sawNewline { throw error("expected a newline after a JSON value, found \(describe(p[i]))") }
        }
        return values
    }

    private mutating func skipBOM() {
        if count >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { i = 3 }
    }

    // MARK: values

    @inline(__always) private func isWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
    }

    @inline(__always) private mutating func skipWhitespace() {
        while i < count, isWhitespace(p[i]) { i += 1 }
    }

    /// The value dispatch, the unescaped-string scan and the container loops are written again
    /// in the streaming `ProjectingParser` rather than shared: they are the hot loop of both
    /// readers, and that copy differs at every step (a window that may end with more to come,
    /// offsets from its base, a projection to follow). The parts off the hot path (escapes,
    /// `\u`, UTF-8 validation, number grammar) are shared in ``JSONBytes``, and the differential
    /// tests (StreamingReaderTests) keep the two in step.
    private mutating func parseValue(depth: Int) throws(JSONParseError) -> Value {
        skipWhitespace()
        guard i < count else { throw error("unexpected end of input, expected a value") }
        switch p[i] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case let b: throw error("unexpected \(describe(b)), expected a value")
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        for k in 0..<n {
            guard i + k < count else { throw JSONParseError(offset: count, message: "unexpected end of input in '\(word)'") }
            guard p[i + k] == w[k] else { throw JSONParseError(offset: i + k, message: "invalid literal, expected '\(word)'") }
        }
        i += n
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> Value {
        if depth > maxDepth { throw error("nesting deeper than \(maxDepth) levels") }
        i += 1  // {
        skipWhitespace()
        if i < count, p[i] == UInt8(ascii: "}") { i += 1; return .object([]) }
        let base = memberStack.count
        defer { memberStack.removeSubrange(base...) }
        while true {
            skipWhitespace()
            guard i < count else { throw error("unexpected end of input in an object, expected a key") }
            guard p[i] == UInt8(ascii: "\"") else { throw error("unexpected \(describe(p[i])), expected a string key") }
            let key = try parseString()
            skipWhitespace()
            guard i < count else { throw error("unexpected end of input, expected ':'") }
            guard p[i] == UInt8(ascii: ":") else { throw error("unexpected \(describe(p[i])), expected ':'") }
            i += 1
            let value = try parseValue(depth: depth)
            memberStack.append((key: key, value: value))
            skipWhitespace()
            guard i < count else { throw error("unexpected end of input in an object, expected ',' or '}'") }
            switch p[i] {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "}"): i += 1; return .object(Array(memberStack[base...]))
            case let b: throw error("unexpected \(describe(b)) in an object, expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> Value {
        if depth > maxDepth { throw error("nesting deeper than \(maxDepth) levels") }
        i += 1  // [
        skipWhitespace()
        if i < count, p[i] == UInt8(ascii: "]") { i += 1; return .array([]) }
        let base = elementStack.count
        defer { elementStack.removeSubrange(base...) }
        while true {
            let element = try parseValue(depth: depth)
            elementStack.append(element)
            skipWhitespace()
            guard i < count else { throw error("unexpected end of input in an array, expected ',' or ']'") }
            switch p[i] {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "]"): i += 1; return .array(Array(elementStack[base...]))
            case let b: throw error("unexpected \(describe(b)) in an array, expected ',' or ']'")
            }
        }
    }

    // MARK: strings

    private mutating func parseString() throws(JSONParseError) -> String {
        let start = i + 1
        var j = start
        var ascii = true
        while j < count {
            let b = p[j]
            if b == UInt8(ascii: "\"") {
                i = j + 1
                if ascii { return strings.string(p + start, length: j - start, readable: count - start) }
                try validateUTF8(from: start, to: j)
                return String(decoding: UnsafeBufferPointer(start: p + start, count: j - start), as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") { return try parseEscapedString(start: start, firstEscape: j, asciiSoFar: ascii) }
            if b < 0x20 { throw JSONParseError(offset: j, message: "raw control character \(describe(b)) in a string (must be escaped)") }
            if b >= 0x80 { ascii = false }
            j += 1
        }
        throw JSONParseError(offset: count, message: "unexpected end of input in a string")
    }

    /// `asciiSoFar`: whether the bytes before the first escape were all ASCII; if not, the whole
    /// string is validated as UTF-8 at its end like any other non-ASCII string.
    private mutating func parseEscapedString(start: Int, firstEscape: Int, asciiSoFar: Bool) throws(JSONParseError) -> String {
        switch JSONBytes.decodeEscapedString(p, count: count, start: start, firstEscape: firstEscape, asciiSoFar: asciiSoFar) {
        case .decoded(let text, let next):
            i = next
            return text
        case .malformed(let failure), .endOfInput(let failure):
            throw JSONParseError(offset: failure.offset, message: failure.message)
        }
    }

    /// RFC 3629 well-formedness of the raw bytes `p[from..<to]` (no overlongs, no surrogates,
    /// nothing above U+10FFFF). Escapes are ASCII, so checking the raw input is enough.

    /// RFC 3629 well-formedness of the raw bytes `p[from..<to]` (see ``JSONBytes``).
    private func validateUTF8(from: Int, to end: Int) throws(JSONParseError) {
        if let failure = JSONBytes.validateUTF8(p, from: from, to: end) { throw JSONParseError(offset: failure.offset, message: failure.message) }
    }
    // MARK: numbers


    private mutating func parseNumber() throws(JSONParseError) -> Value {
        let count = self.count
        return try JSONBytes.number(
            p, count: count, at: &i,
            atEnd: { JSONParseError(offset: count, message: $0) },
            invalid: { JSONParseError(offset: min($0, count), message: $1) },
            touchingEnd: nil)
    }

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    // MARK: errors

    private func error(_ message: String) -> JSONParseError {
        JSONParseError(offset: min(i, count), message: message)
    }

    private func describe(_ b: UInt8) -> String { JSONBytes.describe(b) }

}

/// Short ASCII strings (keys, actions, types, usernames) repeat on every item: remember the last
/// one seen per hash slot and hand it out again instead of building and validating a new one.
struct ShortStringCache {
    private static let slots = 256
    private var words = [UInt64](repeating: 0, count: 2 * slots)
    private var lengths = [Int](repeating: -1, count: slots)
    private var values = [String](repeating: "", count: slots)

    /// `length` ASCII bytes at `start`; `readable` bytes may be read from `start` (at least `length`).
    @inline(__always)
    mutating func string(_ start: UnsafePointer<UInt8>, length: Int, readable: Int) -> String {
        #if _endian(little)
        guard length <= 16, readable >= 16 else {
            return String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        }
        let raw = UnsafeRawPointer(start)
        var w0 = raw.loadUnaligned(as: UInt64.self)
        var w1 = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        if length < 8 {
            w0 &= (1 << UInt64(length * 8)) &- 1
            w1 = 0
        } else if length < 16 {
            w1 &= (1 << UInt64((length - 8) * 8)) &- 1
        }
        let mixed = (w0 &* 0x9E37_79B9_7F4A_7C15) ^ (w1 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length)
        let slot = Int(truncatingIfNeeded: (mixed ^ (mixed >> 29)) & UInt64(Self.slots - 1))
        if lengths[slot] == length, words[2 * slot] == w0, words[2 * slot + 1] == w1 { return values[slot] }
        let s = String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        lengths[slot] = length
        words[2 * slot] = w0
        words[2 * slot + 1] = w1
        values[slot] = s
        return s
        #else
        return String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        #endif
    }
}
