import DPRandomness
import Foundation
import Testing

@testable import DPGenerators

@Suite struct EliminationPlanTests {
    @Test func everySetAcrossCliquesEqualsTheBruteForceMarginal() {
        let fixture = ConditionalMarginalsTests()
        for seed: UInt64 in [5, 6] {
            let model = fixture.randomModel(seed: seed)
            let joint = fixture.bruteForceJoint(model)
            let marginals = model.cliqueMarginals()
            for set in ConditionalMarginalsTests.setsAcrossCliques + [[0, 2, 4, 6], [0, 3, 5, 6], [2, 4, 5]] {
                let computed = model.anyMarginal(set, cliqueMarginals: marginals).values
                let exact = joint.summed(to: set).values
                #expect(computed.count == exact.count)
                for (a, b) in zip(computed, exact) { #expect(abs(a - b) < 1e-9 * model.total, "set \(set)") }
            }
        }
    }

    @Test func piecesJoinedByEmptySeparatorsAreMultiplied() {
        let tree = JunctionTree(domain: ConditionalMarginalsTests.domain, cliques: ConditionalMarginalsTests.cliques)
        // Attribute 6 has a component of its own: {0} and {6} are counted apart and multiplied.
        let plan = EliminationPlan(target: [0, 6], tree: tree)
        #expect(plan.parts.map(\.target) == [[0], [6]])
        #expect(plan.parts.map(\.order.count) == [1, 1])
        // Clique {0, 1} (6 cells), clique {6} (2 cells), the product (4 cells).
        #expect(plan.cells == 12)
        // {0, 4} lies in one piece: the path {0, 1} - {1, 2, 3} - {3, 4}, carrying 0 up.
        let path = EliminationPlan(target: [0, 4], tree: tree)
        #expect(path.parts.count == 1)
        #expect(path.parts[0].order.count == 3)
    }

    @Test func smallSetsOfIndependentAttributesAreAnsweredExactly() {
        // A chain of 50-level attributes beside three independent binary ones: a triple of the
        // binary ones costs a few cells to eliminate, however large the chain.
        let domain = [50, 50, 50, 2, 2, 2]
        let model = GraphicalModel(
            tree: JunctionTree(domain: domain, cliques: [[0, 1], [1, 2], [3], [4], [5]]), total: 5_000
        ).withRandomPotentials(seed: 9, spread: 1)
        let marginals = model.cliqueMarginals()
        let calibrated = CalibratedModel(tree: model.tree, total: model.total, marginals: marginals)
        var estimator = EstimatedMarginals(model: calibrated, source: .seeded(4), noise: 20)
        // The model has 5,006 cells: 5,006 x 8 exceeds the 25,000 rows the triple would be counted on.
        #expect(model.tree.cellCount * 8 > estimator.rowsCounted(cells: 8))
        var found: EstimatedMarginals.Estimate?
        estimator.visit([[3, 4, 5]]) { _, estimate in found = estimate }
        guard case .exact(let values) = found else {
            Issue.record("the triple is eliminated exactly")
            return
        }
        let ones = [3, 4, 5].map { attribute in marginals[model.tree.clique(containing: [attribute])!].values }
        for a in 0..<2 {
            for b in 0..<2 {
                for c in 0..<2 {
                    let expected = ones[0][a] * ones[1][b] * ones[2][c] / (model.total * model.total)
                    #expect(abs(values[(a * 2 + b) * 2 + c] - expected) < 1e-9 * model.total)
                }
            }
        }
    }
}
