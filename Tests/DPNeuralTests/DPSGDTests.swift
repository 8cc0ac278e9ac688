import DPAccounting
import DPLedger
import DPRandomness
import DPTestSupport
import Foundation
import Testing

@testable import DPNeural

@Suite struct DPSGDTests {
    /// The noise on a zero gradient sum has standard deviation sigma C: with 40,000 draws the
    /// sample standard deviation lies within 2% of it except with probability below 1e-4.
    @Test func noiseHasStandardDeviationSigmaTimesClip() throws {
        let plan = try DPSGDPlan(
            targetEpsilon: 1, delta: 1e-5, examples: 10_000, expectedBatchSize: 100, epochs: 2, clip: 0.7,
            parameters: 40_000)
        let noise = try plan.mechanism.draw([Double](repeating: 0, count: 40_000), source: .seeded(5))
        let deviation = (noise.reduce(0) { $0 + $1 * $1 } / Double(noise.count)).squareRoot()
        #expect(
            abs(deviation / (plan.noiseMultiplier * 0.7) - 1) < 0.02, "\(deviation) vs \(plan.noiseMultiplier * 0.7)")
        #expect(
            plan.effectiveMultiplier < plan.noiseMultiplier && plan.effectiveMultiplier > 0.99 * plan.noiseMultiplier)
        // The table sampler's share of delta: positive, and far below delta.
        #expect(plan.samplerDelta > 0 && plan.samplerDelta < 1e-15, "\(plan.samplerDelta)")
        #expect(plan.mechanism.drawDistance > 0)
    }

    /// Poisson batches: the mean batch size over 400 steps is within 5 standard errors of q n.
    @Test func poissonBatchesHaveTheExpectedSize() {
        let sampling = PoissonSampling(rate: 0.01)
        let source = RandomSource.seeded(6)
        let sizes = (0..<400).map { _ in sampling.batch(of: 5000, source: source).count }
        let mean = Double(sizes.reduce(0, +)) / 400
        #expect(abs(mean - 50) < 5 * (50 * 0.99 / 400).squareRoot())
        #expect(Set(sizes).count > 10)
    }

    /// Two Gaussian blobs: DP-SGD at epsilon 4 still separates them; the ledger holds exactly the
    /// plan's cost, which equals the accountant's epsilon for the steps taken.
    @Test func trainingLearnsChargesFirstAndMatchesTheAccountant() throws {
        let source = RandomSource.seeded(7)
        let n = 4000
        var values: [Float] = []
        var labels: [Int] = []
        for _ in 0..<n {
            let label = Int(source.uniform(below: 2))
            labels.append(label)
            for j in 0..<6 { values.append((label == 1 && j < 3 ? 1.5 : 0) + (source.unitFloat() * 2 - 1)) }
        }
        let inputs = Matrix(rows: n, columns: 6, values: values)
        var model = ClassifierModel(
            network: MultilayerPerceptron(widths: [6, 16, 2], source: source), inputs: inputs, labels: labels)
        let plan = try DPSGDPlan(
            targetEpsilon: 4, delta: 1e-5, examples: n, expectedBatchSize: 100, epochs: 5, clip: 1,
            parameters: model.network.parameterCount)
        let ledger = try BudgetLedger(
            path: try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "blobs", epsilon: 4, delta: 1e-5)
        var reports: [DPSGDTrainer.Progress] = []
        try DPSGDTrainer(plan: plan, learningRate: 5e-3).train(
            &model, budget: ledger.budget(for: "blobs"), mechanismName: "dp-sgd",
            source: .seeded(8)
        ) { reports.append($0) }
        let accuracy = Double(zip(model.predict(inputs), labels).filter { $0 == $1 }.count) / Double(n)
        #expect(accuracy > 0.85, "accuracy \(accuracy)")
        let statement = try ledger.statement(dataset: "blobs")
        #expect(statement.charges.count == 1)
        #expect(statement.charges[0].cost == .approximate(epsilon: plan.epsilon, delta: 1e-5))
        let accountant = try NoiseCalibration.epsilon(
            samplingRate: plan.samplingRate, noiseMultiplier: plan.effectiveMultiplier,
            steps: plan.steps, delta: 1e-5, accountant: .rdpDiscrete)
        #expect(abs(accountant - plan.epsilon) < 1e-12 && plan.epsilon <= 4)
        #expect(reports.last?.step == plan.steps && abs((reports.last?.epsilonSoFar ?? 0) - plan.epsilon) < 1e-12)
        // A second run at the same budget is refused before any step.
        #expect(throws: LedgerError.self) {
            try DPSGDTrainer(plan: plan).train(
                &model, budget: ledger.budget(for: "blobs"), mechanismName: "dp-sgd", source: .seeded(9))
        }
    }
}
