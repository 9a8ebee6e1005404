// Standalone timing of lex + parse + check + plan for the five typical queries of
// Benchmarks/Benchmarks/FrontEnd (same queries), built with swiftc -O -wmo like the fuzzer.
// Run: Benchmarks/frontend/run.sh [iterations]
import Foundation
let typicalQueries = [
    "activity show:the-walking-dead season:1,2 actions:seen,rating since:7d | where user.username != \"justin\" | select time, user.username as who, action, sxe, rating_advanced | sort time desc | limit 20",
    "activity user:justin,sean since:7d",
    "activity since:30d | count by show.title | sort count desc | limit 10",
    "activity movie:the-social-network-2010 action:seen | select time, who, title",
    "activity | where action == \"seen\" and show.title ~ \"Dead\" | select time, who, sxe",
]
let context = SessionContext(timeZone: TimeZone(identifier: "UTC")!, convention: .pacific, now: Date(timeIntervalSince1970: 1_717_243_200))
@inline(never) func run(_ q: String) -> Plan? { try? QueryCompiler.plan(q, context: context) }
for q in typicalQueries { _ = run(q) }
let n = Int(CommandLine.arguments.dropFirst().first ?? "20000")!
var perQuery: [Double] = []
for q in typicalQueries {
    let t0 = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<n { _ = run(q) }
    let t1 = DispatchTime.now().uptimeNanoseconds
    perQuery.append(Double(t1 - t0) / Double(n) / 1000)
}
print(perQuery.map { String(format: "%.2f", $0) }.joined(separator: " "), "µs; mean", String(format: "%.2f", perQuery.reduce(0, +) / 5))
