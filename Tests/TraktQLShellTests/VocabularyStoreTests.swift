import Foundation
import Testing
@testable import TraktQL
@testable import TraktQLShell
import TraktEmulator
import TraktEmulatorServer
import TraktQLCurl
import TestSupport

/// Where completion finds slugs and usernames: a remote emulator's catalog, and the items the
/// session's queries returned.
@Suite struct VocabularyStoreTests {
    /// Completes `text` the way libedit does: synchronously, off Swift's cooperative pool (the
    /// store may block for the catalog while a task loads it).
    private func complete(_ store: VocabularyStore, _ text: String) async -> [String] {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: store.completer()(text).candidates.map(\.text)) }.start()
        }
    }

    /// An engine for the server at `url`: completion reads the catalog it fetches.
    static func engine(_ url: URL, counting counter: RequestCounter? = nil) -> Engine {
        var configuration = EngineConfiguration(apiURL: url, requestTimeout: VocabularyStore.catalogWait)
        let transport = CurlTransport.retrying(for: configuration)
        configuration.transport = counter.map { CountingTransport(base: transport, counter: $0) } ?? transport
        return Engine(configuration: configuration)
    }

    /// The paths an engine asked for.
    final class RequestCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var paths: [String] = []
        func record(_ path: String) { lock.withLock { paths.append(path) } }
        func count(_ path: String) -> Int { lock.withLock { paths.filter { $0 == path }.count } }
    }

    struct CountingTransport: HTTPTransport {
        let base: any HTTPTransport
        let counter: RequestCounter
        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            counter.record(request.url.path)
            return try await base.send(request)
        }
    }

    /// One fetch of the catalog per session: completion and the checker's name check share the
    /// engine's (before, the shell fetched and parsed it a second time, with JSONSerialization).
    @Test func completionAndTheNameCheckShareOneCatalogFetch() async throws {
        let server = try await EmulatorServer.start(EmulatorConfiguration(seed: 42, size: DatasetScale.small.size,
                                                                          now: Date(timeIntervalSince1970: 1_732_449_600)))
        try await withEmulator(server) {
            let counter = RequestCounter()
            let engine = Self.engine(server.baseURL, counting: counter)
            let store = VocabularyStore(source: .server(engine), announces: false)
            #expect(await complete(store, "activity user:just").contains("user:justin"))
            let catalogCalls = { counter.count("/emulator/catalog.json") }
            #expect(catalogCalls() == 1)
            _ = try? await engine.run("activity user:no-such-user-here")
            #expect(await engine.catalog()?.usernames.contains("justin") == true)
            #expect(catalogCalls() == 1)
        }
    }

    @Test func remoteEmulatorCatalogCompletesSlugsAndUsers() async throws {
        let server = try await EmulatorServer.start(EmulatorConfiguration(seed: 42, size: DatasetScale.small.size,
                                                                          now: Date(timeIntervalSince1970: 1_732_449_600)))
        try await withEmulator(server) {
            let store = VocabularyStore(source: .server(Self.engine(server.baseURL)), announces: false)
            #expect(await complete(store, "activity show:the-walking-").contains("show:the-walking-dead"))
            #expect(await complete(store, "activity user:just").contains("user:justin"))
        }
    }

    /// The built-in emulator is in this process: its catalog comes from the core, no socket.
    @Test func builtInEmulatorCatalogCompletesSlugsAndUsers() async throws {
        let embedded = EmbeddedServer(seed: 42, now: Date(timeIntervalSince1970: 1_732_449_600), size: DatasetScale.small.size) { _ in }
        _ = try await embedded.running()
        let store = VocabularyStore(source: .embedded(embedded), announces: false)
        #expect(await complete(store, "activity show:the-walking-").contains("show:the-walking-dead"))
        #expect(await complete(store, "activity user:just").contains("user:justin"))
        await embedded.stop()
    }

    @Test func serverWithoutACatalogStillCompletesWhatQueriesReturned() async throws {
        // Nothing listens on port 9: the catalog load fails once, quickly, and is not retried.
        let store = VocabularyStore(source: .server(Self.engine(URL(string: "http://127.0.0.1:9")!)), announces: false)
        let started = Date()
        #expect(await complete(store, "activity show:brea").isEmpty)
        #expect(Date().timeIntervalSince(started) < VocabularyStore.catalogWait + 10)  // bounded, not hung (2 busy cores)

        let item: Value = .object([
            (key: "show", value: .object([(key: "ids", value: .object([(key: "slug", value: .string("breaking-bad"))]))])),
            (key: "user", value: .object([(key: "username", value: .string("sean"))])),
        ])
        store.learn(from: QueryResult(columns: [], rows: [], items: [item], warnings: [], calls: 1, cachedCalls: 0))
        #expect(await complete(store, "activity show:brea") == ["show:breaking-bad"])
        #expect(await complete(store, "activity user:se") == ["user:sean"])
    }

    /// Against a server without a catalog (api.trakt.tv), selected rows and the names a query
    /// was asked with are what completion has: `who` and slug columns, and the literal
    /// `user:`/`show:`/`movie:` values of a query that returned rows (not `me`, not negated
    /// ones, nothing from a query that returned no rows).
    @Test func selectedRowsAndTheQueryThatReturnedThemAreLearned() async throws {
        let store = VocabularyStore(source: .none, announces: false)
        func statement(_ text: String) throws -> Statement {
            let (script, diagnostics) = Parser.parse(text)
            #expect(diagnostics.isEmpty)
            return try #require(script.statements.first)
        }
        let nothing = QueryResult(columns: ["who"], rows: [], items: nil, warnings: [], calls: 1, cachedCalls: 0)
        store.learn(from: nothing, statement: try statement("activity user:nobody-home show:no-such-show"))
        #expect(await complete(store, "activity user:nob").isEmpty)
        #expect(await complete(store, "activity show:no-such").isEmpty)

        let rows = QueryResult(columns: ["who", "count"], rows: [[.string("sean"), .int(3)], [.string("emily_jackson"), .int(1)]],
                               items: nil, warnings: [], calls: 1, cachedCalls: 0)
        store.learn(from: rows, statement: try statement("activity user:me,justin -user:ghost show:the-wire movie:tron | count by who"))
        #expect(await complete(store, "activity user:se") == ["user:sean"])
        #expect(await complete(store, "activity user:emi") == ["user:emily_jackson"])
        #expect(await complete(store, "activity user:jus") == ["user:justin"])
        #expect(await complete(store, "activity user:gh").isEmpty)
        #expect(await complete(store, "activity user:m").isEmpty)
        #expect(await complete(store, "activity show:the-w") == ["show:the-wire"])
        #expect(await complete(store, "activity movie:tr") == ["movie:tron"])
    }
}
