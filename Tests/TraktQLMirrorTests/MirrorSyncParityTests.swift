import Foundation
import Testing
@testable import TraktEmulator
@testable import TraktQL
@testable import TraktQLMirror

/// Issue 26's consistency property, with the real sync: random sequences of emulator writes
/// (plays added and removed, re-ratings and removed ratings, watchlist and collection edits),
/// each followed by an incremental `MirrorSync`; after every sync, each query of a fixed set
/// answers over the mirror exactly what it answers over `--api v2` against the same emulator.
@Suite(.serialized) struct MirrorSyncParityTests {
    /// The emulator's deterministic generator, so a failing sequence can be replayed from its seed.
    struct SplitMix: RandomNumberGenerator {
        var source: SplitMix64
        init(state: UInt64) { source = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { source.next() }
    }

    static let queries = [
        "activity user:me | limit all | stats count by action, type",
        "activity user:me action:seen,scrobble,checkin since:30d | limit all",
        "activity user:me action:seen | limit all | stats count, hours(runtime) by title | sort count desc, title",
        "activity user:me action:rating | limit all",
        "activity user:me action:rating rating:8..10 type:movie | limit all",
        "activity user:me action:watchlist | limit all",
        "activity user:me action:collection type:movie | limit all",
        "activity user:me since:7d",
    ]

    func engine(_ transport: EmulatorCoreTransport, mirror path: String?) -> Engine {
        var settings = Settings()
        settings.timeZone = TimeZone(identifier: "UTC")!
        settings.api = .v2
        settings.maxPages = 10_000
        settings.cacheTTL = 0
        settings.mirror = path != nil
        var configuration = EngineConfiguration(apiURL: MirrorTestSupport.server, settings: settings, clock: { MirrorTestSupport.now })
        configuration.v2 = V2Credentials(clientID: MirrorTestSupport.clientID, bearer: StaticBearerToken(MirrorTestSupport.token))
        configuration.checksNamesWithServerCatalog = false
        configuration.transport = transport
        // The in-process emulator stands at a made-up host; the token may go there over http.
        configuration.plainHTTPSecretHosts = [MirrorTestSupport.server.host!]
        if let path { configuration.mirror = MirrorStoreDatabase.access(path: path, server: MirrorTestSupport.server.absoluteString) }
        return Engine(configuration: configuration)
    }

    func sync(_ transport: EmulatorCoreTransport, _ path: String) async throws -> MirrorSyncReport {
        try await MirrorSync(store: try MirrorStore(path: path),
                             account: MirrorSync.Account(server: MirrorTestSupport.server, user: "justin", own: true),
                             transport: transport, clientID: MirrorTestSupport.clientID, token: MirrorTestSupport.token,
                             options: MirrorSync.Options()).run()
    }

    /// One random write as justin; returns what it did, for the failure message.
    func randomWrite(_ transport: EmulatorCoreTransport, _ random: inout SplitMix) async throws -> String {
        let movie = Int.random(in: 1...150, using: &random)
        let rating = Int.random(in: 1...10, using: &random)
        let minutesAgo = Int.random(in: 1...(40 * 1440), using: &random)
        let watchedAt = V2Time.string(MirrorTestSupport.now.addingTimeInterval(-Double(minutesAgo) * 60))
        let (path, body): (String, String)
        switch Int.random(in: 0..<8, using: &random) {
        case 0, 1:
            (path, body) = ("/sync/history", "{\"movies\":[{\"ids\":{\"trakt\":\(movie)},\"watched_at\":\"\(watchedAt)\"}]}")
        case 2:
            // Remove one of the newest plays, by its history id.
            guard case .array(let page)? = Optional(await transport.get("/sync/history?limit=50")), !page.isEmpty,
                  let id = page[Int.random(in: 0..<page.count, using: &random)]["id"]?.intValue else { return "no play to remove" }
            (path, body) = ("/sync/history/remove", "{\"ids\":[\(id)]}")
        case 3:
            (path, body) = ("/sync/ratings", "{\"movies\":[{\"ids\":{\"trakt\":\(movie)},\"rating\":\(rating),\"rated_at\":\"\(watchedAt)\"}]}")
        case 4:
            (path, body) = ("/sync/ratings/remove", "{\"movies\":[{\"ids\":{\"trakt\":\(movie)}}]}")
        case 5:
            (path, body) = ("/sync/watchlist", "{\"movies\":[{\"ids\":{\"trakt\":\(movie)}}]}")
        case 6:
            (path, body) = ("/sync/watchlist/remove", "{\"movies\":[{\"ids\":{\"trakt\":\(movie)}}]}")
        default:
            (path, body) = ("/sync/collection", "{\"movies\":[{\"ids\":{\"trakt\":\(movie)},\"collected_at\":\"\(watchedAt)\"}]}")
        }
        let answer = await transport.write(path, body)
        #expect((200..<300).contains(answer.status), "POST \(path) \(body) → \(answer.status) \(answer.body)")
        return "POST \(path) \(body)"
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func afterEveryWriteAndSyncTheMirrorAnswersWhatV2Answers(seed: UInt64) async throws {
        let transport = EmulatorCoreTransport(MirrorTestSupport.emulator())
        let path = MirrorTestSupport.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        _ = try await sync(transport, path)
        var random = SplitMix(state: seed)
        var done: [String] = []
        for round in 1...5 {
            for _ in 0..<Int.random(in: 1...4, using: &random) { done.append(try await randomWrite(transport, &random)) }
            let report = try await sync(transport, path)
            #expect(report.calls >= 1)
            for query in Self.queries {
                let v2 = try await engine(transport, mirror: nil).run(query)
                let mirror = try await engine(transport, mirror: path).run(query)
                let context = "seed \(seed), round \(round), \(query), after: \(done.joined(separator: "; "))"
                #expect(mirror.columns == v2.columns, "\(context)")
                if mirror.rows != v2.rows {
                    let first = zip(mirror.rows, v2.rows).enumerated().first { $0.element.0 != $0.element.1 }
                    Issue.record("\(context): \(mirror.rows.count) rows over the mirror, \(v2.rows.count) over v2; first difference at \(first?.offset ?? min(mirror.rows.count, v2.rows.count)): mirror \(first?.element.0 ?? []) v2 \(first?.element.1 ?? [])")
                }
                #expect(mirror.calls == 0, "\(context)")
            }
        }
        #expect(done.count >= 5)
    }
}
