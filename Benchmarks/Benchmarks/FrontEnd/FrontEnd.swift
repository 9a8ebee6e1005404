// lex + parse + check + plan (QueryCompiler.plan) of five typical queries, one at a time.
// Target: ≤ 2 µs per query. Run: cd Benchmarks && swift package --disable-sandbox benchmark --target FrontEnd
import Benchmark
import Foundation
import TraktQL

let typicalQueries = [
    "activity show:the-walking-dead season:1,2 actions:seen,rating since:7d | where user.username != \"justin\" | select time, user.username as who, action, sxe, rating_advanced | sort time desc | limit 20",
    "activity user:justin,sean since:7d",
    "activity since:30d | count by show.title | sort count desc | limit 10",
    "activity movie:the-social-network-2010 action:seen | select time, who, title",
    "activity | where action == \"seen\" and show.title ~ \"Dead\" | select time, who, sxe",
]

let context = SessionContext(timeZone: TimeZone(identifier: "UTC")!, convention: .pacific,
                             now: Date(timeIntervalSince1970: 1_717_243_200))

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
