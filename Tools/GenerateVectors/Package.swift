// swift-tools-version: 6.1
import PackageDescription

// Writes the test vectors of Schemas/ (ledger.md §3.4) with the ledger's own code. A nested dev-only package,
// so the root's builds never compile it. Regenerate (from the repository root):
//
//     swift run --package-path Tools/GenerateVectors --scratch-path .build-vectors-gen generate-vectors Schemas
//
// The output is deterministic on Linux (swift-crypto's BoringSSL signs Ed25519 per RFC 8032; CryptoKit on
// Apple platforms randomises the signature, so the checkpoint line would differ there).
let package = Package(
    name: "GenerateVectors",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "generate-vectors", targets: ["GenerateVectors"])
    ],
    dependencies: [
        .package(name: "CUSLedger", path: "../.."),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "GenerateVectors",
            dependencies: [
                .product(name: "CUSLedger", package: "CUSLedger"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ]
        )
    ]
)
