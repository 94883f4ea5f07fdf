// swift-tools-version:6.0
import PackageDescription

/// The hot loops are written with SIMD types; let the compiler use AVX2 and FMA for them, and optimise them
/// in debug builds too (unoptimised SIMD code is ~150× slower, which would make the tests crawl).
/// `-fno-math-errno` lets `squareRoot()` of a SIMD vector compile to one vector instruction: with C's errno
/// rules each lane became a scalar square root with a library-call fallback (Adam's update was 3× slower).
#if arch(x86_64)
let vectorFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell", "-Xcc", "-fno-math-errno"]),
                                   .unsafeFlags(["-O"], .when(configuration: .debug))]
#else
let vectorFlags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-fno-math-errno"]), .unsafeFlags(["-O"], .when(configuration: .debug))]
#endif

let package = Package(
    name: "digitty",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "DigittyEngine", targets: ["DigittyEngine"]),
        .library(name: "DigittyVision", targets: ["DigittyVision"]),
        .library(name: "DigittyONNX", targets: ["DigittyONNX"]),
        .executable(name: "digitty", targets: ["DigittyCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
    ],
    targets: [
        // The CNN engine: tensors, layers, inference, training, model files. No UI.
        .target(name: "DigittyEngine", swiftSettings: vectorFlags),
        // zlib, for gzip'd MNIST files and PNG images.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Images, MNIST files, augmentation and MNIST-style preprocessing of drawn digits.
        .target(name: "DigittyVision", dependencies: ["DigittyEngine", "CZlib"], swiftSettings: vectorFlags),
        // ONNX interop: import and run ONNX graphs, convert them to native models, export native models.
        .target(
            name: "DigittyONNX",
            dependencies: ["DigittyEngine", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: vectorFlags
        ),
        // ncursesw, behind a C shim (its macros and globals do not import into Swift).
        .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw", providers: [.apt(["libncurses-dev"])]),
        // The terminal app: canvas, input decoding, layout and rendering in plain Swift; ncurses in one adapter.
        .target(name: "DigittyTerminal", dependencies: ["DigittyEngine", "DigittyVision", "CNcursesw"]),
        // `digitty serve`: the prediction API, the drawing page, metrics, on SwiftNIO's HTTP/1.1 codec and
        // Hummingbird's server.
        .target(
            name: "DigittyServer",
            dependencies: [
                "DigittyEngine", "DigittyVision", "DigittyONNX",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // Logging training runs to an MLflow tracking server over its REST API.
        .target(name: "DigittyTracking", dependencies: ["DigittyEngine"]),
        // The `digitty` command.
        .executableTarget(
            name: "DigittyCLI",
            dependencies: [
                "DigittyEngine", "DigittyVision", "DigittyONNX", "DigittyTerminal", "DigittyServer", "DigittyTracking",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: vectorFlags
        ),
        .testTarget(name: "DigittyEngineTests", dependencies: ["DigittyEngine"]),
        .testTarget(name: "DigittyVisionTests", dependencies: ["DigittyVision", "DigittyEngine"]),
        .testTarget(name: "DigittyCLITests", dependencies: ["DigittyCLI", "DigittyEngine", "DigittyVision"]),
        .testTarget(name: "DigittyONNXTests", dependencies: ["DigittyONNX", "DigittyEngine"],
                    exclude: ["Support/onnxruntime_reference.py"]),
        .testTarget(name: "DigittyTerminalTests", dependencies: ["DigittyTerminal", "DigittyEngine", "DigittyVision"]),
        .testTarget(name: "DigittyServerTests", dependencies: [
            "DigittyServer", "DigittyTracking", "DigittyTerminal", "DigittyEngine", "DigittyVision", "DigittyONNX",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ], exclude: ["WebPage/page_check.py"]),
    ]
)
