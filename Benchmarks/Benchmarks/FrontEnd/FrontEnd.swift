// lex + parse + check + plan (QueryCompiler.plan) of five typical queries, one at a time.
// Target: ≤ 2 µs per query. Run: cd Benchmarks && swift package --disable-sandbox benchmark --target FrontEnd
import Benchmark
import Foundation
import TraktQL

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal, .throughput],
                                           maxDuration: .seconds(3), maxIterations: 1_000_000)
    Benchmark("lex+parse+check+plan, 5 typical queries (one iteration = all five)") { benchmark in
        for _ in benchmark.scaledIterations {
            for query in typicalQueries {
                blackHole(try? QueryCompiler.plan(query, context: context))
            }
        }
    }
    for (n, query) in typicalQueries.enumerated() {
        Benchmark("query \(n + 1): \(query.prefix(48))") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try? QueryCompiler.plan(query, context: context))
            }
        }
    }
}
