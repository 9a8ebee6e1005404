// `stats … by title` against a plain `count` over the same --input rows, in process, optimised.
// Built by Benchmarks/stats/run.sh with plain swiftc (TraktQL is Foundation-only), so it needs
// neither the release build of the whole package nor the package-benchmark dependency.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TraktQL

@main
struct StatsBenchmark {
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else {
            print("usage: stats-bench FILE [RUNS]")
            exit(2)
        }
        let path = arguments[1]
        let runs = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
        var settings = Settings()
        settings.timeZone = TimeZone(identifier: "UTC")!
        settings.format = "csv"
        let engine = Engine(configuration: EngineConfiguration(apiURL: URL(string: "http://127.0.0.1:9")!, settings: settings,
                                                               clock: { Date(timeIntervalSince1970: 1_717_243_200) }, input: path))
        var queries = [
            ("count", "activity | count"),
            ("stats by title", "activity | stats count, sum(runtime), avg(runtime), max(runtime) by title"),
        ]
        // More queries to compare (each against the first): stats-bench FILE RUNS QUERY…
        for (n, extra) in arguments.dropFirst(3).enumerated() { queries.append(("extra \(n + 1)", extra)) }
        for (name, query) in queries {
            let result = try await engine.run(query)
            print("\(name): \(result.rows.count) rows; first \(result.rows.first.map { $0.map(\.description).joined(separator: ", ") } ?? "-")")
        }
        var wall = [[Double]](repeating: [], count: queries.count)
        var cpu = [[Double]](repeating: [], count: queries.count)
        for _ in 0..<runs {
            for (i, (_, query)) in queries.enumerated() {
                let start = Date(), startCPU = cpuSeconds()
                _ = try await engine.run(query)
                wall[i].append(Date().timeIntervalSince(start))
                cpu[i].append(cpuSeconds() - startCPU)
            }
        }
        func best(_ v: [Double]) -> Double { v.min()! }
        func median(_ v: [Double]) -> Double {
            let s = v.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        print("runs: \(runs) each, alternating; seconds")
        print("query                 wall best  wall median  cpu best  cpu median")
        for (i, (name, _)) in queries.enumerated() {
            print(name.padding(toLength: 20, withPad: " ", startingAt: 0), f(best(wall[i])).leftPad(10), f(median(wall[i])).leftPad(12),
                  f(best(cpu[i])).leftPad(9), f(median(cpu[i])).leftPad(11))
        }
        for i in 1..<queries.count {
            print("ratio \(i == 1 ? "stats" : "extra \(i - 1)")/count".padding(toLength: 20, withPad: " ", startingAt: 0),
                  f(best(wall[i]) / best(wall[0])).leftPad(10), f(median(wall[i]) / median(wall[0])).leftPad(12),
                  f(best(cpu[i]) / best(cpu[0])).leftPad(9), f(median(cpu[i]) / median(cpu[0])).leftPad(11), i == 1 ? "  (target <= 1.5)" : "")
        }
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
