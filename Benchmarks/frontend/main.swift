// Standalone timing of lex + parse + check + plan for the five typical queries of
// Benchmarks/Benchmarks/FrontEnd (same queries), built with swiftc -O -wmo like the fuzzer.
// Run: Benchmarks/frontend/run.sh [iterations]
import Foundation
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
