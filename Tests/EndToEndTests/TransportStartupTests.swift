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
    /// TraktQLCurl only, and its whole graph — the built-in emulator included, which is the
    /// emulator core (TraktEmulator) without its server — holds no NIO, NIOSSL, BoringSSL,
    /// Hummingbird or AsyncHTTPClient module (issue 23, item 4). `trakt-emulator` still has them
    /// through TraktEmulatorServer, which is how the check knows it can see them.
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
        /// Every target `root` depends on, and every product of another package they use.
        func closure(of root: String) -> (targets: Set<String>, products: Set<String>) {
            var seen: Set<String> = []
            var products: Set<String> = []
            var queue = [root]
            while let name = queue.popLast() {
                guard seen.insert(name).inserted, let target = targets[name] else { continue }
                queue += target["target_dependencies"] as? [String] ?? []
                products.formUnion(target["product_dependencies"] as? [String] ?? [])
            }
            return (seen, products)
        }
        func networkStacks(_ modules: Set<String>) -> [String] {
            modules.filter { name in ["NIO", "CNIO", "Hummingbird", "AsyncHTTPClient", "ServiceLifecycle"].contains { name.hasPrefix($0) } }.sorted()
        }
        let command = closure(of: "traktql")
        #expect(command.targets.contains("TraktQLCurl") && command.targets.contains("CCurl"), "\(command.targets.sorted())")
        #expect(command.targets.contains("TraktEmulator") && !command.targets.contains("TraktEmulatorServer"), "\(command.targets.sorted())")
        #expect(!command.targets.contains("TraktQLHTTPClient") && !command.targets.contains("TraktQLURLSession"), "\(command.targets.sorted())")
        #expect(networkStacks(command.targets.union(command.products)).isEmpty, "\(networkStacks(command.targets.union(command.products)))")
        // The same walk over trakt-emulator finds Hummingbird (so the check can see a stack).
        let emulator = closure(of: "trakt-emulator")
        #expect(networkStacks(emulator.products).contains("Hummingbird"), "\(emulator.products.sorted())")
    }

    /// The built binary, not only the package graph: no symbol of NIO, NIOSSL, BoringSSL or
    /// Hummingbird is linked into traktql (Swift symbols carry their module's name), while
    /// trakt-emulator's binary has them.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/nm"), "needs nm"))
    func theCommandsBinaryLinksNoNIONorHummingbird() async throws {
        func foreignModules(_ binary: String) async throws -> Set<String> {
            let symbols = try await BinaryRunner.runProgram("/usr/bin/nm", ["--defined-only", BinaryRunner.binary(binary).path], timeout: 120)
            #expect(symbols.status == 0, "\(symbols.stderr)")
            var found: Set<String> = []
            for module in ["7NIOCore", "8NIOPosix", "6NIOSSL", "11Hummingbird", "14HummingbirdTLS", "14AsyncHTTPClient", "16ServiceLifecycle"]
                where symbols.stdout.contains("$s" + module) {
                found.insert(String(module.drop { $0.isNumber }))
            }
            if symbols.stdout.contains("CNIOBoringSSL_") { found.insert("CNIOBoringSSL") }
            return found
        }
        let command = try await foreignModules("traktql")
        #expect(command.isEmpty, "\(command.sorted())")
        let emulator = try await foreignModules("trakt-emulator")
        #expect(emulator.isSuperset(of: ["NIOCore", "Hummingbird"]), "\(emulator.sorted())")
    }
}
