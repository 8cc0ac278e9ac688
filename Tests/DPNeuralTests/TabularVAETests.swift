import DPData
import DPLedger
import DPRandomness
import DPTestSupport
import Foundation
import Testing

@testable import DPNeural

@Suite struct TabularVAETests {
    /// Column b copies column a 80% of the time (5 levels, so independence gives 20% agreement).
    /// DP-TVAE at epsilon 8 must keep most of that association; sampling 4,000 rows, the agreement
    /// of a model that learned nothing exceeds 0.4 with probability below 1e-6.
    @Test func dpTVAEKeepsAnAssociationAndChargesItsBudget() throws {
        let source = RandomSource.seeded(31)
        let schema = Schema(
            name: "pairs",
            columns: ["a", "b", "c"].map {
                Column(name: $0, kind: .categorical(["v0", "v1", "v2", "v3", "v4"]), missing: .error)
            })
        var codes: [[UInt16]] = [[], [], []]
        for _ in 0..<6000 {
            let a = UInt16(source.uniform(below: 5))
            codes[0].append(a)
            codes[1].append(source.uniform(below: 10) < 8 ? a : UInt16(source.uniform(below: 5)))
            codes[2].append(UInt16(source.uniform(below: 5)))
        }
        let data = EncodedDataset(schema: schema, codes: codes)
        let ledger = try BudgetLedger(
            path: try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "pairs", epsilon: 8, delta: 1e-6)
        let model = try NeuralSynthesizer.fitTVAE(
            data, epsilon: 8, delta: 1e-6, budget: ledger.budget(for: "pairs"),
            settings: { .defaults(rows: $0) }, source: .seeded(32))
        let synthetic = model.sample(rows: 4000, source: .seeded(33))
        let agreement = Double(zip(synthetic.codes[0], synthetic.codes[1]).filter { $0 == $1 }.count) / 4000
        #expect(agreement > 0.4, "agreement \(agreement)")
        // The noisy example count, then DP-SGD; the count sets the plan and the default row count.
        let charges = try ledger.statement(dataset: "pairs").charges
        #expect(charges.map(\.mechanism) == ["dp-sgd example count", "dp-sgd (dp-tvae)"])
        #expect(charges[0].cost == .pure(epsilon: 8 * 0.01))
        #expect(model.record.charged! <= 8 * (1 + 1e-9) && model.record.epsilon == 8 && model.privacy.seeded)
        #expect(abs((model.noisyRowCount ?? 0) - 6000) < 200 && model.noisyRowCount != 6000)

        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("model.json").path
        try model.save(to: path)
        let loaded = try NeuralModel.load(from: path)
        #expect(loaded.sample(rows: 50, source: .seeded(34)).codes == model.sample(rows: 50, source: .seeded(34)).codes)
    }
}

extension TabularVAETests {
    /// A plan that trains less than asked says so (a hostile pass found the ledger's smaller
    /// spend was the only trace): at epsilon 200 the tabulated sampler's share of delta caps
    /// epsilon at one epoch.
    @Test func aFitThatTrainsLessThanAskedSaysSo() throws {
        let source = RandomSource.seeded(35)
        let schema = Schema(
            name: "few",
            columns: ["a", "b"].map { Column(name: $0, kind: .categorical(["v0", "v1", "v2"]), missing: .error) })
        let codes = (0..<2).map { _ in (0..<2000).map { _ in UInt16(source.uniform(below: 3)) } }
        let ledger = try BudgetLedger(
            path: try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "few", epsilon: 200, delta: 1e-6)
        var notices: [String] = []
        let model = try NeuralSynthesizer.fitTVAE(
            EncodedDataset(schema: schema, codes: codes), epsilon: 200, delta: 1e-6, budget: ledger.budget(for: "few"),
            settings: { _ in NeuralSynthesizer.Settings(epochs: 20, batchSize: 16, hidden: 8) }, source: .seeded(36),
            notice: { notices.append($0) })
        // The file states the epsilon asked for as the fit's guarantee, beside what it spent.
        #expect(model.record.epsilon == 200)
        #expect(try #require(model.record.charged) < 150)
        // A large epsilon capped by the sampler's share keeps its epoch: fewer steps would add
        // about ln 2 of epsilon each.
        #expect(notices.count == 1 && notices[0].contains("1 of the 20 epochs asked") && notices[0].contains("epsilon"))
        // The model file keeps it, beyond a progress line.
        let saved = try NeuralModel.load(from: try model.fileData(), path: "m.json")
        #expect(saved.record.shortfall == notices.first && saved.privacy.notes == notices)
    }
}

@Suite struct ConditionalGANTests {
    /// DP-CTGAN charges the conditional marginals and the discriminator's DP-SGD separately, within
    /// the budget, and its samples stay inside the declared domain.
    @Test func dpCTGANChargesBothPartsWithinTheBudget() throws {
        let source = RandomSource.seeded(41)
        let schema = Schema(
            name: "pairs",
            columns: ["a", "b"].map { Column(name: $0, kind: .categorical(["v0", "v1", "v2"]), missing: .error) })
        let codes: [[UInt16]] = [
            (0..<2000).map { _ in UInt16(source.uniform(below: 3)) },
            (0..<2000).map { _ in UInt16(source.uniform(below: 3)) },
        ]
        let data = EncodedDataset(schema: schema, codes: codes)
        let ledger = try BudgetLedger(
            path: try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "pairs", epsilon: 2, delta: 1e-6)
        let model = try NeuralSynthesizer.fitCTGAN(
            data, epsilon: 2, delta: 1e-6, budget: ledger.budget(for: "pairs"),
            settings: { rows in
                var settings = NeuralSynthesizer.Settings.defaults(rows: rows)
                settings.epochs = 2
                return settings
            }, source: .seeded(42))
        let statement = try ledger.statement(dataset: "pairs")
        #expect(statement.charges.count == 3)
        #expect(statement.spent.epsilon <= 2 * (1 + 1e-9) && model.record.charged! <= 2 * (1 + 1e-9))
        let synthetic = model.sample(rows: 500, source: .seeded(43))
        #expect(synthetic.rowCount == 500 && synthetic.codes.allSatisfy { $0.allSatisfy { $0 < 3 } })
    }

    @Test func gumbelSoftmaxBackwardMatchesFiniteDifferences() {
        let logits = Matrix(rows: 1, columns: 4, values: [0.3, -0.2, 0.9, 0.1])
        let blocks = [0..<2, 2..<4]
        let weights: [Float] = [0.7, -1.1, 0.4, 2.0]
        func objective(_ x: Matrix) -> Float {
            let y = GumbelSoftmax.forward(x, blocks: blocks, temperature: 0.5, source: .seeded(9))
            return zip(y.values, weights).map(*).reduce(0, +)
        }
        let y = GumbelSoftmax.forward(logits, blocks: blocks, temperature: 0.5, source: .seeded(9))
        let analytic = GumbelSoftmax.backward(
            Matrix(rows: 1, columns: 4, values: weights), output: y, blocks: blocks, temperature: 0.5)
        for index in 0..<4 {
            var up = logits
            var down = logits
            up.values[index] += 1e-3
            down.values[index] -= 1e-3
            let numeric = (objective(up) - objective(down)) / 2e-3
            #expect(abs(numeric - analytic.values[index]) < 1e-2, "index \(index)")
        }
    }
}
