import Foundation
import Testing

@testable import DPAccounting

@Suite struct PoissonSubsampledRDPTests {
    /// Zhu and Wang's general bound, summed directly (no logarithms), or nil where the direct sum
    /// overflows a double.
    func directBound(alpha: Int, q: Double, base: (Int) -> Double) -> Double? {
        func choose(_ n: Int, _ k: Int) -> Double {
            (0..<k).reduce(1.0) { $0 * Double(n - $1) / Double($1 + 1) }
        }
        let a = Double(alpha)
        var total = pow(1 - q, a - 1) * (a * q - q + 1) + choose(alpha, 2) * q * q * pow(1 - q, a - 2) * exp(base(2))
        if alpha >= 3 {
            for l in 3...alpha {
                total +=
                    3 * choose(alpha, l) * pow(q, Double(l)) * pow(1 - q, a - Double(l)) * exp(Double(l - 1) * base(l))
            }
        }
        return total.isFinite ? min(base(alpha), log(total) / (a - 1)) : nil
    }

    /// The bound matches a direct evaluation; it is never below the continuous Gaussian's exact
    /// integer-order RDP (the same binomial expansion, with the higher terms tripled) and equals it
    /// at order 2; it is 0 without sampling and the base curve with every example sampled.
    @Test func generalSubsamplingBoundIsAboveTheContinuousCurveAndProvenAtEveryOrder() {
        for q in [0.001, 0.01, 0.1, 0.5] {
            for sigma in [0.8, 2.0, 5.0] {
                let base = { (order: Int) in Double(order) / (2 * sigma * sigma) }
                for alpha in [2, 3, 8, 32] {
                    let bound = PoissonSubsampledRDP.bound(order: alpha, samplingRate: q, base: base)
                    if let direct = directBound(alpha: alpha, q: q, base: base) {
                        #expect(abs(bound - direct) <= 1e-9 * max(1, direct), "q \(q) sigma \(sigma) alpha \(alpha)")
                    }
                    let continuous = RDPAccountant.subsampledGaussianRDP(
                        order: Double(alpha), samplingRate: q, noiseMultiplier: sigma)
                    #expect(bound >= continuous - 1e-12, "q \(q) sigma \(sigma) alpha \(alpha)")
                    if alpha == 2 { #expect(abs(bound - continuous) <= 1e-15 + 1e-9 * continuous) }
                    // Small rates amplify: the bound is then strictly below the unsampled curve.
                    if q <= 0.01 && sigma >= 2 {
                        #expect(bound < 0.5 * base(alpha), "q \(q) sigma \(sigma) alpha \(alpha)")
                    }
                }
            }
        }
        #expect(PoissonSubsampledRDP.bound(order: 5, samplingRate: 0, base: { _ in 1 }) == 0)
        #expect(PoissonSubsampledRDP.bound(order: 5, samplingRate: 1, base: { Double($0) }) == 5)
    }

    /// The DP-SGD accountant is the discrete one, and it costs more noise than the continuous RDP
    /// at the same target (the price of a bound proven for the noise drawn).
    @Test func theDiscreteAccountantNeedsAtLeastTheContinuousNoise() throws {
        let continuous = try NoiseCalibration.noiseMultiplier(
            targetEpsilon: 1, delta: 1e-9, samplingRate: 128.0 / 30162, steps: 4712, accountant: .rdp)
        let discrete = try NoiseCalibration.noiseMultiplier(
            targetEpsilon: 1, delta: 1e-9, samplingRate: 128.0 / 30162, steps: 4712, accountant: .rdpDiscrete)
        #expect(discrete >= continuous && discrete < 1.5 * continuous, "\(discrete) vs \(continuous)")
        #expect(throws: AccountingError.self) {
            try NoiseCalibration.epsilon(
                samplingRate: 0.01, noiseMultiplier: 1, steps: -5, delta: 1e-5, accountant: .rdpDiscrete)
        }
    }
}
