import Foundation

extension V2Service {
    /// `/search/{type}?query=words` (`type` a comma list of `movie`, `show`, `episode`, `person`,
    /// `list`): movies and shows whose title or slug holds the query's words, best first, as
    /// `[{type, score, movie | show}]`, paged like Trakt's (10 a page by default).
    ///
    /// Trakt ranks with a full-text engine; this ranking is a small stand-in with the same
    /// shape: the share of the query's words found among the title's and slug's words (the
    /// last word may be a prefix, as someone still typing writes it), an exact title first.
    /// The emulator has no people, episodes by title or public lists to find, so those types
    /// answer nothing, as an unmatched query does on Trakt.
    func textSearch(_ typeList: String, _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        let known: Set<String> = ["movie", "show", "episode", "person", "list"]
        let types = typeList.split(separator: ",").map(String.init)
        guard !types.isEmpty, types.allSatisfy(known.contains) else {
            throw V2Error.notFound("unknown search type '\(typeList)': movie, show, episode, person or list, or /search/{id_type}/{id}")
        }
        guard let query = c.query["query"], !Self.searchWords(query).isEmpty else {
            throw V2Error.badRequest("text search needs ?query=")
        }
        let words = Self.searchWords(query)
        let ds = dataset
        var hits: [(type: String, index: Int, score: Double)] = []
        if types.contains("movie") {
            for (i, m) in ds.movies.enumerated() {
                if let score = Self.searchScore(words, title: m.seed.title, slug: m.seed.slug) { hits.append(("movie", i, score)) }
            }
        }
        if types.contains("show") {
            for (i, s) in ds.shows.enumerated() {
                if let score = Self.searchScore(words, title: s.seed.title, slug: s.seed.slug) { hits.append(("show", i, score)) }
            }
        }
        // Best first; ties in catalog order (stable, so the same query pages the same way).
        hits = hits.enumerated().sorted { a, b in
            a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
        }.map(\.element)
        return searchAnswer(hits, c)
    }

    /// Lower-case letter-and-digit words: `Mad Max: Fury Road` and `mad-max-fury-road` alike.
    static func searchWords(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// nil when no word of the query is in the title or slug; else up to 1000 (every word, an
    /// exact title), lower for fewer words found.
    static func searchScore(_ words: [String], title: String, slug: String) -> Double? {
        let candidates = Set(searchWords(title) + searchWords(slug))
        var found = 0
        for (n, word) in words.enumerated() {
            let last = n == words.count - 1
            if candidates.contains(word) || (last && word.count >= 2 && candidates.contains { $0.hasPrefix(word) }) { found += 1 }
        }
        guard found > 0 else { return nil }
        let exact = searchWords(title) == words || searchWords(slug) == words
        return exact ? 1000 : 900 * Double(found) / Double(max(words.count, candidates.count))
    }
}
