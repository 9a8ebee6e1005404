// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "traktql",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TraktQL", targets: ["TraktQL"]),
        .library(name: "TraktQLCurl", targets: ["TraktQLCurl"]),
        .library(name: "TraktQLMirror", targets: ["TraktQLMirror"]),
        .library(name: "TraktEmulator", targets: ["TraktEmulator"]),
        .library(name: "TraktEmulatorServer", targets: ["TraktEmulatorServer"]),
        .executable(name: "traktql", targets: ["traktql"]),
        .executable(name: "trakt-emulator", targets: ["trakt-emulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // The tests' loopback helpers (a CONNECT/forward proxy); the emulator has NIO through Hummingbird.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // What both sides of the v1 API agree on: the "PST" timestamp convention and the
        // SHA-1 credential digest. The one source of truth for the engine and the emulator.
        .target(name: "TraktProtocol"),

        // The language and engine: text → tokens → AST → checked query → Plan → rows → output.
        // Foundation only (plus TraktProtocol), so the fuzzer can compile it with plain swiftc.
        .target(name: "TraktQL", dependencies: ["TraktProtocol"]),

        // C shim over libcurl, which it loads with dlopen on first use: curl_easy_setopt is
        // variadic, and a statement that makes no call must not load libcurl and OpenSSL.
        // Building needs libcurl's headers (Debian: libcurl4-openssl-dev); nothing links libcurl.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),

        // The one HTTP client, for http:// and https://: libcurl (system trust store plus
        // SSL_CERT_FILE/SSL_CERT_DIR/--cacert, HTTPS_PROXY/HTTP_PROXY/NO_PROXY, keep-alive,
        // HTTP/2, body cap, timeouts, cancellation). Kept out of TraktQL, which stays Foundation-only.
        .target(name: "TraktQLCurl", dependencies: ["TraktQL", "TraktProtocol", "CCurl"]),

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

        // The system's SQLite (Debian: libsqlite3-dev), for the mirror. Not GRDB: it adds 12.4 MB
        // to a release binary (measured; see SQLiteConnection.swift), over issue 23's 90 MB.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // The local mirror: a SQLite copy of an account, kept in step by `traktql sync` through
        // /sync/last_activities, and the database the mirror backend's SQL runs on.
        .target(name: "TraktQLMirror", dependencies: ["TraktQL", "TraktProtocol", "CSQLite"]),

        // C shim over libedit: el_set/el_get/history are variadic and cannot be called from Swift.
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),

        // The REPL and script runner.
        .target(name: "TraktQLShell", dependencies: ["TraktQL", "TraktQLCurl", "TraktQLMirror", "TraktEmulator", "CEditLine"]),

        .executableTarget(
            name: "traktql",
            dependencies: ["TraktQLShell", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            // The release binary keeps its debug information (crash backtraces, debuggers) but
            // compressed: 16 MB of DWARF become 4.7 MB (issue 23's size target; BENCHMARKS.md,
            // "Binary size"). Nothing at run time reads these sections.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--compress-debug-sections=zlib"], .when(platforms: [.linux], configuration: .release))]
        ),
        .executableTarget(
            name: "trakt-emulator",
            dependencies: ["TraktEmulatorServer", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(name: "TraktProtocolTests", dependencies: ["TraktProtocol"]),
        .testTarget(
            name: "TraktQLTests",
            dependencies: ["TraktQL", "TraktQLCurl", "TraktEmulator", "TraktEmulatorServer", "TestSupport"],
            exclude: ["Golden"]
        ),
        .testTarget(name: "TraktQLMirrorTests", dependencies: ["TraktQLMirror", "TraktQL", "TraktQLCurl", "TraktEmulator", "TestSupport"]),
        .testTarget(name: "TraktEmulatorTests", dependencies: ["TraktEmulator", "TraktEmulatorServer", "TestSupport"]),
        // Helpers shared by test targets (child processes with bounded waits, throwaway
        // certificate authorities made by openssl, a CONNECT proxy, emulators stopped before a
        // test ends).
        .target(
            name: "TestSupport",
            dependencies: [
                "TraktEmulatorServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/Support"
        ),
        .testTarget(name: "TraktQLShellTests", dependencies: ["TraktQLShell", "TraktEmulatorServer", "TestSupport"]),
        .testTarget(
            name: "TraktQLCurlTests",
            dependencies: [
                "TraktQLCurl", "TestSupport",
                // An HTTP/2 server over TLS, to check that the client speaks it where offered.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            // TraktQLMirror: the mirror tests read the database `traktql sync` wrote (SQLiteConnection).
            dependencies: ["TraktEmulator", "TraktEmulatorServer", "TestSupport", "TraktQLMirror"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
