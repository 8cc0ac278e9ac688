import Benchmark
import DPAccounting
import DPNeural
import DPRandomness
import Foundation

/// DP-SGD on the reference MLP of ../shared/reference/README.md: 107 -> 256 -> 256 -> 2, batch 256,
/// sigma 1, clip 1, Poisson sampling, Adam 1e-3, one thread, one epoch over 39,074 examples
/// (random one-hot-like inputs: only speed is measured). Opacus 1.6: 1,870-2,020 examples/s;
/// plain torch: 58,700-65,800 examples/s. The "examples/s" metric is examples per second x 1.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, examplesPerSecond], maxDuration: .seconds(60), maxIterations: 3)
    BLAS.setThreads(1)
    let n = 39_074
    let source = RandomSource.seeded(1)
    var values = [Float](repeating: 0, count: n * 107)
    for row in 0..<n { for _ in 0..<12 { values[row * 107 + Int(source.uniform(below: 107))] = 1 } }
    let inputs = Matrix(rows: n, columns: 107, values: values)
    let labels = (0..<n).map { _ in Int(source.uniform(below: 2)) }
    let network = MultilayerPerceptron(widths: [107, 256, 256, 2], source: source)

    Benchmark("DP-SGD, reference MLP, one epoch (Poisson, clip 1, sigma 1)") { benchmark in
        for _ in benchmark.scaledIterations {
            var model = ClassifierModel(network: network, inputs: inputs, labels: labels)
            let plan = try DPSGDPlan(
                noiseMultiplier: 1, delta: 1e-5, examples: n, expectedBatchSize: 256, epochs: 1, clip: 1,
                parameters: network.parameterCount)
            let budget = try PrivacyOdometer(epsilon: 100, delta: 1e-3)
            let started = Date()
            try DPSGDTrainer(plan: plan).train(&model, budget: budget, mechanismName: "dp-sgd", source: .secure())
            benchmark.measurement(examplesPerSecond, Int(Double(n) / Date().timeIntervalSince(started)))
        }
    }

    Benchmark("Non-private SGD, reference MLP, one epoch (batch 256)") { benchmark in
        for _ in benchmark.scaledIterations {
            var model = ClassifierModel(network: network, inputs: inputs, labels: labels)
            let started = Date()
            DPSGDTrainer.trainWithoutPrivacy(&model, batchSize: 256, epochs: 1, source: .seeded(2))
            benchmark.measurement(examplesPerSecond, Int(Double(n) / Date().timeIntervalSince(started)))
        }
    }
}

let examplesPerSecond = BenchmarkMetric.custom("examples/s", polarity: .prefersLarger, useScalingFactor: false)
