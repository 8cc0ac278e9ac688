// swift-tools-version: 6.1
import PackageDescription

// Layers, each depending only on the ones before it:
// system shims, shared numerics -> randomness and samplers -> accounting (budgets), mechanisms, ledger -> data
// (files and PostgreSQL tables: DPSources) -> the generator protocol (DPSynthesis) -> generators (marginal, neural) -> audit -> report
// (rendering, signing) -> release stages (DPRelease) -> CLI.
let package = Package(
    name: "DPSynth",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dpsynth", targets: ["dpsynth"]),
        .library(name: "DPRandomness", targets: ["DPRandomness"]),
        .library(name: "DPNumerics", targets: ["DPNumerics"]),
        .library(name: "DPAccounting", targets: ["DPAccounting"]),
        .library(name: "DPMechanisms", targets: ["DPMechanisms"]),
        .library(name: "DPLedger", targets: ["DPLedger"]),
        .library(name: "DPData", targets: ["DPData"]),
        .library(name: "DPSources", targets: ["DPSources"]),
        .library(name: "DPSynthesis", targets: ["DPSynthesis"]),
        .library(name: "DPGenerators", targets: ["DPGenerators"]),
        .library(name: "DPNeural", targets: ["DPNeural"]),
        .library(name: "DPAudit", targets: ["DPAudit"]),
        .library(name: "DPReport", targets: ["DPReport"]),
        .library(name: "DPRelease", targets: ["DPRelease"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .systemLibrary(
            name: "CGMP",
            providers: [.apt(["libgmp-dev"])]
        ),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(
            name: "CBLAS",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "CWideExponential"),
        .target(name: "DPRandomness", dependencies: ["CSodium", "CGMP"]),
        .target(name: "DPNumerics"),
        .target(name: "DPAccounting", dependencies: ["DPNumerics"]),
        .target(name: "DPMechanisms", dependencies: ["DPRandomness", "DPAccounting"]),
        .target(
            name: "DPLedger",
            dependencies: ["CSodium", "DPAccounting", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "DPData",
            dependencies: ["DPRandomness", "DPAccounting", "DPMechanisms", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "DPSources", dependencies: ["CLibPQ", "DPData", "DPLedger"]),
        .target(
            name: "DPSynthesis",
            dependencies: ["DPRandomness", "DPAccounting", "DPData"]
        ),
        .target(
            name: "DPGenerators",
            dependencies: ["CWideExponential", "DPRandomness", "DPAccounting", "DPMechanisms", "DPData", "DPSynthesis"]
        ),
        .target(
            name: "DPNeural",
            dependencies: [
                "CBLAS", "DPNumerics", "DPRandomness", "DPAccounting", "DPMechanisms", "DPData", "DPSynthesis",
            ]
        ),
        .target(
            name: "DPAudit",
            dependencies: [
                "DPNumerics", "DPRandomness", "DPAccounting", "DPData", "DPSynthesis",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "DPReport",
            dependencies: ["CSodium", "DPRandomness", "DPAccounting", "DPLedger", "DPData", "DPAudit"]
        ),
        .target(
            name: "DPRelease",
            dependencies: [
                "DPRandomness", "DPAccounting", "DPLedger", "DPData", "DPSynthesis", "DPGenerators", "DPNeural",
                "DPAudit", "DPReport", "DPSources", .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "DPSynthCLI",
            dependencies: [
                "DPRandomness", "DPAccounting", "DPMechanisms", "DPLedger", "DPData", "DPSynthesis", "DPGenerators",
                "DPNeural", "DPAudit", "DPReport", "DPRelease", "DPSources",
                .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(name: "dpsynth", dependencies: ["DPSynthCLI", "CMalloc"]),
        .target(
            name: "DPTestSupport",
            dependencies: ["DPAccounting", "DPData", "DPLedger", "DPSources", "DPSynthesis", "DPGenerators"],
            path: "Tests/DPTestSupport"),
        .testTarget(name: "DPRandomnessTests", dependencies: ["DPRandomness", "DPTestSupport"]),
        .testTarget(name: "DPAccountingTests", dependencies: ["DPAccounting", "DPTestSupport"]),
        .testTarget(name: "DPMechanismsTests", dependencies: ["DPMechanisms", "DPRandomness", "DPTestSupport"]),
        .testTarget(
            name: "DPLedgerTests",
            dependencies: ["DPLedger", "DPAccounting", "DPTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "DPSourcesTests",
            dependencies: [
                "DPSources", "DPData", "DPLedger", "DPAccounting", "DPGenerators", "DPRandomness", "DPTestSupport",
            ]),
        .testTarget(name: "DPDataTests", dependencies: ["DPData", "DPLedger", "DPTestSupport"]),
        .testTarget(name: "DPGeneratorsTests", dependencies: ["DPGenerators", "DPSynthesis", "DPLedger", "DPTestSupport"]),
        .testTarget(name: "DPNeuralTests", dependencies: ["DPNeural", "DPSynthesis", "DPLedger", "DPTestSupport"]),
        .testTarget(
            name: "DPAuditTests",
            dependencies: ["DPAudit", "DPGenerators", "DPNeural", "DPSynthesis", "DPLedger", "DPTestSupport"]),
        .testTarget(name: "DPReportTests", dependencies: ["DPReport", "DPData", "DPAudit", "DPTestSupport"]),
        .testTarget(
            name: "DPReleaseTests",
            dependencies: [
                "DPRelease", "DPSynthesis", "DPReport", "DPAudit", "DPLedger", "DPData", "DPRandomness", "DPMechanisms",
                "DPNeural", "DPAccounting", "DPTestSupport",
            ]
        ),
        .testTarget(
            name: "DPSynthCLITests", dependencies: ["DPSynthCLI", "DPAudit", "DPLedger", "DPRandomness", "DPTestSupport"]),
        .testTarget(name: "ProofsTests"),
    ]
)
