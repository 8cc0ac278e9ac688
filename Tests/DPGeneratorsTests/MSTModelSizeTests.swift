import DPData
import DPLedger
import DPRandomness
import DPSynthesis
import DPTestSupport
import Foundation
import Testing

@testable import DPGenerators

/// MST never fits a model larger than `maxModelCells`, so a model it saves can be read back: a pair
/// that would not fit is not a candidate, and the tree ends a forest.
@Suite struct MSTModelSizeTests {
    /// Columns a and b of 40 levels each, b a copy of a, and c of 3 levels following a: the pair
    /// (a, b) scores highest, but its 1,600 cells do not fit a model of 203.
    static func copiedPair(rows: Int) -> EncodedDataset {
        let source = RandomSource.seeded(41)
        let schema = Schema(
            name: "toy",
            columns: [
                Column(name: "a", kind: .coded(levels: 40), missing: .error),
                Column(name: "b", kind: .coded(levels: 40), missing: .error),
                Column(name: "c", kind: .coded(levels: 3), missing: .error),
            ])
        var codes = [[UInt16]](repeating: [], count: 3)
        for _ in 0..<rows {
            let a = UInt16(source.uniform(below: 40))
            codes[0].append(a)
            codes[1].append(a)
            codes[2].append(source.uniform(below: 4) == 0 ? UInt16(source.uniform(below: 3)) : a % 3)
        }
        return EncodedDataset(schema: schema, codes: codes)
    }

    /// An MST session at epsilon 10 on 20,000 rows of `copiedPair`, charged to a fresh ledger.
    static func session(seed: UInt64) throws -> MeasurementSession {
        let ledger = try BudgetLedger(
            path: try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "toy", epsilon: 10, delta: 1e-6)
        let request = FitRequest(
            data: copiedPair(rows: 20_000), epsilon: 10, delta: 1e-6, budget: ledger.budget(for: "toy"),
            source: .seeded(seed))
        return MarginalFit.session(request, method: MSTGenerator.method)
    }

    /// At epsilon 10 on 20,000 rows (500 a level) no level is merged, so the limit of 203 cells
    /// holds the one-way marginals (83) and one pair of c with a or b (120), no more. Deterministic.
    @Test func aPairTooLargeForTheModelIsNeverChosen() throws {
        let session = try Self.session(seed: 42)
        let model = try MST(iterations: 200, maxModelCells: 203).fit(session: session)

        #expect(model.model.tree.domain == [40, 40, 3])
        #expect(model.cellCount <= 203, "\(model.model.tree.cliques)")
        #expect(!model.model.tree.cliques.contains { $0.contains(0) && $0.contains(1) })
        // The forest's lone column keeps its measured shares: a's 40 levels near 1/40 each.
        let sample = model.sample(rows: 40_000, source: .seeded(43))
        for column in 0..<2 {
            var counts = [Int](repeating: 0, count: 40)
            for code in sample.codes[column] { counts[Int(code)] += 1 }
            #expect(counts.allSatisfy { (700...1_300).contains($0) }, "column \(column): \(counts)")
        }
        let loaded = try SynthesisModel.load(from: try model.fileData(), path: "model.json")
        #expect(loaded.model.tree.cliques == model.model.tree.cliques)
    }

    /// A limit that holds the one-way marginals and no pair: the fit ends with them alone, measured
    /// twice (the rest of the budget), and spends its budget (less what rounding each σ up to its
    /// grid leaves). Deterministic.
    @Test func noPairFittingLeavesTheOneWayMarginalsMeasuredTwice() throws {
        let session = try Self.session(seed: 44)
        let model = try MST(iterations: 200, maxModelCells: 83).fit(session: session)

        #expect(model.model.tree.cliques.sorted { $0[0] < $1[0] } == [[0], [1], [2]])
        #expect(session.rhoRemaining < 1e-4 * session.rhoBudget, "\(session.rhoRemaining) of \(session.rhoBudget) left")
        let sample = model.sample(rows: 30_000, source: .seeded(45))
        var counts = [Int](repeating: 0, count: 3)
        for code in sample.codes[2] { counts[Int(code)] += 1 }
        #expect(counts.allSatisfy { (9_000...11_000).contains($0) }, "\(counts)")
    }

    /// A forest's start: column 2 shares no pair, and its start still holds its measured shares
    /// (from its own one-way table), not uniform ones. Deterministic.
    @Test func aColumnOutsideEveryPairStartsAtItsMeasuredShares() throws {
        let domain = [4, 5, 3]
        let shares = [0.7, 0.2, 0.1]
        let rows = 10_000.0
        let oneWay = [
            NoisyMarginal(attributes: [0], values: [Double](repeating: rows / 4, count: 4), sigma: 1),
            NoisyMarginal(attributes: [1], values: [Double](repeating: rows / 5, count: 5), sigma: 1),
            NoisyMarginal(attributes: [2], values: shares.map { $0 * rows }, sigma: 1),
        ]
        let pair = NoisyMarginal(attributes: [0, 1], values: [Double](repeating: rows / 20, count: 20), sigma: 1)
        let tree = JunctionTree(domain: domain, cliques: [[0], [1], [2], [0, 1]])
        let start = TreeStart.model(tree: tree, domain: domain, oneWay: oneWay, pairs: [pair])
        let marginal = try #require(start.marginal([2])).values
        let total = marginal.reduce(0, +)
        let distance = zip(marginal, shares).map { abs($0 / total - $1) }.reduce(0, +) / 2
        #expect(distance < 0.01, "\(marginal.map { $0 / total })")
    }
}
