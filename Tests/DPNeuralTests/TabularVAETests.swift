import Foundation
import Testing
import DPData
import DPLedger
import DPRandomness
import DPTestSupport
@testable import DPNeural

@Suite struct TabularVAETests {
    /// Column b copies column a 80% of the time (5 levels, so independence gives 20% agreement).
    /// DP-TVAE at epsilon 8 must keep most of that association; sampling 4,000 rows, the agreement
    /// of a model that learned nothing exceeds 0.4 with probability below 1e-6.
    @Test func dpTVAEKeepsAnAssociationAndChargesItsBudget() throws {
        let source = RandomSource.seeded(31)
        let schema = Schema(name: "pairs", columns: ["a", "b", "c"].map { Column(name: $0, kind: .categorical(["v0", "v1", "v2", "v3", "v4"]), missing: .error) })
        var codes: [[UInt16]] = [[], [], []]
        for _ in 0..<6000 {
            let a = UInt16(source.uniform(below: 5))
            codes[0].append(a)
            codes[1].append(source.uniform(below: 10) < 8 ? a : UInt16(source.uniform(below: 5)))
            codes[2].append(UInt16(source.uniform(below: 5)))
        }
        let data = EncodedDataset(schema: schema, codes: codes)
        let ledger = try BudgetLedger(path: try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "pairs", epsilon: 8, delta: 1e-6)
        let model = try NeuralSynthesizer.fitTVAE(data, epsilon: 8, delta: 1e-6, ledger: ledger, dataset: "pairs",
                                                  settings: .defaults(rows: data.rowCount), source: .seeded(32))
        let synthetic = model.sample(rows: 4000, source: .seeded(33))
        let agreement = Double(zip(synthetic.codes[0], synthetic.codes[1]).filter { $0 == $1 }.count) / 4000
        #expect(agreement > 0.4, "agreement \(agreement)")
        #expect(try ledger.statement(dataset: "pairs").charges.count == 1)
        #expect(model.privacy.epsilon <= 8 && model.privacy.seeded)

        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("model.json").path
        try model.save(to: path)
        let loaded = try NeuralModel.load(from: path)
        #expect(loaded.sample(rows: 50, source: .seeded(34)).codes == model.sample(rows: 50, source: .seeded(34)).codes)
    }
}
