import Foundation

/// The head of an HTTP response, read one header line at a time as an HTTP client library hands
/// the lines over (libcurl's header callback: the status line, each field, the empty line; a
/// proxy's or a `100 Continue` answer first, when there is one).
///
/// Every status line starts a new head, so only the final answer's fields remain. Names are
/// lower-cased; a repeated field is joined with `, `; an obsolete folded line (starting with a
/// space or tab) continues the previous value. Values are trimmed and never hold CR, LF or NUL.
/// Nothing here traps on any input: it is fuzzed (`Fuzz/`, mode 0xF7).
public struct HTTPResponseHead: Sendable, Hashable {
    /// The status code of the last status line, if it had a readable one.
    public private(set) var status: Int?
    /// Fields of the current answer, names lower-cased.
    public private(set) var headers: [String: String] = [:]
    /// `Content-Length`, when the current answer gives exactly one non-negative decimal number.
    public private(set) var contentLength: Int?
    /// Whether the empty line ending the current answer's head has been read.
    public private(set) var isComplete = false
    /// The field the next folded line continues.
    private var lastName: String?

    public init() {}

    /// Reads one line, with or without its line ending.
    public mutating func consume<Line: Collection<UInt8>>(line: Line) {
        var bytes = Array(line)
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        if bytes.isEmpty {
            isComplete = true
            lastName = nil
            return
        }
        if bytes.starts(with: Self.statusPrefix) {
            self = HTTPResponseHead()
            status = Self.statusCode(bytes)
            return
        }
        if bytes[0] == 0x20 || bytes[0] == 0x09 {
            // obs-fold: the previous field goes on.
            guard let name = lastName, let value = headers[name] else { return }
            let more = Self.clean(bytes[...])
            if !more.isEmpty { set(name, value.isEmpty ? more : value + " " + more) }
            return
        }
        guard let colon = bytes.firstIndex(of: 0x3A), colon > 0 else { return }
        let nameBytes = bytes[..<colon]
        // A field name is a token: no spaces, controls or non-ASCII (RFC 9110 §5.1).
        guard !nameBytes.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) else { return }
        let name = String(decoding: nameBytes, as: UTF8.self).lowercased()
        let value = Self.clean(bytes[(colon + 1)...])
        set(name, headers[name].map { $0 + ", " + value } ?? value)
        lastName = name
    }

    private mutating func set(_ name: String, _ value: String) {
        headers[name] = value
        if name == "content-length" { contentLength = Self.length(value) }
    }

    private static let statusPrefix: [UInt8] = Array("HTTP/".utf8)

    /// `HTTP/1.1 200 OK`, `HTTP/2 404`: the three digits after the first space.
    private static func statusCode(_ bytes: [UInt8]) -> Int? {
        guard let space = bytes.firstIndex(of: 0x20) else { return nil }
        let digits = bytes[(space + 1)...].prefix { $0 != 0x20 }
        guard digits.count == 3, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// Leading and trailing spaces and tabs removed; CR, LF and NUL (which a well-behaved server
    /// never sends inside a line) dropped, so that no value can carry a line break onwards.
    private static func clean(_ bytes: ArraySlice<UInt8>) -> String {
        var slice = bytes.drop { $0 == 0x20 || $0 == 0x09 }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice.removeLast() }
        if slice.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
            return String(decoding: slice.filter { $0 != 0x0D && $0 != 0x0A && $0 != 0 }, as: UTF8.self)
        }
        return String(decoding: slice, as: UTF8.self)
    }

    /// One decimal number, at most 18 digits (so it cannot overflow); repeated equal values
    /// (`5, 5`, which joining repeated fields produces) count as one.
    static func length(_ value: String) -> Int? {
        var result: Int?
        for part in value.split(separator: ",", omittingEmptySubsequences: false) {
            let digits = part.trimmingCharacters(in: .whitespaces)
            guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                  let number = Int(digits) else { return nil }
            if let result, result != number { return nil }
            result = number
        }
        return result
    }
}
