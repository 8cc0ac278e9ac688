import DPData
import DPRandomness
import Foundation
import Testing

@testable import DPGenerators

@Suite struct GraphicalModelTests {
    static let domain = [2, 3, 2, 3, 2]
    static let cliques: [[Int]] = [[0, 1], [1, 2], [2, 3], [0, 3], [4]]

    func randomModel(seed: UInt64) -> GraphicalModel {
        let tree = JunctionTree(domain: Self.domain, cliques: Self.cliques)
        return GraphicalModel(tree: tree, total: 1000).withRandomPotentials(seed: seed, spread: 2)
    }

    /// Every full assignment's Σ_C θ_C(x_C), by brute force over the domain (last attribute fastest).
    static func bruteForceLogWeights(_ model: GraphicalModel, domain: [Int] = Self.domain) -> [Double] {
        let size = domain.reduce(1, *)
        var logs = [Double](repeating: 0, count: size)
        for cell in 0..<size {
            var coordinates = [Int](repeating: 0, count: domain.count)
            var rest = cell
            for axis in stride(from: domain.count - 1, through: 0, by: -1) {
                coordinates[axis] = rest % domain[axis]
                rest /= domain[axis]
            }
            for potential in model.potentials {
                var index = 0
                for (position, attribute) in potential.attributes.enumerated() {
                    index = index * potential.shape[position] + coordinates[attribute]
                }
                logs[cell] += potential.values[index]
            }
        }
        return logs
    }

    /// Every full assignment's probability from the potentials, by brute force.
    func bruteForceJoint(_ model: GraphicalModel, domain: [Int] = Self.domain) -> [Double] {
        let logs = Self.bruteForceLogWeights(model, domain: domain)
        let maximum = logs.max()!
        let weights = logs.map { exp($0 - maximum) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    @Test func junctionTreeHasRunningIntersectionAndCoversTheCliques() {
        let tree = JunctionTree(domain: Self.domain, cliques: Self.cliques)
        for clique in Self.cliques { #expect(tree.clique(containing: clique) != nil) }
        // Running intersection: cliques holding an attribute form a connected subtree.
        for attribute in Self.domain.indices {
            let holders = tree.cliques.indices.filter { tree.cliques[$0].contains(attribute) }
            let roots = holders.filter { tree.parent[$0] == nil || !tree.cliques[tree.parent[$0]!].contains(attribute) }
            #expect(roots.count == 1, "attribute \(attribute)")
        }
    }

    @Test func beliefPropagationEqualsBruteForceMarginals() {
        let model = randomModel(seed: 4)
        let joint = Factor(attributes: Array(Self.domain.indices), shape: Self.domain, values: bruteForceJoint(model))
        let marginals = model.cliqueMarginals()
        for (clique, marginal) in zip(model.tree.cliques, marginals) {
            let exact = joint.summed(to: clique).values.map { $0 * 1000 }
            for (a, b) in zip(marginal.values, exact) { #expect(abs(a - b) < 1e-9 * 1000) }
        }
    }

    @Test func inferenceRecoversExactMarginalsWithoutNoise() {
        let truth = randomModel(seed: 9)
        let marginals = truth.cliqueMarginals()
        let measured = Self.cliques.map { clique -> NoisyMarginal in
            let values = truth.marginal(clique, cliqueMarginals: marginals)!.values
            return NoisyMarginal(attributes: clique, values: values, sigma: 1)
        }
        let fitted = MirrorDescentEstimator(iterations: 3000).estimate(domain: Self.domain, measurements: measured)
        let fittedMarginals = fitted.cliqueMarginals()
        for measurement in measured {
            let estimate = fitted.marginal(measurement.attributes, cliqueMarginals: fittedMarginals)!.values
            for (a, b) in zip(estimate, measurement.values) { #expect(abs(a - b) < 0.05, "\(measurement.attributes)") }
        }
    }

    /// Potentials read back off a model's calibrated marginals give the same distribution (a
    /// junction tree's is Π μ_C / Π μ_S), keep the last step, and stay finite where a marginal
    /// cell underflowed to zero.
    @Test func aModelReadOffItsMarginalsIsTheSameModel() {
        var model = randomModel(seed: 13)
        model.stepSize = 0.125
        let joint = bruteForceJoint(model)
        let readBack = model.calibrated().model(stepSize: model.stepSize)
        #expect(readBack.stepSize == 0.125 && readBack.total == model.total)
        for (a, b) in zip(bruteForceJoint(readBack), joint) { #expect(abs(a - b) <= 1e-12) }
        // A cell a thousand nats below the rest has a marginal of exactly zero.
        model.potentials[0].values[0] = -1000
        let underflowed = model.calibrated()
        #expect(underflowed.marginals[0].values[0] == 0)
        let finite = underflowed.model(stepSize: nil)
        #expect(finite.potentials.allSatisfy { $0.values.allSatisfy(\.isFinite) })
        for (a, b) in zip(bruteForceJoint(finite), bruteForceJoint(model)) { #expect(abs(a - b) <= 1e-12) }
    }

    @Test func samplesFollowTheModelWithLowVarianceRounding() {
        let model = randomModel(seed: 11)
        let rows = 20_000
        let codes = ModelSampler.sample(model.calibrated(), rows: rows, source: .seeded(3))
        let schema = Schema(
            name: "m",
            columns: Self.domain.enumerated().map {
                Column(name: "c\($0.offset)", kind: .coded(levels: $0.element), missing: .error)
            })
        let data = EncodedDataset(schema: schema, codes: codes)
        let marginals = model.cliqueMarginals()
        // The first clique is allotted with low-variance rounding: within one row per cell.
        let root = model.tree.order[0]
        let rootCounts = data.marginal(model.tree.cliques[root]).values
        let expected = marginals[root].values.map { $0 / model.total * Double(rows) }
        for (a, b) in zip(rootCounts, expected) { #expect(abs(a - b) <= 1.000001) }
        // Every clique's distribution matches to within sampling error (4 standard deviations).
        for (clique, marginal) in zip(model.tree.cliques, marginals) {
            let counts = data.marginal(clique).values
            for (a, b) in zip(counts, marginal.values.map { $0 / model.total * Double(rows) }) {
                #expect(abs(a - b) <= 4 * b.squareRoot() + 2)
            }
        }
    }

    @Test func allotmentIsFloorOrCeiling() {
        let source = RandomSource.seeded(8)
        let weights = [0.1, 0.25, 0.05, 0.3, 0.3]
        for count in [0, 1, 7, 100, 1001] {
            var allotted = [Int](repeating: 0, count: weights.count)
            for (slot, items) in ModelSampler.allot(
                count, cells: weights.count, source: source, weight: { weights[$0] })
            {
                allotted[slot] = items
            }
            #expect(allotted.reduce(0, +) == count)
            for (a, w) in zip(allotted, weights) {
                let exact = Double(count) * w
                #expect(Double(a) >= exact.rounded(.down) && Double(a) <= exact.rounded(.up))
            }
        }
    }
}
