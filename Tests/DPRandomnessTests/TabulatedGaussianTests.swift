import DPTestSupport
import Foundation
import Testing

@testable import DPRandomness

/// The table sampler against the discrete Gaussian: the table's entries against an independent
/// double-precision computation, and draws against the pmf by chi-square (fixed seeds; the
/// false-alarm rate for a fresh seed is 1e-4 per check).
@Suite struct TabulatedGaussianTests {
    static let alpha = 1e-4
    static let draws = 200_000

    /// P(|X| <= m) in 80-bit floats with compensated sums (error far below 1e-15).
    static func foldedCumulative(scale: Int, upTo count: Int) -> [Double] {
        let sigma = Float80(scale)
        let weights = (0..<(scale * 40 + 10)).map { m in
            (m == 0 ? 1 : 2) * Float80(exp(-Double(m * m) / Double(2 * sigma * sigma)))
        }
        func compensatedSums(_ values: some Sequence<Float80>) -> [Float80] {
            var (sum, carry) = (Float80(0), Float80(0))
            return values.map { value in
                let y = value - carry
                let t = sum + y
                carry = (t - sum) - y
                sum = t
                return sum
            }
        }
        let total = compensatedSums(weights).last!
        return compensatedSums(weights.prefix(count)).map { Double($0 / total) }
    }

    @Test(arguments: [1, 3, 1000, 40_000])
    func tableEntriesAreTheCumulativeProbabilities(scale: Int) {
        let sampler = TabulatedDiscreteGaussian(scale: UInt64(scale))!
        // Tabulated until exp(-m²/2T²) < 2^-140, i.e. m near T·sqrt(280 ln 2).
        #expect(abs(Double(sampler.cutoff) - Double(scale) * (280 * log(2.0)).squareRoot()) <= 2)
        let reference = Self.foldedCumulative(scale: scale, upTo: sampler.cutoff)
        for m in stride(from: 0, to: sampler.cutoff, by: max(1, sampler.cutoff / 997)) {
            let stored = Double(sampler.high[m]) * 0x1p-64 + Double(sampler.low[m]) * 0x1p-128
            #expect(abs(stored - reference[m]) <= 1e-15, "m = \(m)")
        }
        // Entries never decrease; the bound on the distance is below 2^-100.
        #expect(zip(sampler.high.dropFirst(), sampler.high).allSatisfy { $0 >= $1 })
        #expect(sampler.totalVariationBound < 0x1p-100)
        #expect(
            TabulatedDiscreteGaussian(scale: 0) == nil
                && TabulatedDiscreteGaussian(scale: TabulatedDiscreteGaussian.largestScale + 1) == nil)
    }

    @Test(arguments: [1, 3, 10, 4096, 50_000])
    func drawsMatchTheDistribution(scale: Int) {
        let sampler = TabulatedDiscreteGaussian(scale: UInt64(scale))!
        let source = RandomSource.seeded(UInt64(7_000 + scale))
        let width = max(1, scale / 8)
        var counts: [Int: Int] = [:]
        for _ in 0..<Self.draws {
            counts[Int((Double(sampler.sample(source: source)) / Double(width)).rounded(.down)), default: 0] += 1
        }
        let sigma = Double(scale)
        let bound = Int(sigma * 8) + 5
        let weights = (-bound...bound).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = weights.reduce(0, +)
        var cellProbability = [Int: Double]()
        for (offset, weight) in weights.enumerated() {
            cellProbability[Int((Double(offset - bound) / Double(width)).rounded(.down)), default: 0] += weight / total
        }
        let cells = bound / width + 1
        let fit = GoodnessOfFit.chiSquare(
            counts: counts, total: Self.draws, probability: { cellProbability[$0] ?? 0 },
            support: -cells...cells)
        #expect(
            fit.statistic < GoodnessOfFit.chiSquareCritical(degreesOfFreedom: fit.degreesOfFreedom, alpha: Self.alpha))
    }
}
