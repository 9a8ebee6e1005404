import Foundation
import Testing
@testable import TraktQL
@testable import TraktQLShell
import TraktEmulator
import TraktEmulatorServer

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

    @Test func remoteEmulatorCatalogCompletesSlugsAndUsers() async throws {
        let server = try await EmulatorServer.start(EmulatorConfiguration(seed: 42, size: DatasetScale.small.size,
                                                                          now: Date(timeIntervalSince1970: 1_732_449_600)))
        defer { Task { await server.stop() } }
        let store = VocabularyStore(source: .remote(server.baseURL), announces: false)
        #expect(await complete(store, "activity show:the-walking-").contains("show:the-walking-dead"))
        #expect(await complete(store, "activity user:just").contains("user:justin"))
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
        let store = VocabularyStore(source: .remote(URL(string: "http://127.0.0.1:9")!), announces: false)
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
