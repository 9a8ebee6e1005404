// One 100-item page (≈140 KB) from a local trakt-emulator, through the HTTP client
// (CurlTransport: libcurl's multi handle on a thread of its own, kept-alive connection).
// Run: cd Benchmarks && swift package --disable-sandbox benchmark --target Transport
import Benchmark
import Foundation
import TraktEmulator
import TraktEmulatorServer
import TraktQL
import TraktQLCurl

/// The emulator, started once for all benchmarks of this process.
actor SharedEmulator {
    static let shared = SharedEmulator()
    private var server: EmulatorServer?

    func url(_ path: String) async throws -> URL {
        if server == nil {
            server = try await EmulatorServer.start(EmulatorConfiguration(host: "127.0.0.1", port: 0, seed: 42,
                                                                          now: Date(timeIntervalSince1970: 1_717_243_200)))
        }
        return server!.baseURL.appendingPathComponent(path)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
                                           maxDuration: .seconds(5), maxIterations: 5_000)
    let transports: [(String, any HTTPTransport)] = [
        ("CurlTransport", CurlTransport()),
    ]
    for (name, transport) in transports {
        Benchmark("GET one 100-item page, \(name)") { benchmark in
            let url = try await SharedEmulator.shared.url("activity/community.json/key")
            let request = HTTPRequest(url: url)
            _ = try await transport.fetch(request)  // connect and warm up outside the measurement
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try await transport.fetch(request))
            }
        }
    }
}
