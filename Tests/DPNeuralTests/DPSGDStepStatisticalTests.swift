import DPAccounting
import DPRandomness
import DPTestSupport
import Foundation
import Testing

@testable import DPNeural

/// A statistical test of one DP-SGD step (`PrivateGradient`: Poisson batch, clipping, float-safe
/// Gaussian noise on the sum) against the plan's claimed (epsilon, delta), on neighbouring
/// datasets: two examples with zero gradient, with or without a third whose gradient has norm
/// sqrt 2 (clipped to 1). The statistic is the noisy sum projected on that gradient's direction.
///
/// False-alarm rate: 1e-4 (`PrivacyCurveCheck`, Bonferroni over all events); fixed seeds. The
/// same step with noise 4 times smaller than the plan it claims is flagged.
@Suite struct DPSGDStepStatisticalTests {
    static let samples = 200_000

    /// The projected noisy sums of `samples` steps on the dataset with or without the third example.
    static func projections(_ plan: DPSGDPlan, withThird: Bool, source: RandomSource) throws -> [Double] {
        let step = try PrivateGradient(
            plan: plan, budget: PrivacyOdometer(epsilon: 1e9, delta: 0.5), mechanism: "dp-sgd", seeded: true)
        let count = withThird ? 3 : 2
        return try (0..<samples).map { _ in
            let batch = step.batch(of: count, source: source)
            let gradients = batch.map { $0 == 2 ? Float(1) : 0 }
            let trace = LayerTrace(
                input: Matrix(rows: batch.count, columns: 1, values: gradients),
                preActivationGradient: Matrix(rows: batch.count, columns: 1, values: gradients))
            let sum = try step.noisySum(batch.isEmpty ? nil : [trace], source: source)
            return (sum[0] + sum[1]) / 2.0.squareRoot()
        }
    }

    @Test func oneStepKeepsThePlansCurveAndAWrongScaleIsCaught() throws {
        let honest = try DPSGDPlan(
            noiseMultiplier: 4, delta: 1e-3, examples: 3, expectedBatchSize: 2, epochs: 1, clip: 1, parameters: 2)
        #expect(honest.steps == 1)
        let source = RandomSource.seeded(16)
        func violation(_ plan: DPSGDPlan) throws -> Double {
            PrivacyCurveCheck.worstViolation(
                try Self.projections(plan, withThird: true, source: source),
                try Self.projections(plan, withThird: false, source: source),
                thresholds: stride(from: -12.0, through: 13.0, by: 0.5).map { $0 }, epsilon: honest.epsilon,
                delta: honest.delta, alpha: 1e-4)
        }
        #expect(try violation(honest) <= 0)
        let broken = honest.miscalibrated(noise: try DPSGDPlan.noise(clip: 1, sigma: 1, parameters: 2))
        #expect(try violation(broken) > 0)
    }
}
