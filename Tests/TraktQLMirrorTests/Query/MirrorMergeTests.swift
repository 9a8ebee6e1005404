import Foundation
import Synchronization
import Testing
import TraktEmulator
@testable import TraktQL
@testable import TraktQLMirror

/// A query over several routes of the mirror reads each route only as far as its answer needs
/// (``MirrorMerge``): `activity user:me | limit 5` steps a few rows of each route, not every
/// play, and still answers exactly what v2 answers.
@Suite(.serialized) struct MirrorMergeTests {
    /// A mirror that counts the rows its statements step (cursors and lookups alike).
    final class CountingMirror: MirrorDatabase, @unchecked Sendable {
        // Sendable: `base` is; the count is a Mutex.
        let base: any MirrorDatabase
        let stepped = Mutex(0)
        var location: String { base.location }

        init(_ base: any MirrorDatabase) { self.base = base }

        func account() throws(TraktQLError) -> MirrorAccount { try base.account() }

        func read<T>(_ body: (any MirrorConnection) throws(TraktQLError) -> T) throws(TraktQLError) -> T {
            try base.read { connection throws(TraktQLError) -> T in try body(Connection(base: connection, mirror: self)) }
        }

        struct Connection: MirrorConnection {
            let base: any MirrorConnection
            let mirror: CountingMirror

            func rows(_ sql: String, _ parameters: [MirrorValue], _ body: ([MirrorValue]) throws(TraktQLError) -> Bool) throws(TraktQLError) {
                try base.rows(sql, parameters) { row throws(TraktQLError) in
                    mirror.stepped.withLock { $0 += 1 }
                    return try body(row)
                }
            }

            func cursor(_ sql: String, _ parameters: [MirrorValue]) throws(TraktQLError) -> any MirrorCursor {
                Cursor(base: try base.cursor(sql, parameters), mirror: mirror)
            }
        }

        final class Cursor: MirrorCursor {
            let base: any MirrorCursor
            let mirror: CountingMirror

            init(base: any MirrorCursor, mirror: CountingMirror) {
                self.base = base
                self.mirror = mirror
            }

            func next() throws(TraktQLError) -> [MirrorValue]? {
                let row = try base.next()
                if row != nil { mirror.stepped.withLock { $0 += 1 } }
                return row
            }

            func close() { base.close() }
        }
    }

    static func engine(_ fixture: MirrorParityTests.Fixture, mirror: CountingMirror) -> Engine {
        var settings = Settings()
        settings.timeZone = TimeZone(identifier: "UTC")!
        settings.api = .v2
        settings.cacheTTL = 0
        settings.mirror = true
        var configuration = EngineConfiguration(apiURL: URL(string: "http://127.0.0.1:9")!, settings: settings, clock: { MirrorParityTests.now })
        configuration.checksNamesWithServerCatalog = false
        configuration.transport = EmulatorCoreTransport(fixture.emulator)
        configuration.mirror = MirrorAccess(mirror)
        return Engine(configuration: configuration)
    }

    @Test func aLimitOverEveryRouteStepsAFewRowsOfEach() async throws {
        let fixture = try await MirrorParityTests.fixture.value
        let store = try SQLiteConnection(path: fixture.path, mode: .readOnly)
        let plays = try #require(try store.scalar("SELECT count(*) FROM history").integer)
        let ratings = try #require(try store.scalar("SELECT count(*) FROM ratings").integer)
        // Collected shows and list items are read whole (their routes do not come newest first).
        let readWhole = try #require(try store.scalar("SELECT (SELECT count(*) FROM collection WHERE type = 'episode') + (SELECT count(*) FROM list_items) + (SELECT count(*) FROM lists)").integer)
        #expect(plays > 500, "the fixture has \(plays) plays: too few to tell a streamed read from a whole one")

        let query = "activity user:me | limit 5"
        let mirror = try CountingMirror(MirrorStoreDatabase.open(path: fixture.path, server: "http://127.0.0.1:9"))
        let result = try await Self.engine(fixture, mirror: mirror).run(query)
        #expect(result.rows.count == 5)
        let stepped = mirror.stepped.withLock { $0 }
        // Whole reads, plus a few rows per newest-first route and the objects of the rows kept.
        let bound = Int(readWhole) + 100
        #expect(stepped <= bound, "\(query) stepped \(stepped) rows (bound \(bound)); the mirror has \(plays) plays and \(ratings) ratings")
        try await MirrorParityTests.expectSameAnswer(query, fixture, atLeast: 5)
    }
}
