// swift-tools-version: 6.1
// Benchmarks, kept out of the root package so that its build (and CI) stays fast.
//   cd Benchmarks && swift package --disable-sandbox benchmark
// Benchmarks/compare.sh (traktql against jq on a 100 MB dump) needs none of this.
import PackageDescription

let package = Package(
    name: "traktql-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "traktql", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // lex + parse + check + plan of five typical queries.
        .executableTarget(
            name: "FrontEnd",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TraktQL", package: "traktql"),
            ],
            path: "Benchmarks/FrontEnd",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // --input: the streaming reader against the plain decoder on a generated 20 MB dump.
        .executableTarget(
            name: "LocalInput",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TraktQL", package: "traktql"),
            ],
            path: "Benchmarks/LocalInput",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // One 100-item page from a local emulator through the HTTP client (libcurl).
        .executableTarget(
            name: "Transport",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TraktQL", package: "traktql"),
                .product(name: "TraktQLCurl", package: "traktql"),
                .product(name: "TraktEmulator", package: "traktql"),
                .product(name: "TraktEmulatorServer", package: "traktql"),
            ],
            path: "Benchmarks/Transport",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
