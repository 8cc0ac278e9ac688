import DPAccounting
import DPRandomness
import Foundation

/// The privacy-critical part of DP-SGD, in one place for every trainer: the plan's charge before
/// the first step, Poisson batches, per-example clipping to norm C and the noise on the sum.
///
/// Privacy: after `init` has charged the plan's (ε, δ), the noisy sums of `plan.steps` batches are
/// (plan.epsilon, plan.delta)-DP together (Proofs/dp-sgd.md); everything a trainer computes from
/// them is post-processing.
struct PrivateGradient {
    let plan: DPSGDPlan
    let receipt: ChargeReceipt
    let sampling: PoissonSampling

    /// What a DP-SGD charge records in the ledger.
    struct Parameters: Encodable {
        let clip: Double
        let noiseMultiplier: Double
        let effectiveMultiplier: Double
        let samplingRate: Double
        let steps: Int
        let accountant: String
        let samplerDelta: Double

        enum CodingKeys: String, CodingKey {
            case clip, steps, accountant
            case noiseMultiplier = "noise_multiplier"
            case effectiveMultiplier = "effective_multiplier"
            case samplingRate = "sampling_rate"
            case samplerDelta = "sampler_delta"
        }
    }

    /// Charges the whole plan to `budget` under `mechanism`.
    init(plan: DPSGDPlan, budget: any PrivacyBudget, mechanism: String, seeded: Bool) throws {
        let parameters = Parameters(
            clip: plan.clip, noiseMultiplier: plan.noiseMultiplier, effectiveMultiplier: plan.effectiveMultiplier,
            samplingRate: plan.samplingRate, steps: plan.steps, accountant: plan.accountant.rawValue,
            samplerDelta: plan.samplerDelta)
        self.plan = plan
        self.receipt = try budget.charge(
            Charge(mechanism: mechanism, parameters: parameters, cost: plan.privacyCost, seeded: seeded))
        self.sampling = PoissonSampling(rate: plan.samplingRate)
    }

    /// The examples of the next batch: each of the `count` training examples joins independently
    /// with the plan's rate (the plan's own example count is the noisy one that set the rate).
    func batch(of count: Int, source: RandomSource) -> [Int] {
        sampling.batch(of: count, source: source)
    }

    /// Σ clip(g_i) over the batch's per-example gradients, plus the plan's noise (an empty batch
    /// sums to zero and is noised all the same).
    func noisySum(_ traces: [LayerTrace]?, source: RandomSource) throws -> [Double] {
        let sum =
            traces.map { PerExampleClipping.clippedSum($0, clip: plan.clip) }
            ?? [Double](repeating: 0, count: plan.parameters)
        // Every parameter the plan was sized for is in the sum and gets its noise: a model whose
        // traces left a layer out would otherwise update it from the data without noise.
        precondition(sum.count == plan.parameters, "the clipped sum must cover every parameter of the plan")
        return try plan.mechanism.release(sum, paidBy: receipt, source: source)
    }
}
