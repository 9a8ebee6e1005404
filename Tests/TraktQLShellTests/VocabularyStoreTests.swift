import Foundation
import Testing
@testable import TraktQL
@testable import TraktQLShell

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
        let embedded = EmbeddedServer(seed: 42, now: Date(timeIntervalSince1970: 1_732_449_600)) { _ in }
        let server = try await embedded.running()
        defer { Task { await embedded.stop() } }
        let store = VocabularyStore(source: .remote(server.baseURL), announces: false)
        #expect(await complete(store, "activity show:the-walking-").contains("show:the-walking-dead"))
        #expect(await complete(store, "activity user:just").contains("user:justin"))
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
}
