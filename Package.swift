// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "afa",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "afa", targets: ["afa"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
    ],
    targets: [
        // MARK: Executable: argument parsing only.
        .executableTarget(
            name: "afa",
            dependencies: [
                "Runtime", "App", "Catalog", "Jobs", "Storage", "CLIP", "ModelHub", "WireTypes",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: Service modules.
        // The composition root: reads the configuration once and builds the catalog, the store,
        // the pipeline, the workers and the HTTP app for each role.
        .target(
            name: "Runtime",
            dependencies: [
                "App", "Processing", "Catalog", "Jobs", "Ingest", "Documents", "Storage", "Imaging", "CLIP", "Organise",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // HTTP only: never links libvips, ffmpeg or CLIP.
        .target(
            name: "App",
            dependencies: [
                "Catalog", "Jobs", "Ingest", "Documents", "Schema", "Storage", "Media", "Multipart", "WireTypes",
                "Organise", "Search",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // Served at `GET /openapi.yaml`. Built into the binary (not a resource bundle beside it), so
            // `afa` serves the spec of its own version wherever it is copied; the file is a symlink to
            // docs/openapi.yaml, the one source.
            resources: [.embedInCode("Resources/openapi.yaml")]
        ),
        // Request → stored blobs + catalog rows.
        .target(
            name: "Ingest",
            dependencies: [
                "Catalog", "Storage", "Media", "Schema", "Documents",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // JSON collections: placing documents at ingest, reviews, proposals, records.
        .target(
            name: "Documents",
            dependencies: [
                "Catalog", "Jobs", "Schema", "Storage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Media search: query vectors, the signals' look-ups, one fused ranking, the cut-off.
        .target(name: "Search", dependencies: ["Catalog"]),
        // The stages and the pipeline definition.
        .target(
            name: "Processing",
            dependencies: [
                "Catalog", "Jobs", "Storage", "Media", "Schema", "Imaging", "Subprocesses", "CLIP", "ModelHub",
                "Organise", "Search",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The durable queue model: stage graph, keyed tasks, worker pools, compute pool.
        .target(
            name: "Jobs",
            dependencies: [
                "Catalog",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "Catalog",
            dependencies: [
                "Subprocesses", "Schema", "Organise",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Child processes with timeouts that kill the whole process group (initdb, ffmpeg).
        .target(
            name: "Subprocesses",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]),
        .target(
            name: "Storage",
            dependencies: [
                "CLinuxShims",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),

        // MARK: Pure libraries: no HTTP, no SQL.
        .target(name: "Multipart", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        // The request and response bodies of the API, shared by the server, the CLI and the tests.
        .target(name: "WireTypes"),
        .target(name: "Media"),
        // libvips behind a small Swift surface: one decode per image, every rendition from it.
        .target(
            name: "Imaging",
            dependencies: ["CVips", "Media", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Schema"),
        .target(name: "Organise", dependencies: ["CBLAS"]),
        .target(name: "CLIP", dependencies: ["CBLAS", "CZlib", "CDNNL", "CKernels"]),
        // The CLIP engine's own kernels (C with intrinsics, chosen per CPU at run time). Optimised
        // in debug builds too: at -O0 the tests that run them would take minutes.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"])]),
        .target(
            name: "ModelHub",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: System libraries.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLinuxShims"),
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        // oneDNN has no pkg-config file on Debian; the module map links -ldnnl.
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),

        // MARK: Tests.
        .testTarget(name: "MediaTests", dependencies: ["Media"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CLIPTests", dependencies: ["CLIP"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ModelHubTests",
            dependencies: [
                "ModelHub", "CLIP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "StorageTests", dependencies: ["Storage"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "Media"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SubprocessesTests", dependencies: ["Subprocesses"]),
        .testTarget(
            name: "MultipartTests", dependencies: ["Multipart", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "SchemaTests", dependencies: ["Schema"]),
        .testTarget(name: "OrganiseTests", dependencies: ["Organise"]),
        .testTarget(name: "SearchTests", dependencies: ["Search"]),
        .testTarget(name: "ProcessingTests", dependencies: ["Processing"]),
        // What every integration suite shares: the test cluster, a live server built by the
        // production builder, raw HTTP, the real binary as a child process, test stages.
        .target(
            name: "TestSupport",
            dependencies: [
                "App", "Runtime", "Processing", "Catalog", "Jobs", "Ingest", "Storage", "WireTypes",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/TestSupport",
            resources: [.copy("Fixtures")]
        ),
        // `afa worker` with a fixture pipeline, for tests and benchmarks that need real processes.
        .executableTarget(
            name: "afa-fixture-worker",
            dependencies: [
                "Runtime", "App", "Catalog", "Jobs",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/FixtureWorker"
        ),
        // bench/queue: `/healthz` latency while CLIP occupies the compute pool.
        .executableTarget(
            name: "afa-compute-bench",
            dependencies: [
                "Runtime", "App", "Catalog", "Jobs", "Processing", "Storage", "CLIP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/queue/ComputeLoad"
        ),
        // bench/json: schema inference throughput (parse + statistics) on one core.
        .executableTarget(name: "afa-schema-bench", dependencies: ["Schema"], path: "bench/json/Inference"),
        // bench/search: fusion and cut-off quality on a synthetic labelled library.
        .executableTarget(
            name: "afa-fusion-bench", dependencies: ["Search", "Organise"], path: "bench/search/Fusion"),
        // bench/organise: clustering quality and time, duplicate look-ups, files moved per second.
        .executableTarget(
            name: "afa-organise-bench",
            dependencies: [
                "Organise", "Catalog", "Processing", "Storage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "bench/organise/Organise"),
        // bench/search: pgvector HNSW search latency, recall, filtered search, throughput, index builds.
        .executableTarget(
            name: "afa-search-bench",
            dependencies: [
                "Catalog", "CBLAS", "Search", "Processing", "CLIP", "Jobs", "Imaging",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "bench/search/Search"),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "TestSupport", "App", "Runtime", "Processing", "Catalog", "Jobs", "Ingest", "Storage", "Schema",
                "WireTypes", "CLIP", "Imaging",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "CatalogTests",
            dependencies: [
                "TestSupport", "Catalog", "Jobs", "Schema",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "JobsTests",
            dependencies: [
                "TestSupport", "Jobs", "Catalog", "WireTypes",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
    ]
)
