import DPAccounting
import DPRandomness
import Foundation

/// Trains a `TrainableModel` by DP-SGD: Poisson-sampled batches, each example's gradient clipped
/// to norm C (norms factorised per layer, one matrix product per layer for the clipped sum),
/// float-safe discrete Gaussian noise of standard deviation sigma C on the sum, division by the
/// expected batch size, then an Adam step. The plan's cost is charged to the ledger before the
/// first step.
///
/// Privacy: the trained parameters are (plan.epsilon, plan.delta)-DP (Proofs/dp-sgd.md).
public struct DPSGDTrainer {
    public static let proofDocument = "Proofs/dp-sgd.md"

    public let plan: DPSGDPlan
    public var learningRate: Float

    public init(plan: DPSGDPlan, learningRate: Float = 1e-3) {
        self.plan = plan
        self.learningRate = learningRate
    }

    /// What a progress report carries.
    public struct Progress: Sendable {
        public let step: Int
        public let steps: Int
        /// Epsilon spent by the steps so far (the whole plan is charged up front). The training
        /// loss is deliberately absent: it is a statistic of the private batch.
        public let epsilonSoFar: Double
    }

    /// Charges `budget`, then runs plan.steps DP-SGD steps on `model`.
    public func train<Model: TrainableModel>(
        _ model: inout Model, budget: any PrivacyBudget, mechanismName: String, source: RandomSource,
        progress: (Progress) -> Void = { _ in }
    ) throws {
        let parameters = model.layers.reduce(0) { $0 + $1.parameterCount }
        precondition(parameters == plan.parameters, "the plan was made for \(plan.parameters) parameters")
        let gradient = try PrivateGradient(
            plan: plan, budget: budget, mechanism: mechanismName, seeded: source.isSeeded)
        var optimizer = AdamOptimizer(parameterCount: parameters, learningRate: learningRate)
        let scale = Float(1 / Double(plan.expectedBatchSize))
        let reportEvery = max(1, plan.steps / 50)
        for step in 1...plan.steps {
            let batch = gradient.batch(of: model.exampleCount, source: source)
            let traces = batch.isEmpty ? nil : model.traces(batch, source: source).traces
            let noisy = try gradient.noisySum(traces, source: source)
            optimizer.update(&model.layers, gradient: noisy.map { Float($0) * scale })
            if step % reportEvery == 0 || step == plan.steps {
                let spent = try plan.epsilon(afterSteps: step)
                progress(Progress(step: step, steps: plan.steps, epsilonSoFar: spent))
            }
        }
    }

    /// Non-private training (for baselines): shuffled batches, plain averaged gradients, Adam.
    public static func trainWithoutPrivacy<Model: TrainableModel>(
        _ model: inout Model, batchSize: Int, epochs: Int, learningRate: Float = 1e-3,
        source: RandomSource
    ) {
        let parameters = model.layers.reduce(0) { $0 + $1.parameterCount }
        var optimizer = AdamOptimizer(parameterCount: parameters, learningRate: learningRate)
        for _ in 0..<epochs {
            var order = Array(0..<model.exampleCount)
            for index in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(index, Int(source.uniform(below: UInt64(index + 1))))
            }
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let batch = Array(order[start..<min(order.count, start + batchSize)])
                let traces = model.traces(batch, source: source).traces
                let sum = PerExampleClipping.weightedSum(traces, factors: [Float](repeating: 1, count: batch.count))
                    .flattened
                let scale = 1 / Float(batch.count)
                optimizer.update(&model.layers, gradient: sum.map { $0 * scale })
            }
        }
    }
}
