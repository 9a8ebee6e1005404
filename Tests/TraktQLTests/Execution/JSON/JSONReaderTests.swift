import Foundation
import Testing
@testable import TraktQL
@testable import TraktEmulator  // SplitMix64: deterministic inputs

@Suite("JSONReader")
struct JSONReaderTests {
    func parse(_ s: String) throws -> Value { try JSONReader.parse(s) }

    func error(_ bytes: [UInt8]) -> JSONParseError? {
        do { _ = try JSONReader.parse(bytes); return nil } catch { return error }
    }

    func error(_ s: String) -> JSONParseError? { error(Array(s.utf8)) }

    @Test func scalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse(" true ") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("0") == .int(0))
        #expect(try parse("-0") == .int(0))
        #expect(try parse("42") == .int(42))
        #expect(try parse("-17") == .int(-17))
        #expect(try parse(#""hi""#) == .string("hi"))
        #expect(try parse("\t\r\n 1 \n") == .int(1))
    }

    @Test func numbers() throws {
        func isInt(_ s: String, _ v: Int64) throws -> Bool { if case .int(v) = try parse(s) { return true } else { return false } }
        func isDouble(_ s: String, _ v: Double) throws -> Bool { if case .double(let d) = try parse(s) { return d == v } else { return false } }
        #expect(try isInt("9223372036854775807", .max))
        #expect(try isInt("-9223372036854775808", .min))
        #expect(try isDouble("9223372036854775808", 9223372036854775808.0))
        #expect(try isDouble("-9223372036854775809", -9223372036854775809.0))
        #expect(try isDouble("123456789012345678901234567890", 1.2345678901234568e29))
        #expect(try isDouble("1.0", 1.0))
        #expect(try isDouble("8.5", 8.5))
        #expect(try isDouble("-0.25", -0.25))
        #expect(try isDouble("1e3", 1000))
        #expect(try isDouble("1E+3", 1000))
        #expect(try isDouble("25e-1", 2.5))
        #expect(try isDouble("0.1", 0.1))
        #expect(try isDouble("3.141592653589793", 3.141592653589793))
        #expect(try isDouble("2.2250738585072014e-308", 2.2250738585072014e-308))
        #expect(try isDouble("1.7976931348623157e308", 1.7976931348623157e308))
        #expect(try isDouble("0.30000000000000004", 0.30000000000000004))
        #expect(try isDouble("1e-400", 0))
        #expect(try isDouble("123456789012345678901234567890e-10", 1.2345678901234568e19))
        #expect(try isDouble("0." + String(repeating: "1", count: 400), 0.1111111111111111))
        #expect(try isDouble(String(repeating: "9", count: 300), 1e300))
        #expect(error("1e400")?.message.contains("out of range") == true)
        #expect(error("-1e99999999999999999999")?.message.contains("out of range") == true)
        #expect(error("1" + String(repeating: "0", count: 400))?.offset == 0)
    }

    @Test func badNumbers() {
        for bad in ["01", "-", "+1", ".5", "1.", "1.e3", "1e", "1e+", "-a", "0x10", "1_000", "NaN", "Infinity", "-Infinity", "--1"] {
            #expect(error(bad) != nil, "\(bad) should not parse")
        }
        #expect(error("01")?.message == "leading zero in a number")
        #expect(error("01")?.offset == 1)
    }

    @Test func strings() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u0041\u00e9\u4e2d""#) == .string("Aé中"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""x\uD834\uDD1Ey""#) == .string("x𝄞y"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try parse("\"héllo 中文 😀\"") == .string("héllo 中文 😀"))
        #expect(try parse("\"é\\n\"") == .string("é\n"))
        #expect(try parse(#""""#) == .string(""))
        let long = String(repeating: "abc\\n", count: 10_000)
        #expect(try parse("\"\(long)\"") == .string(String(repeating: "abc\n", count: 10_000)))
    }

    @Test func shortStringCacheNeverMixesStrings() throws {
        // Many short strings that share prefixes, differ only in their last byte, or only in
        // length, repeated so that the cache hits and collides; some end right at the buffer's end.
        var rng = SplitMix64(seed: 99)
        var expected: [Value] = []
        for _ in 0..<5000 {
            let length = Int(rng.next() % 19)
            let letters = (0..<length).map { n in n < length - 1 ? "a" : String(UnicodeScalar(UInt8(97 + rng.next() % 3))) }
            expected.append(.string(letters.joined()))
        }
        let text = "[" + expected.map { "\"\($0.stringValue!)\"" }.joined(separator: ",") + "]"
        #expect(try parse(text) == .array(expected))
        let keys = "{" + (0..<40).map { "\"k\(String(repeating: "x", count: $0 % 18))\":\($0)" }.joined(separator: ",") + "}"
        guard case .object(let members) = try parse(keys) else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == (0..<40).map { "k" + String(repeating: "x", count: $0 % 18) })
        #expect(try parse("\"abcdefgh\"") == .string("abcdefgh"))
        #expect(try parse("[\"abcdefghijklmnop\",\"abcdefghijklmnoq\",\"abcdefghijklmnop\"]")
                == .array([.string("abcdefghijklmnop"), .string("abcdefghijklmnoq"), .string("abcdefghijklmnop")]))
    }

    @Test func badStrings() {
        #expect(error(#""\ud83d""#)?.message.contains("lone high surrogate") == true)
        #expect(error(#""\ud83dx""#)?.message.contains("lone high surrogate") == true)
        #expect(error(#""\ud83d\u0041""#)?.message.contains("not a low surrogate") == true)
        #expect(error(#""\ude00""#)?.message.contains("lone low surrogate") == true)
        #expect(error(#""\x""#)?.message.contains("invalid escape") == true)
        #expect(error(#""\u12G4""#)?.message.contains("invalid hex digit") == true)
        #expect(error(#""\u12"#)?.message.contains("end of input") == true)
        #expect(error("\"a\nb\"")?.message.contains("control character") == true)
        #expect(error("\"a\nb\"")?.offset == 2)
        #expect(error("\"\u{1B}[31m\"") != nil)
        #expect(error("\"abc")?.message == "unexpected end of input in a string")
        #expect(error("\"abc")?.offset == 4)
        #expect(error("\"abc\\")?.message.contains("end of input") == true)
    }

    @Test func invalidUTF8() {
        let cases: [[UInt8]] = [
            [0x22, 0xFF, 0x22],                    // never valid
            [0x22, 0xC0, 0xAF, 0x22],              // overlong '/'
            [0x22, 0xE0, 0x80, 0xAF, 0x22],        // overlong
            [0x22, 0xED, 0xA0, 0x80, 0x22],        // UTF-8 encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xE4, 0xB8, 0x22],              // truncated sequence
            [0x22, 0x80, 0x22],                    // lone continuation
            [0x22, 0xC3, 0x22],                    // truncated before the quote
            [0x22, 0x5C, 0x6E, 0xC3, 0x28, 0x22],  // after an escape
            [0x22, 0xC3],                          // truncated at end
        ]
        for bytes in cases {
            let e = error(bytes)
            #expect(e != nil, "\(bytes) should not parse")
            if let e { #expect(e.offset <= bytes.count) }
        }
        #expect(error([0x22, 0x61, 0xFF, 0x22])?.offset == 2)
        #expect(error([0xFF])?.offset == 0)
    }

    @Test func containers() throws {
        let v = try parse(#" { "a" : [1, 2.5, "x", null, true, {"b": []}], "c": {} , "a": 2 } "#)
        guard case .object(let members) = v else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["a", "c", "a"])
        #expect(v["a"] == .array([.int(1), .double(2.5), .string("x"), .null, .bool(true), .object([("b", .array([]))])]))
        #expect(v["c"] == .object([]))
        #expect(try parse("[]") == .array([]))
        #expect(try parse("[[[]]]") == .array([.array([.array([])])]))
    }

    @Test func badContainers() {
        let bad = ["[1,]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":}", "[", "{", "{\"a\"", "{\"a\":1", "[1,", "]", "}", "{,}", "[,1]",
                   "{\"a\":1 \"b\":2}", "1 2", "[] []", "nul", "tru", "falsy", "nulll", "", " ", "\u{FEFF}"]
        for text in bad { #expect(error(text) != nil, "\(text.debugDescription) should not parse") }
        #expect(error("[1,2")?.offset == 4)
        #expect(error("")?.message.contains("empty") == true)
        #expect(error("[1] x")?.message == "unexpected 'x' after the JSON value")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        #expect(try JSONReader.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == .array([.int(1)]))
    }

    @Test func depthLimit() throws {
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try JSONReader.parse(ok) }
        let deep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        let e = error(deep)
        #expect(e?.message == "nesting deeper than 512 levels")
        #expect(e?.offset == 512)
        let objects = String(repeating: #"{"a":"#, count: 100_000)
        #expect(error(objects)?.message.contains("nesting deeper") == true)
        #expect(error(String(repeating: "[", count: 1_000_000))?.message.contains("nesting deeper") == true)
        #expect(throws: JSONParseError.self) { try JSONReader.parse("[[[1]]]", maxDepth: 2) }
        #expect(try JSONReader.parse("[[1]]", maxDepth: 2) == .array([.array([.int(1)])]))
    }

    @Test func truncatedInputNeverTraps() throws {
        let doc = #"{"timestamps":{"start":1320290123,"current":1320291139},"activity":[{"id":1,"rating":false,"s":"é\u00e9\ud83d\ude00\n","n":-1.5e-3,"b":[true,null,{}]}]}"#
        let bytes = Array(doc.utf8)
        #expect(throws: Never.self) { try JSONReader.parse(bytes) }
        for cut in 0..<bytes.count {
            let e = error(Array(bytes[0..<cut]))
            #expect(e != nil, "prefix of \(cut) bytes should not parse")
            if let e { #expect(e.offset <= cut) }
        }
    }

    @Test func randomBytesNeverTrap() {
        var rng = SplitMix64(seed: 7)
        let alphabet = Array(#"{}[]":,.-+eE0123456789 \ntrufalsn\u"#.utf8) + [0x80, 0xC3, 0xA9, 0xFF, 0xED, 0xF0]
        for _ in 0..<3000 {
            let n = Int(rng.next() % 40)
            let bytes = (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            _ = try? JSONReader.parse(bytes)
            _ = try? JSONReader.parseLines(Data(bytes))
        }
        // Mutations of a valid document.
        let base = Array(#"{"a":[1,2.5e3,"x\u00e9\"",null,true,false,{"b":-0}]}"#.utf8)
        for _ in 0..<3000 {
            var bytes = base
            for _ in 0..<3 {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes.remove(at: at)
                default: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                }
                if bytes.isEmpty { break }
            }
            _ = try? JSONReader.parse(bytes)
        }
    }

    @Test func roundTripsThroughOutputJSON() throws {
        let text = #"{"a":[1,2.5,"x\u001b]52;c;aGk=\u0007 \"q\" \\ é 中 😀",null,true,{"b":-3}],"u":"\u202e"}"#
        let v = try parse(text)
        let written = ValueText.json(v, zone: TimeZone(identifier: "UTC")!)
        #expect(try parse(written) == v)
        #expect(!written.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
    }

    @Test func dataAndBufferEntryPoints() throws {
        #expect(try JSONReader.parse(Data("[1]".utf8)) == .array([.int(1)]))
        #expect(throws: JSONParseError.self) { try JSONReader.parse(Data()) }
        let bytes: [UInt8] = Array("{\"k\":\"v\"}".utf8)
        let v = try bytes.withUnsafeBytes { try JSONReader.parse($0) }
        #expect(v["k"] == .string("v"))
        #expect(JSONParseError(offset: 3, message: "x").description == "JSON error at byte 3: x")
    }

    @Test func lines() throws {
        let data = Data("{\"a\":1}\n\n  {\"a\":2}\r\n[3]\n".utf8)
        #expect(try JSONReader.parseLines(data) == [.object([("a", .int(1))]), .object([("a", .int(2))]), .array([.int(3)])])
        #expect(try JSONReader.parseLines(Data()) == [])
        #expect(throws: JSONParseError.self) { try JSONReader.parseLines(Data("{} {}".utf8)) }
        #expect(throws: JSONParseError.self) { try JSONReader.parseLines(Data("{}\n{".utf8)) }
    }
}

@Suite struct JSONReaderUTF8RegressionTests {
    /// Invalid UTF-8 before the first escape of a string was accepted (found in review).
    @Test func invalidUTF8BeforeAnEscapeIsRejected() {
        let bad: [UInt8] = Array(#"["a"#.utf8) + [0xFF] + Array(#"b\n"]"#.utf8)
        #expect(throws: JSONParseError.self) { try JSONReader.parse(bad) }
        let good: [UInt8] = Array(#"["é\n"]"#.utf8)
        #expect((try? JSONReader.parse(good)) == .array([.string("é\n")]))
    }
}
