// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "CUSLedger",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CUSLedger", targets: ["LMDB", "Ledger", "Domain", "Vault", "Commands", "Projections", "Duties"]),
        .library(name: "LedgerTesting", targets: ["LedgerTesting"]),
        // Exposed for the raw-LMDB baselines of Tools/Benchmarks only.
        .library(name: "CLMDB", targets: ["CLMDB"]),
        .executable(name: "cus", targets: ["cus"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Already resolved through Hummingbird; named for the server's timeouts (`TimeAmount`, HTTP parts).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(
            name: "LMDB",
            dependencies: ["CLMDB"],
            exclude: ["README.md"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Ledger",
            dependencies: [
                "LMDB",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Domain",
            swiftSettings: strictSettings
        ),
        .target(
            name: "Vault",
            dependencies: [
                "LMDB",
                "Ledger",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Commands",
            dependencies: [
                "Domain",
                "Vault",
                "Ledger",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Projections",
            dependencies: [
                "Domain",
                "Vault",
                "Ledger",
                "LMDB",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Duties",
            dependencies: [
                "Commands",
                "Projections",
                "Domain",
                // The ledger duties (checkpoint, backup, reader check) call the ledger and its environment directly.
                "Ledger",
                "LMDB",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "HTTPAPI",
            dependencies: [
                "Commands",
                "Duties",
                "Projections",
                "Domain",
                "Vault",
                "Ledger",
                "LMDB",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "LedgerTesting",
            dependencies: ["Ledger", "LMDB"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "cus",
            dependencies: [
                "Duties",
                "HTTPAPI",
                "Commands",
                "Projections",
                "Domain",
                "Vault",
                "Ledger",
                "LMDB",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LMDBTests",
            dependencies: ["LMDB", "LedgerTesting"],
            swiftSettings: strictSettings
        ),
        // The child process of the kill -9 suites; not a product.
        .executableTarget(
            name: "CrashWriter",
            dependencies: ["Ledger", "LMDB", "Commands", "Domain"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["Ledger", "LMDB", "LedgerTesting", "Vault", "Commands", "Domain"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LedgerCrashTests",
            dependencies: ["Ledger", "LMDB", "LedgerTesting", "Commands", "Domain", "Vault"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LedgerSimulationTests",
            dependencies: ["Ledger", "LMDB", "LedgerTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LedgerTamperTests",
            dependencies: ["Ledger", "LMDB", "LedgerTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DomainTests",
            dependencies: ["Domain", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "VaultTests",
            dependencies: [
                "Vault", "Ledger", "LMDB", "LedgerTesting", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CommandsTests",
            dependencies: ["Commands", "Domain", "Vault", "Ledger", "LedgerTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: ["Projections", "Commands", "Domain", "Vault", "Ledger", "LMDB", "LedgerTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DutiesTests",
            dependencies: [
                "Duties", "Projections", "Commands", "Domain", "Vault", "Ledger", "LedgerTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HTTPAPITests",
            dependencies: [
                "HTTPAPI", "Duties", "Commands", "Projections", "Domain", "Vault", "Ledger", "LedgerTesting", "LMDB",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LedgerTests",
            dependencies: ["Ledger", "LMDB", "LedgerTesting"],
            swiftSettings: strictSettings
        ),
    ]
)
