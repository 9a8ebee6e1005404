// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "traktql",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TraktQL", targets: ["TraktQL"]),
        .library(name: "TraktQLURLSession", targets: ["TraktQLURLSession"]),
        .library(name: "TraktQLHTTPClient", targets: ["TraktQLHTTPClient"]),
        .library(name: "TraktEmulator", targets: ["TraktEmulator"]),
        .library(name: "TraktEmulatorServer", targets: ["TraktEmulatorServer"]),
        .executable(name: "traktql", targets: ["traktql"]),
        .executable(name: "trakt-emulator", targets: ["trakt-emulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // https:// and proxies for the traktql command (TLS through swift-nio-ssl/BoringSSL). NIO
        // is in the binary anyway through the embedded emulator; see BENCHMARKS.md, "Transport".
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // What both sides of the v1 API agree on: the "PST" timestamp convention and the
        // SHA-1 credential digest. The one source of truth for the engine and the emulator.
        .target(name: "TraktProtocol"),

        // The language and engine: text → tokens → AST → checked query → Plan → rows → output.
        // Foundation only (plus TraktProtocol), so the fuzzer can compile it with plain swiftc.
        .target(name: "TraktQL", dependencies: ["TraktProtocol"]),

        // An optional URLSession transport (https:// for embedders). Kept out of TraktQL and the
        // traktql command: FoundationNetworking and libcurl add ~10 ms to every start.
        .target(name: "TraktQLURLSession", dependencies: ["TraktQL"]),

        // The https:// and proxy transport of the traktql command: AsyncHTTPClient, the system
        // trust store plus SSL_CERT_FILE/--cacert, HTTPS_PROXY/HTTP_PROXY/NO_PROXY. Kept out of
        // TraktQL, which stays Foundation-only; plain http:// stays on TraktQL's socket client.
        .target(
            name: "TraktQLHTTPClient",
            dependencies: [
                "TraktQL",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        // The emulator core: a deterministic generated dataset and the Trakt v1, v2 and OAuth
        // APIs over it, answering plain request values with plain response values. Foundation
        // and TraktProtocol only: no server, so traktql can call it in-process.
        .target(name: "TraktEmulator", dependencies: ["TraktProtocol"]),

        // The emulator's HTTP server (Hummingbird, HummingbirdTLS): sockets, TLS, timeouts and
        // the connection faults, in front of the core. Used by trakt-emulator and the tests.
        .target(
            name: "TraktEmulatorServer",
            dependencies: [
                "TraktEmulator",
                "TraktProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
            ]
        ),

        // C shim over libedit: el_set/el_get/history are variadic and cannot be called from Swift.
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),

        // The REPL and script runner.
        .target(name: "TraktQLShell", dependencies: ["TraktQL", "TraktQLHTTPClient", "TraktEmulator", "CEditLine"]),

        .executableTarget(
            name: "traktql",
            dependencies: ["TraktQLShell", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "trakt-emulator",
            dependencies: ["TraktEmulatorServer", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(name: "TraktProtocolTests", dependencies: ["TraktProtocol"]),
        .testTarget(
            name: "TraktQLTests",
            dependencies: ["TraktQL", "TraktQLURLSession", "TraktEmulatorServer", "TestSupport"],
            exclude: ["Golden"]
        ),
        .testTarget(name: "TraktEmulatorTests", dependencies: ["TraktEmulator", "TraktEmulatorServer"]),
        // Helpers shared by test targets (child processes with bounded waits, throwaway
        // certificate authorities made by openssl, a CONNECT proxy).
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/Support"
        ),
        .testTarget(name: "TraktQLShellTests", dependencies: ["TraktQLShell", "TraktEmulatorServer", "TestSupport"]),
        .testTarget(name: "TraktQLHTTPClientTests", dependencies: ["TraktQLHTTPClient", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TraktEmulatorServer", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
