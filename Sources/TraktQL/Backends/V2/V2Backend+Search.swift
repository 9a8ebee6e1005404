import Foundation

extension V2Backend {
    /// v2 has no catalog to check names against first, but it has text search: after a 404 for
    /// `show:` or `movie:`, one `GET /search/{show|movie}?query=…` finds what the server calls
    /// it (`inception` → `inception-2010`, `breaking-bda` → `breaking-bad`). Trakt has no search
    /// for users, so an unknown user gets no suggestion. Any failure of that call means no
    /// suggestion: the 404 is the error being reported.
    func closestNames(to name: String, kind: QualifierKey, in session: ExecutionSession) async -> [String] {
        guard kind == .show || kind == .movie, !name.isEmpty, name.count <= 200 else { return [] }
        let type = kind == .show ? "show" : "movie"
        let words = name.split { !($0.isLetter || $0.isNumber) }.joined(separator: " ")
        var query = URLComponents()
        query.queryItems = [URLQueryItem(name: "query", value: words), URLQueryItem(name: "limit", value: "10")]
        guard !words.isEmpty, let encoded = query.percentEncodedQuery, let url = URL(string: base + "/search/\(type)?" + encoded) else { return [] }
        var request = HTTPRequest(method: "GET", url: url, deadline: session.deadline)
        request.headers["trakt-api-version"] = "2"
        request.headers["trakt-api-key"] = credentials.clientID
        let search = request
        let transport = session.transport
        guard let response = try? await session.limiter.withPermit({ try await transport.send(search) }), response.isSuccess,
              case .array(let results)? = try? JSONReader.parse(response.body) else { return [] }
        let slugs = results.compactMap { $0[type]?["ids"]?["slug"]?.stringValue }
        return Self.closest(to: name, among: slugs)
    }

    /// The search results worth suggesting for `name`, best first: the same slug with the year
    /// Trakt adds to tell films apart (`inception-2010`), else a plausible typo of it, else the
    /// server's best result when it holds every word of `name`.
    static func closest(to name: String, among slugs: [String]) -> [String] {
        let lowered = name.lowercased()
        let withYear = slugs.filter { slug in
            guard slug.hasPrefix(lowered + "-") else { return false }
            let rest = slug.dropFirst(lowered.count + 1)
            return rest.count == 4 && rest.allSatisfy(\.isNumber)
        }
        if !withYear.isEmpty { return Array(withYear.prefix(2)) }
        if let typo = Suggestion.closest(to: lowered, in: slugs) { return [typo] }
        let wanted = Set(lowered.split(separator: "-"))
        if let first = slugs.first, wanted.isSubset(of: Set(first.split(separator: "-"))) { return [first] }
        return []
    }
}
