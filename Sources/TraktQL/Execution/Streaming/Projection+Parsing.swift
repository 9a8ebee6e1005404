extension Projection {
    /// What this projection keeps of the one JSON text `text`, built without the rest (which is
    /// checked, not built): the same value as `apply(JSONReader.parse(text))`, and the same
    /// error for a text ``JSONReader`` rejects (that error is its own, read again in full).
    ///
    /// The mirror reads each show, episode and movie of a query this way: most of an
    /// episode's 370 bytes (overview, translations, ratings) are read by no query.
    ///
    /// `parser` is the one the last call left, reused for its caches (a parser's string cache
    /// is 10 KB to set up, more than an episode's text costs to read).
    func parse(_ text: String, reusing parser: inout ProjectingParser?) throws(JSONParseError) -> Value {
        if whole { return try JSONReader.parse(text) }
        var text = text
        let projected: Value? = text.withUTF8 { buffer -> Value? in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return nil }
            // Taken out while in use, so that its buffers stay uniquely referenced (no copy on
            // write); it points into `text` only until the next call rebases it.
            var reader = parser.take() ?? ProjectingParser(base: base, count: buffer.count, offset: 0, final: true, maxDepth: JSONReader.defaultMaxDepth)
            reader.rebase(base, count: buffer.count, offset: 0, final: true)
            defer { parser = reader }
            do throws(StreamFault) {
                let value = try reader.projectValue(self, depth: 0)
                reader.skipWhitespace()
                return reader.i == buffer.count ? value : nil
            } catch {
                return nil
            }
        }
        if let projected { return projected }
        // A byte-order mark, or not JSON: the reader's own answer (or error), projected.
        return apply(try JSONReader.parse(text))
    }
}
