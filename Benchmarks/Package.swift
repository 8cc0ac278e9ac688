// swift-tools-version: 6.1
import Foundation
import PackageDescription

// DPSynth's speed targets, measured with package-benchmark. Its own package so the main build
// stays light: `make bench` (or `swift package benchmark` here).
// A path dependency's identity is its folder name, so read it instead of assuming one.
let dpsynth = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "DPSynthBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: dpsynth.path),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "DPData", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPRandomness", package: dpsynth.lastPathComponent.lowercased()),
            ],
            path: "Benchmarks/BenchmarkSupport"
        ),
        .executableTarget(
            name: "SamplerBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "DPAccounting", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPRandomness", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPMechanisms", package: dpsynth.lastPathComponent.lowercased()),
            ],
            path: "Benchmarks/SamplerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "AccountantBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "DPAccounting", package: dpsynth.lastPathComponent.lowercased()),
            ],
            path: "Benchmarks/AccountantBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "DataBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "DPData", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPRandomness", package: dpsynth.lastPathComponent.lowercased()),
            ],
            path: "Benchmarks/DataBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "GeneratorBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "DPAudit", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "DPAccounting", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPData", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPGenerators", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPNeural", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPRandomness", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPSynthesis", package: dpsynth.lastPathComponent.lowercased()),
            ],
            path: "Benchmarks/GeneratorBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "NeuralBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "DPAccounting", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPNeural", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPRandomness", package: dpsynth.lastPathComponent.lowercased()),
            ],
            path: "Benchmarks/NeuralBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "AuditBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "DPAccounting", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPAudit", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPData", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPGenerators", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPRandomness", package: dpsynth.lastPathComponent.lowercased()),
                .product(name: "DPSynthesis", package: dpsynth.lastPathComponent.lowercased()),
            ],
            path: "Benchmarks/AuditBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
