import Benchmark
import DPAccounting

/// Accountant speed: RDP for 10,000 steps (target under 10 ms) and PLD on the reference grid of
/// ../shared/reference/accountant-vectors.json (dp_accounting: 0.03-3.6 s per call).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], maxDuration: .seconds(5), maxIterations: 20)

    Benchmark("RDP epsilon, q 0.01, sigma 1, 10,000 steps") { benchmark in
        for _ in benchmark.scaledIterations {
            var accountant = RDPAccountant()
            try accountant.composeSubsampledGaussian(samplingRate: 0.01, noiseMultiplier: 1, steps: 10_000)
            blackHole(try accountant.epsilon(delta: 1e-5))
        }
    }

    for (q, sigma) in [(0.001, 1.0), (0.001, 2.0), (0.01, 1.0), (0.01, 2.0)] {
        for steps in [100, 1_000, 10_000] {
            Benchmark("PLD epsilon, q \(q), sigma \(sigma), \(steps) steps") { benchmark in
                for _ in benchmark.scaledIterations {
                    var accountant = PLDAccountant()
                    try accountant.composeSubsampledGaussian(samplingRate: q, noiseMultiplier: sigma, steps: steps)
                    blackHole(try accountant.epsilon(delta: 1e-5))
                }
            }
        }
    }
}
