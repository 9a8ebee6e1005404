/// Byte-level pieces both JSON readers (``JSONReader`` and the streaming `ProjectingParser`)
/// use, so they accept, reject and word their errors identically.
enum JSONBytes {
    /// Where and why a byte range is not well-formed.
    struct Failure: Error {
        let offset: Int
        let message: String
    }

    /// RFC 3629 well-formedness of `p[from..<end]` (no overlongs, no surrogates, nothing above
    /// U+10FFFF). Escapes are ASCII, so checking the raw input of a string is enough.
    static func validateUTF8(_ p: UnsafePointer<UInt8>, from: Int, to end: Int) -> Failure? {
        var k = from
        while k < end {
            let b0 = p[k]
            if b0 < 0x80 { k += 1; continue }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return Failure(offset: k, message: "invalid UTF-8 byte \(describe(b0))")
            }
            guard k + need < end else { return Failure(offset: k, message: "truncated UTF-8 sequence") }
            let b1 = p[k + 1]
            guard b1 >= lo, b1 <= hi else { return Failure(offset: k + 1, message: "invalid UTF-8 sequence") }
            for n in stride(from: 2, through: need, by: 1) where p[k + n] & 0xC0 != 0x80 {
                return Failure(offset: k + n, message: "invalid UTF-8 sequence")
            }
            k += need + 1
        }
        return nil
    }

    /// How decoding a string with escapes ended.
    enum EscapedString {
        /// The decoded text, and the index just past the closing quote.
        case decoded(String, next: Int)
        case malformed(Failure)
        /// The bytes ran out; `failure` is the error if the input really ends there (a reader
        /// over a window asks for more instead).
        case endOfInput(Failure)
    }

    /// Decodes the string whose content starts at `p[start]` and whose first `\` is at
    /// `firstEscape`, up to its closing quote: escapes, surrogate pairs, raw control characters
    /// and (when `asciiSoFar` is false or a byte ≥ 0x80 follows) UTF-8 well-formedness of the
    /// whole string. Both readers take this path; it is off the hot loop (few strings have
    /// escapes), so one copy costs nothing measurable.
    static func decodeEscapedString(_ p: UnsafePointer<UInt8>, count: Int, start: Int, firstEscape: Int, asciiSoFar: Bool) -> EscapedString {
        var out: [UInt8] = []
        out.reserveCapacity(firstEscape - start + 16)
        out.append(contentsOf: UnsafeBufferPointer(start: p + start, count: firstEscape - start))
        var j = firstEscape
        // Non-ASCII anywhere in the string means the whole of it is validated at the end.
        var ascii = asciiSoFar
        while j < count {
            let b = p[j]
            if b == UInt8(ascii: "\"") {
                if !ascii, let failure = validateUTF8(p, from: start, to: j) { return .malformed(failure) }
                return .decoded(String(decoding: out, as: UTF8.self), next: j + 1)
            }
            if b < 0x20 { return .malformed(Failure(offset: j, message: "raw control character \(describe(b)) in a string (must be escaped)")) }
            if b != UInt8(ascii: "\\") {
                if b >= 0x80 { ascii = false }
                out.append(b)
                j += 1
                continue
            }
            guard j + 1 < count else { return .endOfInput(Failure(offset: count, message: "unexpected end of input in an escape")) }
            let e = p[j + 1]
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var unit: UInt16 = 0
                if let stop = hex4(p, at: j + 2, count: count, into: &unit) { return stop }
                var scalar = UInt32(unit)
                var length = 6
                if (0xD800...0xDBFF).contains(unit) {
                    // With fewer than two bytes after the high surrogate, the input may simply
                    // have ended: a lone surrogate if it has, more to read in a window.
                    let lone = Failure(offset: j, message: "lone high surrogate \\u\(hexString(unit)) (no low surrogate follows)")
                    guard j + 7 < count else { return .endOfInput(lone) }
                    guard p[j + 6] == UInt8(ascii: "\\"), p[j + 7] == UInt8(ascii: "u") else { return .malformed(lone) }
                    var low: UInt16 = 0
                    if let stop = hex4(p, at: j + 8, count: count, into: &low) { return stop }
                    guard (0xDC00...0xDFFF).contains(low) else {
                        return .malformed(Failure(offset: j + 6, message: "high surrogate \\u\(hexString(unit)) followed by \\u\(hexString(low)), not a low surrogate"))
                    }
                    scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    length = 12
                } else if (0xDC00...0xDFFF).contains(unit) {
                    return .malformed(Failure(offset: j, message: "lone low surrogate \\u\(hexString(unit))"))
                }
                appendUTF8(scalar, to: &out)
                j += length
                continue
            default:
                return .malformed(Failure(offset: j, message: "invalid escape '\\\(describeRaw(e))'"))
            }
            j += 2
        }
        return .endOfInput(Failure(offset: count, message: "unexpected end of input in a string"))
    }

    /// Reads the four hex digits of a `\u` escape at `p[k...]` into `value`; what stopped it
    /// otherwise.
    private static func hex4(_ p: UnsafePointer<UInt8>, at k: Int, count: Int, into value: inout UInt16) -> EscapedString? {
        var v: UInt16 = 0
        for n in 0..<4 {
            guard k + n < count else {
                return .endOfInput(Failure(offset: count, message: "unexpected end of input in a \\u escape"))
            }
            let c = p[k + n]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default:
                return .malformed(Failure(offset: k + n, message: "invalid hex digit \(describe(c)) in a \\u escape"))
            }
            v = v << 4 | UInt16(d)
        }
        value = v
        return nil
    }

    @inline(__always) static func appendUTF8(_ s: UInt32, to out: inout [UInt8]) {
        switch s {
        case 0..<0x80: out.append(UInt8(s))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | s >> 6)); out.append(UInt8(0x80 | s & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | s >> 12)); out.append(UInt8(0x80 | s >> 6 & 0x3F)); out.append(UInt8(0x80 | s & 0x3F))
        default:
            out.append(UInt8(0xF0 | s >> 18)); out.append(UInt8(0x80 | s >> 12 & 0x3F))
            out.append(UInt8(0x80 | s >> 6 & 0x3F)); out.append(UInt8(0x80 | s & 0x3F))
        }
    }

    /// `'x'` for printable ASCII, `byte 0x1B` otherwise, for messages.
    static func describe(_ b: UInt8) -> String {
        if b >= 0x20, b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x" + hex2(b)
    }

    /// The byte as it would follow a backslash in a message: `q`, or `\x1B`.
    static func describeRaw(_ b: UInt8) -> String {
        b >= 0x20 && b < 0x7F ? String(Character(Unicode.Scalar(b))) : "\\x" + hex2(b)
    }

    /// `00AB`
    static func hexString(_ v: UInt16) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    private static func hex2(_ b: UInt8) -> String {
        let s = String(b, radix: 16, uppercase: true)
        return s.count < 2 ? "0" + s : s
    }

    /// 10^0 … 10^22, the powers of ten a Double holds exactly (fast-path number conversion).
    static let exactPowersOf10: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    /// Reads the number at `p[i]` (RFC 8259 grammar) and moves `i` past it: integers that fit
    /// become `.int`, everything else `.double`; out-of-range numbers are errors.
    ///
    /// - Parameters:
    ///   - atEnd: the error for input ending inside the number.
    ///   - invalid: the error at a byte offset for anything malformed.
    ///   - touchingEnd: thrown when the number runs to the end of `p[0..<count]` (a streaming
    ///     window that more input may extend); nil when `count` is the end of the input.
    static func number<E: Error>(
        _ p: UnsafePointer<UInt8>, count: Int, at i: inout Int,
        atEnd: (String) -> E, invalid: (_ offset: Int, _ message: String) -> E, touchingEnd: E?
    ) throws(E) -> Value {
        let start = i
        var negative = false
        if p[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
            guard i < count else { throw atEnd("unexpected end of input in a number") }
        }
        var mantissa: UInt64 = 0
        var digits = 0  // significant digits accumulated into mantissa (max 19)
        var overflow = false
        let first = p[i]
        if first == UInt8(ascii: "0") {
            i += 1
            if i < count, JSONBytes.isDigit(p[i]) { throw invalid(i, "leading zero in a number") }
        } else if JSONBytes.isDigit(first) {
            while i < count, JSONBytes.isDigit(p[i]) {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
                    digits += 1
                } else {
                    overflow = true
                }
                i += 1
            }
        } else {
            throw invalid(i, "unexpected \(JSONBytes.describe(first)) in a number, expected a digit")
        }
        var integral = true
        var fractionDigits = 0
        if i < count, p[i] == UInt8(ascii: ".") {
            integral = false
            i += 1
            guard i < count else { throw atEnd("unexpected end of input in a number, expected a digit after '.'") }
            guard JSONBytes.isDigit(p[i]) else { throw invalid(i, "unexpected \(JSONBytes.describe(p[i])) in a number, expected a digit after '.'") }
            while i < count, JSONBytes.isDigit(p[i]) {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
                    digits += 1
                    fractionDigits += 1
                } else {
                    overflow = true
                }
                i += 1
            }
        }
        var exponent = 0
        var exponentTooLarge = false
        if i < count, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            integral = false
            i += 1
            var negativeExponent = false
            if i < count, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") {
                negativeExponent = p[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < count else { throw atEnd("unexpected end of input in a number, expected an exponent") }
            guard JSONBytes.isDigit(p[i]) else { throw invalid(i, "unexpected \(JSONBytes.describe(p[i])) in a number, expected an exponent digit") }
            while i < count, JSONBytes.isDigit(p[i]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(p[i] &- 0x30) } else { exponentTooLarge = true }
                i += 1
            }
            if negativeExponent { exponent = -exponent }
        }
        if i == count, let touchingEnd { throw touchingEnd }
        if integral, !overflow {
            if negative {
                if mantissa <= UInt64(Int64.max) { return .int(-Int64(mantissa)) }
                if mantissa == UInt64(Int64.max) + 1 { return .int(Int64.min) }
            } else if mantissa <= UInt64(Int64.max) {
                return .int(Int64(mantissa))
            }
        }
        // Clinger's fast path: an exact mantissa and an exact power of ten, one rounding.
        if !overflow, !exponentTooLarge, mantissa < 1 << 53 {
            let e10 = exponent - fractionDigits
            if e10 >= -22, e10 <= 22 {
                var d = Double(mantissa)
                d = e10 < 0 ? d / JSONBytes.exactPowersOf10[-e10] : d * JSONBytes.exactPowersOf10[e10]
                return .double(negative ? -d : d)
            }
        }
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
        guard let d = Double(text), d.isFinite else {
            throw invalid(start, "number \(text.prefix(40)) is out of range")
        }
        return .double(d)
    }
}
