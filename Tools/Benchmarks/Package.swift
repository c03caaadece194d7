// swift-tools-version: 6.1
import PackageDescription

// Benchmarks are not tests (style.md §6): a nested package, so the root's build and test runs never compile
// or time them. Run: swift run -c release --package-path Tools/Benchmarks cus-bench ledger
let package = Package(
    name: "CUSBenchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cus-bench", targets: ["CUSBench"])
    ],
    dependencies: [
        .package(name: "CUSLedger", path: "../.."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .executableTarget(
            name: "CUSBench",
            dependencies: [
                .product(name: "CUSLedger", package: "CUSLedger"),
                .product(name: "CLMDB", package: "CUSLedger"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ]
        )
    ]
)
