/// Case folding for keywords and enumerated values without the cost of `String.lowercased()`
/// (which allocates and consults Unicode tables) in the common case of lowercase ASCII.
enum ASCIICase {
    /// `text.lowercased()`, computed cheaply when `text` is ASCII: returned as is when it has no
    /// capital letters. Other text goes through `lowercased()`, so the result is always the same.
    static func lowercased(_ text: String) -> String {
        var hasCapital = false
        for byte in text.utf8 {
            if byte >= 0x80 { return text.lowercased() }
            if byte >= 65 && byte <= 90 { hasCapital = true }
        }
        guard hasCapital else { return text }
        return String(decoding: text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
