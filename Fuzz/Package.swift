// swift-tools-version: 6.1
import Foundation
import PackageDescription

// libFuzzer targets for the CSV reader, the schema loader, the release config and policy parsers,
// the model-file loader, the ledger opener and the exact-number parser. Build and run with `make fuzz`
// (swift build --sanitize fuzzer); not part of `make test`. The entry points live outside
// main.swift so libFuzzer supplies `main`.
let dpsynth = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "DPSynthFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: dpsynth.path)],
    targets: [
        .executableTarget(
            name: "CSVFuzzer",
            dependencies: [.product(name: "DPData", package: dpsynth.lastPathComponent.lowercased())]
        ),
        .executableTarget(
            name: "SchemaFuzzer",
            dependencies: [.product(name: "DPData", package: dpsynth.lastPathComponent.lowercased())]
        ),
        .executableTarget(
            name: "ConfigFuzzer",
            dependencies: [
                .product(name: "DPAudit", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPRelease", package: dpsynth.lastPathComponent.lowercased()),
            ]
        ),
        .executableTarget(
            name: "ModelFileFuzzer",
            dependencies: [
                .product(name: "DPRelease", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPSynthesis", package: dpsynth.lastPathComponent.lowercased()),
            ]
        ),
        .executableTarget(
            name: "LedgerFuzzer",
            dependencies: [.product(name: "DPLedger", package: dpsynth.lastPathComponent.lowercased())]
        ),
        .executableTarget(
            name: "NumberFuzzer",
            dependencies: [.product(name: "DPRandomness", package: dpsynth.lastPathComponent.lowercased())]
        ),
    ]
)
