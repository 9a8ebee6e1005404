import Foundation
import Testing
import TraktEmulator
@testable import TraktQL
@testable import TraktQLMirror

/// Not a test: writes a mirror file for the benchmarks and for trying `traktql --mirror` by
/// hand before `traktql sync` exists, with the test-only ``TestMirrorFiller``. Runs only when
/// `TRAKTQL_MIRROR_FIXTURE=PATH` is set (`Benchmarks/mirror/bench.sh` sets it), with
/// `TRAKTQL_MIRROR_SCALE` (small, default, large; default: large), `TRAKTQL_MIRROR_NOW` (the
/// emulator's pinned clock, ISO 8601) and `TRAKTQL_MIRROR_SERVER` (the server it claims).
@Suite struct MirrorFixtureFile {
    static let environment = ProcessInfo.processInfo.environment

    @Test(.enabled(if: environment["TRAKTQL_MIRROR_FIXTURE"] != nil, "set TRAKTQL_MIRROR_FIXTURE=PATH to write a mirror file"))
    func writeMirrorFile() async throws {
        let path = try #require(Self.environment["TRAKTQL_MIRROR_FIXTURE"])
        let scale = DatasetScale(rawValue: Self.environment["TRAKTQL_MIRROR_SCALE"] ?? "large") ?? .large
        let now = try #require(V2Time.date(Self.environment["TRAKTQL_MIRROR_NOW"] ?? "2025-06-01T12:00:00Z"))
        var configuration = EmulatorConfiguration(seed: 1, size: scale.size, now: now)
        if let seed = Self.environment["TRAKTQL_MIRROR_SEED"].flatMap(UInt64.init) { configuration.seed = seed }
        configuration.v2 = V2Settings(clientID: "mirror-fixture", accessToken: "mirror-fixture-token", tokenUser: "justin", rateLimit: .off)
        let emulator = Emulator(configuration)
        try? FileManager.default.removeItem(atPath: path)
        let store = try MirrorStore(path: path)
        try await TestMirrorFiller(emulator: emulator, clientID: "mirror-fixture", token: "mirror-fixture-token")
            .fill(store, server: Self.environment["TRAKTQL_MIRROR_SERVER"] ?? "http://127.0.0.1:8080", syncedAt: now)
        let plays = try store.connection.scalar("SELECT count(*) FROM history").integer ?? 0
        print("mirror: \(path): \(plays) plays")
        #expect(plays > 0)
    }
}
