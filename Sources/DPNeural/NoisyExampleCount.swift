import DPAccounting
import DPMechanisms
import DPRandomness

/// The number of training examples as DP-SGD uses it: a discrete Laplace count, charged before it
/// is drawn, so the sampling rate, batch size, step count and default synthetic row count never
/// come from the exact size of the private table.
///
/// Privacy: `share` of the fit's epsilon, pure DP (sensitivity 1 under adding or removing one
/// row); everything derived from the count is post-processing (Proofs/dp-sgd.md).
enum NoisyExampleCount {
    /// The share of a neural fit's epsilon the count spends.
    static let share = 0.01

    /// The noisy count of `count` examples at `epsilon`, charged to `budget`; at least 2, so a
    /// plan can always be formed (the clamp is post-processing).
    private static func measure(_ count: Int, epsilon: Double, budget: any PrivacyBudget, source: RandomSource) throws
        -> Int
    {
        let mechanism = try IntegerLaplaceMechanism(sensitivity: 1, epsilon: epsilon)
        let noisy = try mechanism.release(
            [count], chargingTo: budget, mechanism: "dp-sgd example count", source: source)
        return max(2, noisy[0])
    }

    /// The noisy count of `count` examples at `share` of `epsilon`, the epsilon it spent, and the
    /// training settings `settings` picks for it (the batch kept below the count).
    static func plan(
        _ count: Int, epsilon: Double, budget: any PrivacyBudget,
        settings: (Int) -> NeuralSynthesizer.Settings, source: RandomSource
    ) throws -> (examples: Int, epsilon: Double, settings: NeuralSynthesizer.Settings) {
        let spent = epsilon * share
        let examples = try measure(count, epsilon: spent, budget: budget, source: source)
        var chosen = settings(examples)
        chosen.batchSize = min(chosen.batchSize, examples - 1)
        return (examples, spent, chosen)
    }
}
