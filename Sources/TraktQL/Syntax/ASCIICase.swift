/// Case folding for keywords and enumerated values without the cost of `String.lowercased()`
/// (which allocates and consults Unicode tables) in the common case of lowercase ASCII.
enum ASCIICase {
    /// `text.lowercased()`, computed cheaply when `text` is ASCII: returned as is when it has no
    /// capital letters. Other text goes through `lowercased()`, so the result is always the same.
    static func lowercased(_ text: String) -> String {
        var text = text
        // Scanning the contiguous bytes is several times cheaper than iterating `utf8`.
        let (ascii, hasCapital) = text.withUTF8 { bytes -> (Bool, Bool) in
            var capital = false
            for byte in bytes {
                if byte >= 0x80 { return (false, false) }
                if byte >= 65 && byte <= 90 { capital = true }
            }
            return (true, capital)
        }
        guard ascii else { return text.lowercased() }
        guard hasCapital else { return text }
        return String(decoding: text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Whether `text` equals `lowercaseWord` (lowercase ASCII) with ASCII capitals folded.
    static func equals(_ text: String, _ lowercaseWord: StaticString) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count == lowercaseWord.utf8CodeUnitCount else { return false }
            let word = lowercaseWord.utf8Start
            for i in 0..<bytes.count {
                let byte = bytes[i]
                if (byte >= 65 && byte <= 90 ? byte | 0x20 : byte) != word[i] { return false }
            }
            return true
        }
    }
}
