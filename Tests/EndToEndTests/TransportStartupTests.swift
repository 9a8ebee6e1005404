import Foundation
import Testing

/// The command's one HTTP client costs nothing until a statement makes a call, and is the only
/// network stack of the command (`traktql` links no AsyncHTTPClient, NIO or BoringSSL for it).
@Suite("The HTTP client at start-up")
struct TransportStartupTests {
    /// glibc's loader names every library it loads, `dlopen` included, with `LD_DEBUG=files`.
    static let loaderTraces: Bool = {
        #if os(Linux) && canImport(Glibc)
        return true
        #else
        return false
        #endif
    }()

    static func loadedLibraries(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "file=") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != " " && $0 != ";" })
        }
    }

    @Test(.enabled(if: loaderTraces, "LD_DEBUG=files is glibc's"))
    func aStatementWithoutACallLoadsNeitherLibcurlNorTLS() async throws {
        let explain = try await BinaryRunner.run("traktql", ["--api-url", "http://127.0.0.1:9", "-c", "explain activity since:7d"],
                                                 environment: ["LD_DEBUG": "files"])
        #expect(explain.status == 0, "\(explain.stderr.suffix(500))")
        let loadedByExplain = Self.loadedLibraries(explain.stderr)
        #expect(!loadedByExplain.isEmpty, "no loader trace")
        #expect(!loadedByExplain.contains { $0.contains("libcurl") || $0.contains("libssl") || $0.contains("libcrypto") }, "\(loadedByExplain)")
        // A statement that calls loads libcurl (and its OpenSSL) on that call.
        let call = try await BinaryRunner.run("traktql", ["--api-url", "http://127.0.0.1:9", "-c", "activity since:7d | count"],
                                              environment: ["LD_DEBUG": "files", "TRAKT_API_KEY": "k"])
        #expect(call.status == 2)
        let loadedByCall = Self.loadedLibraries(call.stderr)
        #expect(loadedByCall.contains { $0.hasPrefix("libcurl.so") }, "\(loadedByCall)")
        #expect(call.stderr.contains("could not connect (connection refused)"), "\(call.stderr.suffix(800))")
    }

    /// Read from the package's own description: the command reaches the network through
    /// TraktQLCurl only. The built-in emulator (TraktEmulator) still brings Hummingbird and NIO
    /// until it answers in-process; everything else in the command's graph is free of them.
    @Test func theCommandsOnlyHTTPStackIsLibcurl() async throws {
        // `--ignore-lock`: this test runs inside `swift test`, which holds the package's lock.
        let described = try await BinaryRunner.runProgram("/usr/bin/env", ["swift", "package", "--ignore-lock", "describe", "--type", "json"], timeout: 120)
        #expect(described.status == 0, "\(described.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(described.stdout.utf8)) as? [String: Any])
        let packages = (json["dependencies"] as? [[String: Any]] ?? []).compactMap { $0["identity"] as? String }
        #expect(!packages.contains("async-http-client"), "\(packages)")
        let targets = Dictionary(uniqueKeysWithValues: (json["targets"] as? [[String: Any]] ?? []).compactMap { target -> (String, [String: Any])? in
            guard let name = target["name"] as? String else { return nil }
            return (name, target)
        })
        // Every target the command depends on, and every product of another package they use,
        // leaving out the emulator (see above).
        var seen: Set<String> = []
        var products: Set<String> = []
        var queue = ["traktql"]
        while let name = queue.popLast() {
            guard name != "TraktEmulator", seen.insert(name).inserted, let target = targets[name] else { continue }
            queue += target["target_dependencies"] as? [String] ?? []
            products.formUnion(target["product_dependencies"] as? [String] ?? [])
        }
        #expect(seen.contains("TraktQLCurl") && seen.contains("CCurl"), "\(seen.sorted())")
        #expect(!seen.contains("TraktQLHTTPClient") && !seen.contains("TraktQLURLSession"), "\(seen.sorted())")
        let networkStacks = products.filter { $0.hasPrefix("NIO") || $0.hasPrefix("Hummingbird") || $0 == "AsyncHTTPClient" }
        #expect(networkStacks.isEmpty, "\(networkStacks.sorted())")
    }
}
