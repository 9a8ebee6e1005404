import Foundation
import Testing

@testable import TraktQL

/// `sort … | limit n` keeps the first n in one pass (``StageRunner/first(_:of:by:)``): the same
/// rows, in the same order, as sorting them all and taking n.
@Suite struct StageRunnerTopTests {
    @Test func theFirstNAreThoseOfTheWholeSort() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 2, 7, 50, 333] {
            // Few distinct keys, so that most comparisons are ties settled by the index.
            let keys = (0 ..< count).map { _ in Int.random(in: 0 ..< 5, using: &generator) }
            let precedes = { (i: Int, j: Int) -> Bool in keys[i] != keys[j] ? keys[i] > keys[j] : i < j }
            let sorted = (0 ..< count).sorted(by: precedes)
            for n in [0, 1, 2, 3, 10, count, count + 4] {
                #expect(StageRunner.first(n, of: count, by: precedes) == Array(sorted.prefix(n)), "n \(n) of \(count)")
            }
        }
    }

    @Test func sortThenLimitGivesTheRowsOfTheWholeSort() throws {
        let items = StreamingStagesTests.items
        #expect(items.count == 400)
        let runner = StageRunner(fields: FieldEvaluator(schema: V1ItemSchema(convention: .pacific), now: ActivityFixture.now), stages: [])
        for (sort, n) in [("sort who, action", 3), ("sort type desc, who", 10), ("sort who desc, time", 1), ("sort action, type, who desc", 25)] {
            let limited = try QueryCompiler.plan("activity | limit all | \(sort) | limit \(n)", context: StreamingStagesTests.context,
                                                 backend: LocalBackend(path: "fixture", convention: StreamingStagesTests.context.convention))
            let whole = try QueryCompiler.plan("activity | limit all | \(sort)", context: StreamingStagesTests.context,
                                               backend: LocalBackend(path: "fixture", convention: StreamingStagesTests.context.convention))
            let top = runner.run(limited.stages, on: items.map { .item($0) }).rows
            let all = runner.run(whole.stages, on: items.map { .item($0) }).rows
            #expect(top.count == n)
            #expect(top == Array(all.prefix(n)), "\(sort) | limit \(n)")
        }
    }
}
