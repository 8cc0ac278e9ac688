import DPAccounting
import DPAudit
import DPRandomness
import DPTestSupport
import Foundation
import Testing

@testable import DPNeural

/// A white-box one-run audit of DP-SGD training (Steinke, Nasr and Jagielski 2023, Section 6.2):
/// gradient canaries, each pointing along its own coordinate, run through `DPSGDTrainer` (charge,
/// Poisson batches, clipping, float-safe noise, Adam); the score of a canary is how far training
/// moved its coordinate. The trainer as shipped stays at or below its claim; the same trainer
/// with noise 100 times too small for the epsilon it claims is flagged.
///
/// Why this has power: an included canary pushes its own weight up at every step its example is
/// sampled, and nothing else touches that weight but the noise; with noise 100 times too small,
/// included canaries end far above the excluded ones, whose weights only wander.
///
/// False alarm: a trainer that is epsilon-DP gives a bound above epsilon with probability at most
/// 5% (the bound's confidence); the seeds are fixed, so the run is deterministic.
@Suite struct DPSGDAuditTests {
    static let canaries = 1000
    static let background = 1000
    static let delta = 1e-5

    /// One linear unit over one-hot inputs: canary i's example is the i-th unit vector, a
    /// background example is all zeros; every example's loss is minus the output, so its gradient
    /// is minus its input (and minus one for the bias).
    struct DiracCanaryModel: TrainableModel {
        var layers: [DenseLayer]
        let canaryOfExample: [Int?]

        var exampleCount: Int { canaryOfExample.count }

        func traces(_ batch: [Int], source: RandomSource) -> (loss: Double, traces: [LayerTrace]) {
            var input = Matrix(zeros: batch.count, DPSGDAuditTests.canaries)
            for (row, example) in batch.enumerated() {
                if let canary = canaryOfExample[example] { input.values[row * input.columns + canary] = 1 }
            }
            let gradient = Matrix(
                rows: batch.count, columns: 1, values: [Float](repeating: -1, count: batch.count))
            return (0, [LayerTrace(input: input, preActivationGradient: gradient)])
        }
    }

    /// Trains on the background plus the included canaries with `plan(honest)`, and judges the
    /// canaries by their weights' movement against the honest plan's epsilon.
    static func audit(noiseDividedBy factor: Double, seed: UInt64) throws -> (CanaryAudit.Result, Double) {
        let source = RandomSource.seeded(seed)
        let included = (0..<canaries).map { _ in source.uniform(below: 2) == 1 }
        let examples = [Int?](repeating: nil, count: background) + (0..<canaries).filter { included[$0] }
        let honest = try DPSGDPlan(
            targetEpsilon: 1, delta: delta, examples: examples.count, expectedBatchSize: examples.count / 10,
            epochs: 10, clip: 1, parameters: canaries + 1)
        let plan = honest.miscalibrated(
            noise: try DPSGDPlan.noise(
                clip: 1, sigma: honest.noiseMultiplier / factor, parameters: canaries + 1))
        var layer = DenseLayer(inputs: canaries, outputs: 1, activation: .identity, source: .seeded(seed + 1))
        layer.weights = Matrix(zeros: canaries, 1)
        var model = DiracCanaryModel(layers: [layer], canaryOfExample: examples)
        let budget = try PrivacyOdometer(epsilon: 1e9, delta: 0.5)
        try DPSGDTrainer(plan: plan, learningRate: 0.01).train(
            &model, budget: budget, mechanismName: "dp-sgd", source: .seeded(seed + 2))
        let scores = model.layers[0].weights.values
        let result = try CanaryAudit(canaries: canaries).judge(
            scores: scores, included: included, delta: delta, confidence: 0.95, source: .seeded(seed + 3))
        return (result, honest.epsilon)
    }

    @Test func dpSGDAsShippedStaysAtOrBelowItsClaim() throws {
        let (result, claimed) = try Self.audit(noiseDividedBy: 1, seed: 50)
        #expect(result.epsilonLowerBound <= claimed, "\(result)")
    }

    @Test func dpSGDWithNoiseDividedBy100IsFlagged() throws {
        let (result, claimed) = try Self.audit(noiseDividedBy: 100, seed: 50)
        #expect(result.epsilonLowerBound > claimed, "\(result)")
    }
}
