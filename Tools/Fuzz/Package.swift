// swift-tools-version: 6.1
// libFuzzer harnesses for CUSLedger's decoders and verifiers (issue #13): build and run with `Tools/fuzz`, which
// passes `--sanitize=fuzzer --sanitize=address`. A separate package so the product never links libFuzzer.
import PackageDescription

let package = Package(
    name: "CUSLedgerFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "CUSLedger", path: "../..")],
    targets: [
        .executableTarget(
            name: "CUSFuzz",
            dependencies: [.product(name: "CUSLedger", package: "CUSLedger")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ]
)
