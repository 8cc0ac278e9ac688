import DPRandomness
import DPTestSupport
import Foundation
import Testing

/// Goodness-of-fit of the exact samplers against their exact distributions.
/// Each check uses a fixed seed; its false-alarm rate for a fresh seed is 1e-4.
@Suite struct SamplerDistributionTests {
    static let alpha = 1e-4
    static let draws = 200_000

    @Test(arguments: [(1, 1), (3, 2), (10, 1), (1, 3)])
    func discreteLaplaceMatchesItsDistribution(numerator: Int, denominator: Int) {
        let scale = Double(numerator) / Double(denominator)
        let sampler = DiscreteLaplaceSampler(scale: ExactRational(numerator, denominator))
        let source = RandomSource.seeded(UInt64(17 + numerator * 31 + denominator))
        var counts: [Int: Int] = [:]
        for value in sampler.samples(count: Self.draws, source: source) { counts[value, default: 0] += 1 }
        let normaliser = tanh(1 / (2 * scale))
        let bound = Int(scale * 30) + 5
        let fit = GoodnessOfFit.chiSquare(
            counts: counts, total: Self.draws,
            probability: { normaliser * exp(-Double(abs($0)) / scale) },
            support: -bound...bound)
        #expect(
            fit.statistic < GoodnessOfFit.chiSquareCritical(degreesOfFreedom: fit.degreesOfFreedom, alpha: Self.alpha))
    }

    /// The fixed-width sampler for integer scales against the exact pmf; for the large scale the
    /// draws are binned by sigma/8 so the chi-square cells stay well filled.
    @Test(arguments: [1, 3, 10, 4096])
    func integerScaleGaussianMatchesItsDistribution(scale: Int) {
        let sampler = IntegerScaleGaussian(scale: UInt64(scale))!
        let source = RandomSource.seeded(UInt64(5_000 + scale))
        let width = max(1, scale / 8)
        var counts: [Int: Int] = [:]
        for _ in 0..<Self.draws {
            let value = sampler.sample(source: source)
            counts[Int((Double(value) / Double(width)).rounded(.down)), default: 0] += 1
        }
        let sigma = Double(scale)
        let bound = Int(sigma * 8) + 5
        let weights = (-bound...bound).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = weights.reduce(0, +)
        let cells = bound / width + 1
        var cellProbability = [Int: Double]()
        for (offset, weight) in weights.enumerated() {
            let value = offset - bound
            cellProbability[Int((Double(value) / Double(width)).rounded(.down)), default: 0] += weight / total
        }
        let fit = GoodnessOfFit.chiSquare(
            counts: counts, total: Self.draws, probability: { cellProbability[$0] ?? 0 },
            support: -cells...cells)
        #expect(
            fit.statistic < GoodnessOfFit.chiSquareCritical(degreesOfFreedom: fit.degreesOfFreedom, alpha: Self.alpha))
        #expect(
            IntegerScaleGaussian(scale: 0) == nil
                && IntegerScaleGaussian(scale: IntegerScaleGaussian.largestScale + 1) == nil)
    }

    @Test(arguments: [(1, 1), (5, 2), (10, 1), (1, 2)])
    func discreteGaussianMatchesItsDistribution(numerator: Int, denominator: Int) {
        let sigma = Double(numerator) / Double(denominator)
        let sampler = DiscreteGaussianSampler(sigma: ExactRational(numerator, denominator))
        let source = RandomSource.seeded(UInt64(1_000 + numerator * 7 + denominator))
        var counts: [Int: Int] = [:]
        for value in sampler.samples(count: Self.draws, source: source) { counts[value, default: 0] += 1 }
        let bound = Int(sigma * 12) + 5
        let weights = (-bound...bound).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = weights.reduce(0, +)
        let fit = GoodnessOfFit.chiSquare(
            counts: counts, total: Self.draws,
            probability: { weights[$0 + bound] / total },
            support: -bound...bound)
        #expect(
            fit.statistic < GoodnessOfFit.chiSquareCritical(degreesOfFreedom: fit.degreesOfFreedom, alpha: Self.alpha))
    }

    @Test(arguments: [(0, 1), (3, 10), (1, 1), (17, 10), (5, 2), (7, 1)])
    func bernoulliExpHasProbabilityExpMinusGamma(numerator: Int, denominator: Int) {
        let source = RandomSource.seeded(UInt64(99 + numerator * 13 + denominator))
        let gamma = ExactRational(numerator, denominator)
        let trials = 100_000
        var successes = 0
        for _ in 0..<trials where BernoulliSampler.sampleExp(gamma, source: source) { successes += 1 }
        let p = exp(-Double(numerator) / Double(denominator))
        if numerator == 0 {
            #expect(successes == trials)
        } else {
            // |z| < 3.89 has a false-alarm rate of 1e-4.
            #expect(abs(GoodnessOfFit.binomialZ(successes: successes, trials: trials, p: p)) < 3.89)
        }
    }

    @Test func bernoulliRationalHasItsProbability() {
        let source = RandomSource.seeded(5)
        let trials = 100_000
        var successes = 0
        for _ in 0..<trials where BernoulliSampler.sample(ExactRational(2, 7), source: source) { successes += 1 }
        // |z| < 3.89 has a false-alarm rate of 1e-4.
        #expect(abs(GoodnessOfFit.binomialZ(successes: successes, trials: trials, p: 2.0 / 7)) < 3.89)
    }

    @Test func largeRationalParametersTakeTheGMPPathAndStayCorrect() {
        // sigma = 1 + 2^-70 forces sigma^2 beyond 128 bits.
        let sigma = ExactRational.one + ExactRational.powerOfTwo(-70)
        let sampler = DiscreteGaussianSampler(sigma: sigma)
        let source = RandomSource.seeded(2024)
        let draws = 50_000
        var counts: [Int: Int] = [:]
        for value in sampler.samples(count: draws, source: source) { counts[value, default: 0] += 1 }
        let weights = (-20...20).map { exp(-Double($0 * $0) / 2) }
        let total = weights.reduce(0, +)
        let fit = GoodnessOfFit.chiSquare(
            counts: counts, total: draws,
            probability: { weights[$0 + 20] / total }, support: -20...20)
        // False-alarm rate 1e-4.
        #expect(
            fit.statistic < GoodnessOfFit.chiSquareCritical(degreesOfFreedom: fit.degreesOfFreedom, alpha: Self.alpha))
    }
}
