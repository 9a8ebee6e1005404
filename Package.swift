// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "traktql",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TraktQL", targets: ["TraktQL"]),
        .library(name: "TraktQLURLSession", targets: ["TraktQLURLSession"]),
        .library(name: "TraktEmulator", targets: ["TraktEmulator"]),
        .executable(name: "traktql", targets: ["traktql"]),
        .executable(name: "trakt-emulator", targets: ["trakt-emulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
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

        // The v1 activity API server over a deterministic generated dataset.
        .target(
            name: "TraktEmulator",
            dependencies: [
                "TraktProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
            ]
        ),

        // C shim over libedit: el_set/el_get/history are variadic and cannot be called from Swift.
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),

        // The REPL and script runner.
        .target(name: "TraktQLShell", dependencies: ["TraktQL", "TraktEmulator", "CEditLine"]),

        .executableTarget(
            name: "traktql",
            dependencies: ["TraktQLShell", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "trakt-emulator",
            dependencies: ["TraktEmulator", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(name: "TraktProtocolTests", dependencies: ["TraktProtocol"]),
        .testTarget(
            name: "TraktQLTests",
            dependencies: ["TraktQL", "TraktQLURLSession", "TraktEmulator", "TestSupport"],
            exclude: ["Golden"]
        ),
        .testTarget(name: "TraktEmulatorTests", dependencies: ["TraktEmulator"]),
        // Helpers shared by test targets (child processes with bounded waits).
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "TraktQLShellTests", dependencies: ["TraktQLShell", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TraktEmulator", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
