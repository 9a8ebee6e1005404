import Foundation
import Testing
import TraktEmulatorServer
import TraktProtocol

@testable import TraktEmulator

/// Generating the dataset faster (on several cores, with a radix sort, the v2 objects on first
/// use) must not change a byte of it: the same seed, size and clock give the same dataset as the
/// sequential generator did.
@Suite("Generation: the same dataset however it is made")
struct GenerationTests {
    static let clock = Date(timeIntervalSince1970: 1_717_243_200)  // 2024-06-01T12:00:00Z

    /// FNV-1a over every activity's fields, the v1 fragments and the v2 fragments.
    static func digest(_ ds: Dataset) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ bytes: UnsafeRawBufferPointer) {
            for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        }
        var fields: [Int64] = []
        fields.reserveCapacity(ds.activities.count * 7)
        for a in ds.activities {
            fields += [a.time, Int64(a.id), Int64(a.user), Int64(a.subject), Int64(a.item), Int64(a.extra), Int64(a.kind.raw)]
        }
        fields.withUnsafeBytes(add)
        ds.fragments.bytes.withUnsafeBytes(add)
        V2Fragments(dataset: ds).bytes.withUnsafeBytes(add)
        return String(h, radix: 16)
    }

    static func fields(_ activities: [Activity]) -> [[Int64]] {
        activities.map { [$0.time, Int64($0.id), Int64($0.user), Int64($0.subject), Int64($0.item), Int64($0.extra), Int64($0.kind.raw)] }
    }

    /// The digests the sequential generator (main at 9de0e53, before generation was split over
    /// the cores) gave for these datasets.
    @Test("the small and the default dataset are byte for byte what the sequential generator made", arguments: [
        (UInt64(42), DatasetScale.small, "f18c6fafdd75de58"),
        (UInt64(1), DatasetScale.default, "faddbd4a8947bcae"),
    ])
    func pinnedDigest(seed: UInt64, scale: DatasetScale, expected: String) {
        #expect(Self.digest(Dataset.generate(seed: seed, size: scale.size, now: Self.clock)) == expected)
    }

    @Test("a clock the dataset cannot end at is the nearest one it can, never a trap")
    func absurdClocks() {
        let earliest = Self.digest(Dataset.generate(seed: 42, size: DatasetScale.small.size, now: EmulatorConfiguration.supportedNow.lowerBound))
        for seconds: Double in [.nan, -.infinity, -1e300, 0, 100_000_000] {
            #expect(Self.digest(Dataset.generate(seed: 42, size: DatasetScale.small.size, now: Date(timeIntervalSince1970: seconds))) == earliest, "\(seconds)")
        }
        let latest = Self.digest(Dataset.generate(seed: 42, size: DatasetScale.small.size, now: EmulatorConfiguration.supportedNow.upperBound))
        for seconds in [Double.infinity, 1e300, 300_000_000_000] {
            #expect(Self.digest(Dataset.generate(seed: 42, size: DatasetScale.small.size, now: Date(timeIntervalSince1970: seconds))) == latest, "\(seconds)")
        }
        #expect(EmulatorConfiguration.problem(withNow: Date(timeIntervalSince1970: .nan)) != nil)
        #expect(EmulatorConfiguration.problem(withNow: Date(timeIntervalSince1970: 1_700_000_000)) == nil)
    }

    @Test("the viewing simulation gives the same activities however its users are split over threads")
    func simulationSplit() throws {
        let ds = Dataset.generate(seed: 11, size: DatasetSize(activities: 20_000), now: Self.clock)
        let roster = try #require(ds.viewers)
        // Uneven weights, so that the runs differ from one split to the next.
        let budgets = roster.profiles.indices.map { 20 + $0 % 7 * 60 }
        func simulate(cores: Int) -> [[Int64]] {
            Self.fields(Dataset.simulateViewing(catalogue: roster.catalogue, now: ds.nowUnix, profiles: roster.profiles,
                                                simulatedFrom: roster.simulatedFrom, budgets: budgets, seed: 11, cores: cores).flatMap { $0 })
        }
        let sequential = simulate(cores: 1)
        #expect(sequential.count > 10_000)
        for cores in [2, 3, 8] {
            let split = simulate(cores: cores)
            let firstDifference = zip(split, sequential).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(split.count == sequential.count && firstDifference == nil,
                    "\(cores) cores: \(split.count) activities against \(sequential.count), first difference at \(firstDifference ?? -1)")
        }
    }

    @Test("activities in time order, ties in reading order, as a sort of (time, index) gives")
    func timeOrder() {
        var rng = SplitMix64(seed: 5)
        func activity(_ time: Int64) -> Activity {
            Activity(time: time, id: 0, user: 0, subject: 0, item: 0, extra: 0, kind: Kind(.movie, .seen)!)
        }
        let shapes: [[[Int64]]] = [
            [],
            [[]],
            [[7]],
            [[5, 5, 5], [], [5, 5]],  // one second: reading order
            [[-10, 3, -1], [0, 1 << 33, 2]],  // clamped to 0 and UInt32.max
            (0..<5).map { _ in (0..<(rng.below(3_000))).map { _ in Int64(rng.below(40)) } },  // many ties, one pass
            (0..<9).map { _ in (0..<(rng.below(5_000))).map { _ in 1_600_000_000 + Int64(rng.below(1 << 30)) } },  // three passes
        ]
        for shape in shapes {
            let segments = shape.map { $0.map(activity) }
            var expected: [(time: UInt32, segment: Int, index: Int)] = []
            for (s, segment) in segments.enumerated() {
                for (j, a) in segment.enumerated() { expected.append((UInt32(clamping: a.time), s, j)) }
            }
            expected.sort { ($0.time, $0.segment, $0.index) < ($1.time, $1.segment, $1.index) }
            let order = Dataset.timeOrder(segments).map { (UInt32($0 >> 32), Int($0 >> 24 & 0xFF), Int($0 & 0xFF_FFFF)) }
            #expect(order.count == expected.count)
            #expect(zip(order, expected).allSatisfy { $0.0 == $1.time && $0.1 == $1.segment && $0.2 == $1.index }, "\(shape.map(\.count))")
        }
    }

    @Test("split into ranges of about equal weight, in order, none empty")
    func ranges() {
        #expect(Parallel.ranges(weights: [], parts: 4) == [])
        #expect(Parallel.ranges(weights: [1, 1, 1], parts: 8) == [0..<1, 1..<2, 2..<3])
        #expect(Parallel.ranges(weights: [1, 1, 1, 1], parts: 2) == [0..<2, 2..<4])
        #expect(Parallel.ranges(weights: [10, 1, 1, 1, 1], parts: 2) == [0..<1, 1..<5])
        let weights = (0..<411).map { 1 / pow(Double($0 + 1), 0.9) }
        let split = Parallel.ranges(weights: weights, parts: 12)
        #expect(split.count == 12 && split.first?.lowerBound == 0 && split.last?.upperBound == 411)
        #expect(zip(split, split.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && !$0.isEmpty })
    }

    @Test("parts come back in order whichever thread made them")
    func mapOrder() {
        let squares = Parallel.map(50, threads: 4) { i in
            if i % 7 == 0 { usleep(2_000) }  // slow parts, so that the threads overtake each other
            return i * i
        }
        #expect(squares == (0..<50).map { $0 * $0 })
        let (a, b) = Parallel.pair({ "first" }, { 2 })
        #expect(a == "first" && b == 2)
    }

    @Test("the v2 objects are built on the first v2 call, not for v1; a server builds them before serving")
    func v2FragmentsOnFirstUse() async throws {
        let emulator = Emulator(EmulatorConfiguration(seed: 3, size: DatasetSize(activities: 2_000), now: Self.clock))
        #expect(!emulator.deferredViewsAreBuilt)
        let v1 = await emulator.respond(EmulatorRequest(target: "/activity/user.json/key/justin"))
        #expect(v1.status == 200 && !emulator.deferredViewsAreBuilt)
        // Several first calls at once: one build, the same answer for all.
        let bodies = await withTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    await emulator.respond(EmulatorRequest(target: "/users/justin/history?limit=5", headers: [
                        "trakt-api-version": "2", "trakt-api-key": "k",
                    ])).body
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(emulator.deferredViewsAreBuilt)
        #expect(Set(bodies).count == 1 && bodies[0].count > 100, "\(String(decoding: bodies[0], as: UTF8.self))")
        let server = try await EmulatorServer.start(EmulatorConfiguration(seed: 3, size: DatasetSize(activities: 2_000), now: Self.clock))
        #expect(server.emulator.deferredViewsAreBuilt)
        await server.stop()
    }
}
