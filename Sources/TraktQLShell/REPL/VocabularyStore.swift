import Foundation
import TraktQL

/// What completion draws on besides the grammar: show and movie slugs and usernames, and the
/// session's `let` variables.
///
/// Slugs and usernames come from the server's catalog when it has one — the built-in
/// emulator's dataset, or `GET /emulator/catalog.json` of a `trakt-emulator` elsewhere — loaded
/// on the first TAB that needs them, and from every item the session's queries return (the
/// only source against a server without a catalog).
final class VocabularyStore: @unchecked Sendable {
    enum CatalogSource: Sendable {
        case embedded(EmbeddedServer)
        /// A server: its catalog is the one the engine fetches once per session and checks
        /// names against (``Engine/catalog()``), read by the library's JSON reader.
        case server(Engine)
        case none
    }

    typealias Catalog = (shows: [String], movies: [String], users: [String])

    private let lock = NSLock()
    private let source: CatalogSource
    /// nil until loaded; an empty catalog once a load failed (not tried again).
    private var catalog: Catalog?
    private var learned: (shows: Set<String>, movies: Set<String>, users: Set<String>) = ([], [], [])
    private var variables: [String] = []
    /// Whether starting the built-in emulator prints its banner.
    private let announces: Bool

    /// How long a TAB waits for the catalog before completing without it.
    static let catalogWait: TimeInterval = 3

    init(source: CatalogSource, announces: Bool) {
        self.source = source
        self.announces = announces
    }

    func completer() -> (String) -> Completion {
        { text in
            var completer = Completer()
            let (vocabulary, printed) = self.vocabulary(for: text)
            completer.vocabulary = vocabulary
            var completion = completer.complete(text)
            completion.redisplay = printed
            return completion
        }
    }

    /// After each statement: the variables, and the built-in catalog once the emulator runs anyway.
    func refresh(from engine: Engine) async {
        let names = Set(await engine.variables.keys).union(await engine.results.keys).sorted()
        lock.withLock { variables = names }
        if case .embedded(let embedded) = source, lock.withLock({ catalog == nil }), await embedded.server != nil {
            let loaded = Self.completable(await embedded.catalog())
            lock.withLock { catalog = loaded }
        }
    }

    /// Remembers the shows, movies and users a query returned: from whole items (`show.ids.slug`,
    /// `movie.ids.slug`, `user.username` — v2 items carry the user of their call), from the
    /// `who` column and slug columns of selected rows, and, when the query returned rows, the
    /// literal `show:`/`movie:`/`user:` values it was asked with (against a server without a
    /// catalog, such as api.trakt.tv, a name that worked once is the best guess there is).
    func learn(from result: QueryResult, statement: Statement? = nil) {
        var shows: [String] = [], movies: [String] = [], users: [String] = []
        for item in result.items ?? [] {
            if let slug = item["show"]?["ids"]?["slug"]?.stringValue { shows.append(slug) }
            if let slug = item["movie"]?["ids"]?["slug"]?.stringValue { movies.append(slug) }
            if let name = item["user"]?["username"]?.stringValue { users.append(name) }
        }
        let columns: [(index: Int, kind: QualifierKey)] = result.columns.enumerated().compactMap { index, column in
            switch column {
            case "who", "user.username": return (index, .user)
            case "show.ids.slug": return (index, .show)
            case "movie.ids.slug": return (index, .movie)
            default: return nil
            }
        }
        if !columns.isEmpty {
            for row in result.rows {
                for (index, kind) in columns where index < row.count {
                    guard let text = row[index].stringValue else { continue }
                    switch kind {
                    case .show: shows.append(text)
                    case .movie: movies.append(text)
                    default: users.append(text)
                    }
                }
            }
        }
        if !result.rows.isEmpty || !(result.items ?? []).isEmpty, case .query(let query)? = statement?.kind {
            for qualifier in query.qualifiers where !qualifier.negated {
                let values = qualifier.value?.terms.compactMap { term -> String? in
                    if case .scalar(let scalar) = term.kind { return scalar.text }
                    return nil
                } ?? []
                switch QualifierKey(spelling: qualifier.key.name) {
                case .show?: shows += values
                case .movie?: movies += values
                case .user?: users += values.filter { $0.lowercased() != "me" }
                default: break
                }
            }
        }
        guard !shows.isEmpty || !movies.isEmpty || !users.isEmpty else { return }
        lock.withLock {
            learned.shows.formUnion(shows.filter(Self.isCompletable))
            learned.movies.formUnion(movies.filter(Self.isCompletable))
            learned.users.formUnion(users.filter(Self.isCompletable))
        }
    }

    /// Loads the catalog only when the text asks for a slug or username (that may start the
    /// built-in emulator, which announces itself). The second value tells whether anything
    /// was printed.
    private func vocabulary(for text: String) -> (Completer.Vocabulary, Bool) {
        let lastWord = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).last.map(String.init) ?? ""
        let key = lastWord.split(separator: ":", maxSplits: 1).first.map { String($0.drop { $0 == "-" }) } ?? ""
        let wantsCatalog = lastWord.contains(":") && [QualifierKey.show, .movie, .user].contains(QualifierKey(spelling: key))
        var printed = false
        if wantsCatalog, lock.withLock({ catalog == nil }) {
            printed = loadCatalog()
        }
        return lock.withLock {
            var vocabulary = Completer.Vocabulary(variables: variables)
            let catalog = self.catalog ?? ([], [], [])
            vocabulary.shows = Self.merged(catalog.shows, learned.shows)
            vocabulary.movies = Self.merged(catalog.movies, learned.movies)
            vocabulary.users = Self.merged(catalog.users, learned.users)
            return (vocabulary, printed)
        }
    }

    /// Blocks the completion callback (libedit calls it synchronously) for at most
    /// ``catalogWait``; whether a banner was printed.
    private func loadCatalog() -> Bool {
        let semaphore = DispatchSemaphore(value: 0)
        let printed = Flag()
        let source = self.source
        let announces = self.announces
        Task {
            let loaded: Catalog?
            switch source {
            case .embedded(let embedded):
                if await embedded.server == nil, announces {
                    Console.err("\n")  // the emulator's banner starts on a line of its own
                    printed.set()
                }
                loaded = await embedded.catalog()
            case .server(let engine):
                loaded = await engine.catalog().map { ($0.showSlugs, $0.movieSlugs, $0.usernames) }
            case .none:
                loaded = nil
            }
            let safe = Self.completable(loaded)
            self.lock.withLock { self.catalog = safe ?? ([], [], []) }
            semaphore.signal()
        }
        _ = semaphore.wait(timeout: .now() + Self.catalogWait)
        return printed.isSet
    }

    /// Only text that is safe on a terminal and fits in a qualifier value is ever offered:
    /// completion inserts it into the line as typed (a candidate with an escape sequence would
    /// put it on the screen and in the statement).
    static func isCompletable(_ word: String) -> Bool {
        !word.isEmpty && word.utf8.count <= 200 && TerminalSafety.isSafe(word)
            && !word.unicodeScalars.contains { $0 == " " || $0 == "\"" || $0 == "\\" || $0.properties.isWhitespace }
    }

    static func completable(_ catalog: Catalog?) -> Catalog? {
        catalog.map { ($0.shows.filter(isCompletable), $0.movies.filter(isCompletable), $0.users.filter(isCompletable)) }
    }

    private static func merged(_ catalog: [String], _ learned: Set<String>) -> [String] {
        guard !learned.isEmpty else { return catalog }
        return catalog + learned.subtracting(catalog).sorted()
    }

    private final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }
}
