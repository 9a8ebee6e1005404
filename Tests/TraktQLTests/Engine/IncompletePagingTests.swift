import Foundation
import Testing
@testable import TraktEmulator
import TraktEmulatorServer
@testable import TraktQL

/// When a server puts more than a page (100) of activities into one second, v1's whole-second
/// `end_ts` paging cannot get past it: the result says it is incomplete instead of presenting
/// the activity before that second as the whole answer (issue 11, item 6). Over loopback, against
/// an emulator serving such a burst.
@Suite struct IncompletePagingTests {
    static let burst: Task<EmulatorServer, any Error> = Task {
        try await EmulatorServer.start(EmulatorConfiguration(
            seed: 7, size: DatasetSize(activities: 5_000, sameSecondBurst: 150), now: TestServer.now))
    }

    /// What the community stream holds in the last `seconds`, counted without paging (protected
    /// users' activity is not in it).
    static func community(_ dataset: Dataset, since seconds: Int64) -> Int {
        dataset.activities.filter { $0.time >= dataset.nowUnix - seconds && !dataset.users[Int($0.user)].isProtected }.count
    }

    @Test func aWindowAcrossTheBurstIsIncompleteWithAWarning() async throws {
        let server = try await Self.burst.value
        let engine = TestServer.engine(server)
        let result = try await engine.run("activity since:1d | count")
        #expect(result.isIncomplete)
        #expect(result.warnings.contains { $0.contains("incomplete result: more than 100 activities share one second") }, "\(result.warnings)")
        // What the server holds in the window, counted without paging: the result is short of it.
        let held = Self.community(server.dataset, since: 86_400)
        let counted = Int(result.rows.first?.first?.intValue ?? -1)
        #expect(counted < held, "counted \(counted) of \(held)")
    }

    @Test func aWindowThatEndsBeforeTheBurstIsComplete() async throws {
        let server = try await Self.burst.value
        let engine = TestServer.engine(server)
        // The burst is an hour before the end: the last 30 minutes do not reach it.
        let result = try await engine.run("activity since:30min | count")
        #expect(!result.isIncomplete, "\(result.warnings)")
        let held = Self.community(server.dataset, since: 1800)
        #expect(result.rows.first?.first?.intValue == Int64(held))
    }

    @Test func theGeneratedDatasetPagesToTheEnd() async throws {
        let server = try await TestServer.small.value
        let result = try await TestServer.engine(server).run("activity since:30d | count")
        #expect(!result.isIncomplete, "\(result.warnings)")
        let held = Self.community(server.dataset, since: 30 * 86_400)
        #expect(result.rows.first?.first?.intValue == Int64(held))
    }
}
