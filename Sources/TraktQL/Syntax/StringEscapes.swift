/// The escapes of quoted strings, shared by expression strings and quoted qualifier values:
/// `\"` `\\` `\/` `\n` `\t` `\r` and `\u{1F600}`.
enum StringEscapes {
    struct Failure: Error {
        /// Character offset of the backslash within the body.
        var offset: Int
        var length: Int
        var message: String
        var help: String
    }

    /// The value of a quoted string's body (the text between the quotes).
    static func unescape(_ body: Substring) -> Result<String, Failure> {
        // Most strings have no escapes: then the value is the body itself (the loop below
        // would rebuild it one scalar at a time).
        if !body.utf8.contains(UInt8(ascii: "\\")) { return .success(String(body)) }
        var out = ""
        var characters = body.unicodeScalars.makeIterator()
        var offset = 0
        while let c = characters.next() {
            offset += 1
            guard c == "\\" else {
                out.unicodeScalars.append(c)
                continue
            }
            let start = offset - 1
            guard let e = characters.next() else {
                return .failure(Failure(offset: start, length: 1, message: "a string cannot end with a lone '\\'", help: "write \\\\ for a backslash"))
            }
            offset += 1
            switch e {
            case "n": out += "\n"
            case "t": out += "\t"
            case "r": out += "\r"
            case "\"", "\\", "/": out.unicodeScalars.append(e)
            case "u":
                var digits = ""
                var closed = false
                if characters.next() == "{" {
                    offset += 1
                    while let d = characters.next() {
                        offset += 1
                        if d == "}" { closed = true; break }
                        digits.unicodeScalars.append(d)
                        if digits.count > 8 { break }
                    }
                }
                guard closed, let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) else {
                    return .failure(Failure(offset: start, length: max(2, offset - start), message: "invalid unicode escape", help: "write it as \\u{1F600}"))
                }
                out.unicodeScalars.append(scalar)
            default:
                return .failure(Failure(offset: start, length: 2, message: "unknown escape '\\\(Lexer.printable(String(e)))'",
                                        help: "escapes are \\\" \\\\ \\n \\t \\r \\u{…}"))
            }
        }
        return .success(out)
    }
}
