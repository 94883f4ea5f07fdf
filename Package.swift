// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "digitty",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "DigittyEngine", targets: ["DigittyEngine"]),
        .library(name: "DigittyVision", targets: ["DigittyVision"]),
        .library(name: "DigittyONNX", targets: ["DigittyONNX"]),
        .library(name: "DigittyTraining", targets: ["DigittyTraining"]),
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
        // The engine's hot loops in C, compiled for several instruction sets and chosen at run time (no build flags).
        .target(name: "CDigittyKernels", linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        // The inference engine: tensors, layers, kernels, models, model files. No UI, no training, no I/O policy.
        .target(name: "DigittyEngine", dependencies: ["CDigittyKernels"]),
        // zlib, for gzip'd MNIST files and PNG images.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Images, MNIST files, the pen, MNIST-style preprocessing, and the one reader: image in, verdict out.
        .target(name: "DigittyVision", dependencies: ["DigittyEngine", "CZlib"]),
        // Training: trainable layers, the trainer, optimizers, checkpoints, augmentation.
        .target(name: "DigittyTraining", dependencies: ["DigittyEngine", "DigittyVision", "CDigittyKernels"]),
        // Downloading MNIST over HTTP, each file verified by SHA-256 (the only networking besides tracking).
        .target(name: "DigittyDownload", dependencies: ["DigittyVision"]),
        // ONNX interop: import and run ONNX graphs, convert them to native models, export native models.
        .target(
            name: "DigittyONNX",
            dependencies: ["DigittyEngine", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // ncursesw, behind a C shim (its macros and globals do not import into Swift).
        .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw", providers: [.apt(["libncurses-dev"])]),
        // The terminal app: canvas, input decoding, layout and rendering in plain Swift; ncurses in one adapter.
        .target(name: "DigittyTerminal", dependencies: ["DigittyEngine", "DigittyVision", "DigittyTraining", "CNcursesw"]),
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
        .target(name: "DigittyTracking", dependencies: ["DigittyEngine", "DigittyTraining"]),
        // The `digitty` command.
        .executableTarget(
            name: "DigittyCLI",
            dependencies: [
                "DigittyEngine", "DigittyVision", "DigittyTraining", "DigittyDownload", "DigittyONNX", "DigittyTerminal",
                "DigittyServer", "DigittyTracking",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What every test target shares: the repository and ../shared, prerequisites (a skip, or a failure
        // under CI=true), the project's Python (.venv), the built binary, a local file server, the fuzz campaign.
        .target(name: "DigittyTestSupport", dependencies: ["DigittyVision"], path: "Tests/DigittyTestSupport"),
        .testTarget(name: "DigittyEngineTests", dependencies: ["DigittyEngine", "CDigittyKernels", "DigittyTestSupport"]),
        .testTarget(name: "DigittyVisionTests", dependencies: ["DigittyVision", "DigittyEngine", "DigittyTestSupport"]),
        .testTarget(name: "DigittyTrainingTests", dependencies: ["DigittyTraining", "DigittyVision", "DigittyEngine",
                                                                 "DigittyTestSupport"]),
        .testTarget(name: "DigittyDownloadTests", dependencies: ["DigittyDownload", "DigittyVision", "DigittyTestSupport"]),
        .testTarget(name: "DigittyCLITests", dependencies: ["DigittyCLI", "DigittyEngine", "DigittyVision", "DigittyTraining",
                                                         "DigittyDownload", "DigittyTestSupport"]),
        .testTarget(name: "DigittyONNXTests", dependencies: ["DigittyONNX", "DigittyEngine", "DigittyTestSupport"],
                    exclude: ["Support/onnxruntime_reference.py", "Support/exporter_graphs.py"]),
        .testTarget(name: "DigittyTerminalTests", dependencies: ["DigittyTerminal", "DigittyEngine", "DigittyVision",
                                                                 "DigittyTestSupport"]),
        .testTarget(name: "DigittyServerTests", dependencies: [
            "DigittyTestSupport",
            "DigittyServer", "DigittyTracking", "DigittyTerminal", "DigittyTraining", "DigittyEngine", "DigittyVision", "DigittyONNX",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ], exclude: ["WebPage/page_check.py"]),
    ]
)
