import Foundation
import Testing
import TraktQLCurl
@testable import TraktEmulator
@testable import TraktQL
@testable import TraktQLMirror

/// Not a test: writes a mirror file for the benchmarks and for trying `traktql --mirror` by
/// hand before `traktql sync` exists, with the test-only ``TestMirrorFiller``. Runs only when
/// `TRAKTQL_MIRROR_FIXTURE=PATH` is set (`Benchmarks/mirror/bench.sh` sets it), with
/// `TRAKTQL_MIRROR_SCALE` (small, default, large; default: large), `TRAKTQL_MIRROR_NOW` (the
/// emulator's pinned clock, ISO 8601) and `TRAKTQL_MIRROR_SERVER` (the server it claims) and `TRAKTQL_MIRROR_USER` (whose account; default justin); with `TRAKTQL_MIRROR_URL` (and
/// `TRAKTQL_MIRROR_CLIENT_ID`, `TRAKTQL_MIRROR_TOKEN`) it reads that server's v2 answers instead.
@Suite struct MirrorFixtureFile {
    static let environment = ProcessInfo.processInfo.environment

    @Test(.enabled(if: environment["TRAKTQL_MIRROR_FIXTURE"] != nil, "set TRAKTQL_MIRROR_FIXTURE=PATH to write a mirror file"))
    func writeMirrorFile() async throws {
        let path = try #require(Self.environment["TRAKTQL_MIRROR_FIXTURE"])
        let scale = DatasetScale(rawValue: Self.environment["TRAKTQL_MIRROR_SCALE"] ?? "large") ?? .large
        let now = try #require(V2Time.date(Self.environment["TRAKTQL_MIRROR_NOW"] ?? "2025-06-01T12:00:00Z"))
        var configuration = EmulatorConfiguration(seed: 1, size: scale.size, now: now)
        if let seed = Self.environment["TRAKTQL_MIRROR_SEED"].flatMap(UInt64.init) { configuration.seed = seed }
        let emulator = Emulator(configuration)
        // The busiest users (plays: seen, scrobble, checkin), to pick one with TRAKTQL_MIRROR_USER.
        var playCounts: [Int: Int] = [:]
        for activity in emulator.dataset.activities where [.seen, .scrobble, .checkin].contains(activity.kind.action) {
            playCounts[Int(activity.user), default: 0] += 1
        }
        let busiest = playCounts.sorted { $0.value > $1.value }.prefix(5).map { "\(emulator.dataset.users[$0.key].username) \($0.value)" }
        print("mirror: busiest users (v1 activities): \(busiest.joined(separator: ", "))")
        let user = Self.environment["TRAKTQL_MIRROR_USER"] ?? "justin"
        configuration.v2 = V2Settings(clientID: "mirror-fixture", accessToken: "mirror-fixture-token", tokenUser: user, rateLimit: .off)
        let served = Emulator(configuration, dataset: emulator.dataset)
        try? FileManager.default.removeItem(atPath: path)
        let store = try MirrorStore(path: path)
        // From a running server (TRAKTQL_MIRROR_URL, its v2 client id and token), or the core.
        var filler = TestMirrorFiller(emulator: served, clientID: "mirror-fixture", token: "mirror-fixture-token")
        if let url = Self.environment["TRAKTQL_MIRROR_URL"].flatMap(URL.init(string:)) {
            filler = TestMirrorFiller(source: .server(url, CurlTransport()), clientID: Self.environment["TRAKTQL_MIRROR_CLIENT_ID"] ?? "bench",
                                      token: Self.environment["TRAKTQL_MIRROR_TOKEN"] ?? "bench-token")
        }
        try await filler
            .fill(store, server: Self.environment["TRAKTQL_MIRROR_SERVER"] ?? "http://127.0.0.1:8080", syncedAt: now)
        let plays = try store.connection.scalar("SELECT count(*) FROM history").integer ?? 0
        print("mirror: \(path): \(plays) plays; scale \(scale.rawValue), \(emulator.dataset.activityCount) activities")
        #expect(plays > 0)
    }
}
