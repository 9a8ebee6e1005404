import Foundation
import Testing
import TraktEmulator
import TraktQL
@testable import TraktQLMirror

@Suite struct MirrorImportAndPublicTests {
    @Test func anExportIsImportedAndTheFirstOnlineSyncCompletesIt() async throws {
        let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())
        func all(_ path: String) async -> Value {
            var out: [Value] = []
            for page in 1...100 {
                guard case .array(let list) = await transport.get(path + "?limit=250&page=\(page)") else { break }
                out += list
                if list.count < 250 { break }
            }
            return .array(out)
        }
        // An export as tools write it: minimal objects (no extended=full), collection as {movies, shows}.
        let export = Value.object([
            ("type", .string("full")), ("username", .string("justin")),
            ("history", await all("/sync/history")), ("ratings", await all("/sync/ratings")),
            ("collection", .object([("movies", await all("/sync/collection/movies")), ("shows", await all("/sync/collection/shows"))])),
            ("followers", .array([])),
        ])
        let file = NSTemporaryDirectory() + "export-\(UUID().uuidString).json"
        try export.jsonText(timeZone: .gmt).write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let path = MirrorTestSupport.temporaryPath()
        let store = try MirrorStore(path: path)
        let account = MirrorSync.Account(server: MirrorTestSupport.server, user: "justin", own: true)
        let value = try MirrorImport.read(file)
        #expect(MirrorImport.username(of: value) == "justin")
        let report = try MirrorImport.run(value, from: file, into: store, account: account)
        #expect(report.sections.map(\.section) == [.history, .ratings, .collection])
        #expect(report.skipped == ["followers"])
        let plays = await all("/sync/history").arrayCount
        try store.read { (db: SQLiteConnection) throws in
            #expect(try db.string("SELECT imported_from FROM account") == file)
            #expect(try db.int("SELECT count(*) FROM history") == plays)
            #expect(try db.int("SELECT count(*) FROM sync_sections WHERE remote IS NULL") == 3)
        }
        // The first online sync reads the imported sections (and the rest) in full and clears the mark.
        transport.reset()
        let sync = try await MirrorSync(store: store, account: account, transport: transport, clientID: MirrorTestSupport.clientID,
                                        token: MirrorTestSupport.token).run()
        #expect(sync.sections.allSatisfy { $0.read == .full })
        try store.read { (db: SQLiteConnection) throws in
            #expect(try db.string("SELECT imported_from FROM account") == nil)
            #expect(try db.int("SELECT count(*) FROM sync_sections WHERE remote IS NULL") == 0)
            // The full objects replaced the export's minimal ones.
            #expect(try db.int("SELECT count(*) FROM objects WHERE kind = 'movie' AND runtime IS NULL") == 0)
        }
    }

    @Test func aBrokenExportSavesNothingAndSaysWhichElement() async throws {
        let file = NSTemporaryDirectory() + "export-\(UUID().uuidString).json"
        try "{\"history\":[{\"id\":1,\"watched_at\":\"2025-01-01T00:00:00Z\",\"type\":\"movie\",\"movie\":{\"ids\":{\"trakt\":1}}},{\"id\":2}]}"
            .write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let store = try MirrorStore(path: MirrorTestSupport.temporaryPath())
        #expect { try MirrorImport.run(try MirrorImport.read(file), from: file, into: store,
                                       account: .init(server: MirrorTestSupport.server, user: "justin", own: true)) } throws: { error in
            (error as? MirrorError)?.message.contains("history element 2") == true
        }
        try store.read { (db: SQLiteConnection) throws in #expect(try db.int("SELECT count(*) FROM history") == 0) }
        #expect(throws: MirrorError.self) { try MirrorImport.read(file + ".missing") }
    }

    @Test func aPublicUserIsReadWithoutSyncRoutesOrAToken() async throws {
        let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())
        let path = MirrorTestSupport.temporaryPath()
        let store = try MirrorStore(path: path)
        let account = MirrorSync.Account(server: MirrorTestSupport.server, user: "justin", own: false)
        func run() async throws -> MirrorSyncReport {
            try await MirrorSync(store: store, account: account, transport: transport, clientID: MirrorTestSupport.clientID, token: nil).run()
        }
        let first = try await run()
        #expect(first.sections.allSatisfy { $0.read == .full })
        #expect(transport.requests.allSatisfy { $0.hasPrefix("/users/justin/") }, "\(transport.requests)")
        transport.reset()
        // A later run: history from its window plus one count check; the rest read again.
        let second = try await run()
        #expect(second.sections.first { $0.section == .history }?.read == .full || second.sections.first { $0.section == .history }?.read == .incremental)
        #expect(transport.requests.contains { $0.contains("start_at=") })
        #expect(!transport.requests.contains { $0.hasPrefix("/sync/") })
        let own = MirrorTestSupport.temporaryPath()
        _ = try await MirrorSync(store: try MirrorStore(path: own), account: .init(server: MirrorTestSupport.server, user: "justin", own: true),
                                 transport: transport, clientID: MirrorTestSupport.clientID, token: MirrorTestSupport.token).run()
        // justin's public data is his whole account (he is not private): the same rows.
        for table in ["history", "ratings", "watchlist", "collection", "comments"] {
            let mine = try store.read { db in try db.rows("SELECT * FROM \(table) ORDER BY 1, 2").map { "\($0)" } }
            let theirs = try MirrorStore(path: own).read { db in try db.rows("SELECT * FROM \(table) ORDER BY 1, 2").map { "\($0)" } }
            #expect(mine == theirs, "\(table)")
        }
    }
}

extension Value {
    var arrayCount: Int { if case .array(let list) = self { return list.count } else { return -1 } }
}
