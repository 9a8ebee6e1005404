extension Projection {
    /// What this projection keeps of the one JSON text `text`, built without the rest (which is
    /// checked, not built): the same value as `apply(JSONReader.parse(text))`, and the same
    /// error for a text ``JSONReader`` rejects (that error is its own, read again in full).
    ///
    /// The mirror reads each show, episode and movie of a query this way: most of an
    /// episode's 370 bytes (overview, translations, ratings) are read by no query.
    func parse(_ text: String) throws(JSONParseError) -> Value {
        if whole { return try JSONReader.parse(text) }
        var text = text
        let projected: Value? = text.withUTF8 { buffer -> Value? in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return nil }
            var parser = ProjectingParser(base: base, count: buffer.count, offset: 0, final: true, maxDepth: JSONReader.defaultMaxDepth)
            do throws(StreamFault) {
                let value = try parser.projectValue(self, depth: 0)
                parser.skipWhitespace()
                return parser.i == buffer.count ? value : nil
            } catch {
                return nil
            }
        }
        if let projected { return projected }
        // A byte-order mark, or not JSON: the reader's own answer (or error), projected.
        return apply(try JSONReader.parse(text))
    }
}
