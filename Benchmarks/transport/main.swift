// Per-call latency of the HTTP client on a kept-alive connection, in one process: N GETs of one
// URL (a 100-item page of a trakt-emulator), one after another, after a warm-up. Prints p50, p90,
// p99 and mean wall time per call, and the process's CPU per call.
//
// Built by Benchmarks/transport/build.sh against this tree (CurlTransport), or with -D
// OLD_CLIENT against an older tree whose engine had SocketHTTPTransport, for a paired run.
//   transport-bench URL [CALLS] [CA-FILE]
import Foundation
import TraktQL
#if !OLD_CLIENT
import TraktQLCurl
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 2, let url = URL(string: arguments[1]) else {
    FileHandle.standardError.write(Data("usage: transport-bench URL [CALLS] [CA-FILE]\n".utf8))
    exit(1)
}
let calls = arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000
#if OLD_CLIENT
let transport: any HTTPTransport = SocketHTTPTransport()
let name = "SocketHTTPTransport"
#else
let transport: any HTTPTransport = CurlTransport(configuration: .init(additionalTrustRootFiles: arguments.count > 3 ? [arguments[3]] : []))
let name = "CurlTransport"
#endif

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

let request = HTTPRequest(url: url)
var bytes = 0
for _ in 0..<20 { bytes = try await transport.fetch(request).count }
var samples: [Double] = []
samples.reserveCapacity(calls)
let cpuStart = cpuSeconds()
let clock = ContinuousClock()
for _ in 0..<calls {
    let start = clock.now
    _ = try await transport.fetch(request)
    let elapsed = clock.now - start
    samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
}
let cpu = (cpuSeconds() - cpuStart) / Double(calls) * 1e6
let sorted = samples.sorted()
let percentile = { (p: Double) in sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
let mean = sorted.reduce(0, +) / Double(sorted.count)
func micro(_ value: Double) -> String { String(Int(value.rounded())) }
print("\(name) \(calls) calls of \(bytes) bytes: p50 \(micro(percentile(0.5))) µs, p90 \(micro(percentile(0.9))) µs, "
      + "p99 \(micro(percentile(0.99))) µs, mean \(micro(mean)) µs; CPU \(micro(cpu)) µs per call")
