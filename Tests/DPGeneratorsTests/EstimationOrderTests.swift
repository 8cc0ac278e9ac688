import DPRandomness
import Foundation
import Testing

@testable import DPGenerators

/// The estimator's working order (ascending domain size): renaming is a transposition that
/// round-trips, and a fit is the same fit whichever names its problem arrives in.
@Suite struct EstimationOrderTests {
    static let domain = [5, 2, 7, 3]

    @Test func factorsAreTransposedToTheWorkingNamesAndBack() {
        let order = EstimationOrder(domain: Self.domain)
        #expect(order.attribute == [1, 3, 0, 2])
        #expect(order.label == [2, 0, 3, 1])
        let factor = Factor(attributes: [0, 2, 3], shape: [5, 7, 3], values: (0..<105).map(Double.init))
        let working = order.renamed(factor, toWorking: true)
        // Attributes 0, 2, 3 are named 2, 3, 1: the table is laid out over (3, 0, 2).
        #expect(working.attributes == [1, 2, 3])
        #expect(working.shape == [3, 5, 7])
        for a0 in 0..<5 {
            for a2 in 0..<7 {
                for a3 in 0..<3 {
                    let (workingCell, originalCell) = ((a3 * 5 + a0) * 7 + a2, (a0 * 7 + a2) * 3 + a3)
                    #expect(working.values[workingCell] == factor.values[originalCell])
                }
            }
        }
        #expect(order.renamed(working, toWorking: false) == factor)
        let measurement = NoisyMarginal(
            attributes: [0, 3], values: (0..<15).map(Double.init), sigma: 2, cellSigmas: (0..<15).map { Double($0) + 1 }
        )
        let renamed = order.renamed(measurement)
        #expect(renamed.attributes == [1, 2])
        let expected: [Double] = (0..<15).map { cell in Double((cell % 5) * 3 + cell / 5) }
        #expect(renamed.values == expected)
        let sigmas: [Double] = expected.map { $0 + 1 }
        #expect(renamed.cellSigmas == sigmas)
    }

    /// Integer-valued measurements, so every sum is exact in any order: the fit from the
    /// original names, renamed, equals the fit of the renamed problem cell for cell.
    @Test func aFitIsTheSameInEitherNaming() {
        let source = RandomSource.seeded(17)
        let sets = [[0, 1], [0, 2, 3], [1, 3]]
        let measurements = sets.map { set in
            NoisyMarginal(
                attributes: set,
                values: (0..<set.reduce(1) { $0 * Self.domain[$1] }).map { _ in Double(source.uniform(below: 200)) },
                sigma: 3)
        }
        let tree = JunctionTree(domain: Self.domain, cliques: sets)
        let order = EstimationOrder(domain: Self.domain)
        let estimator = MirrorDescentEstimator(iterations: 40)
        let original = estimator.estimate(domain: Self.domain, measurements: measurements, tree: tree)
        let workingDomain = order.attribute.map { Self.domain[$0] }
        #expect(EstimationOrder(domain: workingDomain).isIdentity)
        let working = estimator.estimate(
            domain: workingDomain, measurements: measurements.map(order.renamed), tree: tree.relabeled(order.label))
        #expect(original.tree.cliques == tree.cliques)
        #expect(original.potentials.map(\.attributes) == tree.cliques)
        #expect(original.potentials.map { order.renamed($0, toWorking: true) } == working.potentials)
        #expect(original.stepSize == working.stepSize)
        // A warm start from the fit is renamed on the way in as well.
        let again = estimator.estimate(domain: Self.domain, measurements: measurements, tree: tree, warmStart: original)
        let workingAgain = estimator.estimate(
            domain: workingDomain, measurements: measurements.map(order.renamed), tree: tree.relabeled(order.label),
            warmStart: working)
        #expect(again.potentials.map { order.renamed($0, toWorking: true) } == workingAgain.potentials)
    }

    /// In the working order a binary column shared by a clique's measurements no longer cuts
    /// their blocks: they run along the 100-level column.
    @Test func blocksRunAlongTheLargestColumn() {
        let domain = [2, 3, 100]
        let tree = JunctionTree(domain: domain, cliques: [[0, 1, 2]])
        let measurements = [[0, 2], [1, 2]].map { set in
            NoisyMarginal(
                attributes: set, values: [Double](repeating: 1, count: set.reduce(1) { $0 * domain[$1] }), sigma: 1)
        }
        let loss = MeasurementLoss(measurements: measurements, tree: tree)
        #expect(loss.projections.map { $0?.run } == [100, 100])
        #expect(BlockProjection(from: [0, 1, 2], shape: [100, 3, 2], to: [0, 2]).run == 2)
    }

    @Test func aRelabeledTreeFindsTheSameCliques() {
        let tree = JunctionTree(domain: Self.domain, cliques: [[0, 1], [0, 2, 3], [1, 3]])
        let order = EstimationOrder(domain: Self.domain)
        let relabeled = tree.relabeled(order.label)
        #expect(relabeled.domain == order.attribute.map { Self.domain[$0] })
        #expect(relabeled.parent == tree.parent)
        #expect(relabeled.order == tree.order)
        for set in [[0], [1, 3], [2, 3], [0, 2, 3], [0, 1]] {
            #expect(relabeled.clique(containing: set.map { order.label[$0] }.sorted()) == tree.clique(containing: set))
        }
        for clique in tree.cliques.indices {
            #expect(relabeled.separator(clique) == tree.separator(clique).map { order.label[$0] }.sorted())
        }
    }
}
