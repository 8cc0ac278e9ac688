import Benchmark
import DPAccounting
import DPMechanisms
import DPRandomness

/// Samples per second of the exact samplers, in vectorised calls of 1e5 draws, beside
/// OpenDP 0.16's figures in ../shared/reference/README.md (same protocol). The float-safe
/// mechanisms charge a large in-memory budget on every timed call, as a release does; one charge
/// is small beside 1e5 draws.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput], maxDuration: .seconds(3), maxIterations: 50)
    let draws = 100_000

    for scale in [1, 10, 1000] {
        Benchmark("discrete Laplace, scale \(scale), 1e5 draws") { benchmark in
            let sampler = DiscreteLaplaceSampler(scale: ExactRational(scale))
            let source = RandomSource.secure()
            for _ in benchmark.scaledIterations { blackHole(sampler.samples(count: draws, source: source)) }
        }
        Benchmark("discrete Gaussian, scale \(scale), 1e5 draws") { benchmark in
            let sampler = DiscreteGaussianSampler(sigma: ExactRational(scale))
            let source = RandomSource.secure()
            for _ in benchmark.scaledIterations { blackHole(sampler.samples(count: draws, source: source)) }
        }
        Benchmark("float-safe Laplace, scale \(scale), 1e5 draws") { benchmark in
            let mechanism = try FloatLaplaceMechanism(sensitivity: 1, scale: Double(scale), dimension: draws)
            let budget = try benchmarkBudget()
            let source = RandomSource.secure()
            let zeros = [Double](repeating: 0, count: draws)
            for _ in benchmark.scaledIterations {
                blackHole(try mechanism.release(zeros, chargingTo: budget, source: source))
            }
        }
        Benchmark("float-safe Gaussian, scale \(scale), 1e5 draws") { benchmark in
            let mechanism = try FloatGaussianMechanism(sensitivity: 1, sigma: Double(scale), dimension: draws)
            let budget = try benchmarkBudget()
            let source = RandomSource.secure()
            let zeros = [Double](repeating: 0, count: draws)
            for _ in benchmark.scaledIterations {
                blackHole(try mechanism.release(zeros, chargingTo: budget, source: source))
            }
        }
    }
}

/// A budget large enough for every charge of these benchmarks (speed is all they measure; each
/// timed release charges it first, as every release does).
func benchmarkBudget() throws -> PrivacyOdometer {
    try PrivacyOdometer(epsilon: 1e12, delta: 1e-6)
}
