import DPRandomness
import Foundation
import Testing

@testable import DPGenerators

/// Belief propagation's reuse of the upward exponentials, on tables large enough to be split
/// over the cores (where each part keeps its own group maxima) and with −infinity cells.
@Suite struct GroupedExponentialsTests {
    /// A factor over [0, 1, 2] with `cells` cells of seeded values in [−20, 20], some −infinity,
    /// one group of attribute 2 wholly −infinity.
    static func factor(shape: [Int], seed: UInt64) -> Factor {
        let source = RandomSource.seeded(seed)
        var values = (0..<shape.reduce(1, *)).map { _ in Double(source.uniform(below: 40_001)) / 1000 - 20 }
        for cell in values.indices where source.uniform(below: 50) == 0 { values[cell] = -.infinity }
        for cell in values.indices where cell % shape[2] == 1 { values[cell] = -.infinity }
        return Factor(attributes: [0, 1, 2], shape: shape, values: values)
    }

    @Test(arguments: [[4, 5, 3], [64, 64, 64]])
    func rescaledEqualsTheShiftedExponentialsDirectly(shape: [Int]) {
        let factor = Self.factor(shape: shape, seed: 3)
        var exponentials = GroupedExponentials(factor, to: [2])
        #expect((exponentials.parts > 1) == (factor.size > 100_000))
        let shift = (0..<shape[2]).map { Double($0) * 3 - 4 }
        var direct = factor.values.indices.map { cell in Foundation.exp(factor.values[cell] + shift[cell % shape[2]]) }
        let sum = direct.reduce(0, +)
        direct = direct.map { $0 * 1000 / sum }
        let logSums = exponentials.logSums.values
        exponentials.rescale(by: shift, total: 1000)
        let rescaled = exponentials.shifted
        #expect(zip(rescaled, direct).allSatisfy { abs($0 - $1) <= 1e-12 * 1000 })
        #expect(zip(rescaled, factor.values).allSatisfy { $1 == -.infinity ? $0 == 0 : true })
        // The group sums agree with log Σ exp computed directly.
        for group in 0..<shape[2] {
            let members = factor.values.indices.filter { $0 % shape[2] == group }.map { factor.values[$0] }
            let maximum = members.max()!
            let expected =
                maximum == -.infinity
                ? -Double.infinity : maximum + Foundation.log(members.reduce(0) { $0 + Foundation.exp($1 - maximum) })
            let computed = logSums[group]
            #expect(computed == expected || abs(computed - expected) <= 1e-12 * max(1, abs(expected)))
        }
    }

    /// Two cliques sharing attribute 2, the first split over the cores: each clique's marginal
    /// equals the one summed out of the joint exp(θ_A + θ_B) directly.
    @Test func beliefPropagationOnALargeCliqueMatchesTheJoint() {
        let domain = [64, 64, 64, 5]
        let tree = JunctionTree(domain: domain, cliques: [[0, 1, 2], [2, 3]])
        var model = GraphicalModel(tree: tree, total: 5000)
        let large = tree.cliques.firstIndex(of: [0, 1, 2])!
        let small = tree.cliques.firstIndex(of: [2, 3])!
        model.potentials[large] = Self.factor(shape: [64, 64, 64], seed: 9)
        let source = RandomSource.seeded(4)
        for cell in model.potentials[small].values.indices {
            model.potentials[small].values[cell] = Double(source.uniform(below: 4001)) / 1000 - 2
        }
        let marginals = model.cliqueMarginals()
        let a = model.potentials[large].values
        let b = model.potentials[small].values
        // Σ_d exp(θ_B(c, d)) and Σ_{a,b} exp(θ_A(a, b, c)), per c.
        let bSums = (0..<64).map { c in (0..<5).reduce(0.0) { $0 + Foundation.exp(b[c * 5 + $1]) } }
        var aSums = [Double](repeating: 0, count: 64)
        for cell in a.indices { aSums[cell % 64] += Foundation.exp(a[cell]) }
        let total = (0..<64).reduce(0.0) { $0 + aSums[$1] * bSums[$1] }
        let expectedLarge = a.indices.map { 5000 * Foundation.exp(a[$0]) * bSums[$0 % 64] / total }
        let expectedSmall = b.indices.map { 5000 * aSums[$0 / 5] * Foundation.exp(b[$0]) / total }
        #expect(zip(marginals[large].values, expectedLarge).allSatisfy { abs($0 - $1) <= 1e-9 })
        #expect(zip(marginals[small].values, expectedSmall).allSatisfy { abs($0 - $1) <= 1e-9 })
    }

    /// A factor handed over whole has its exponentials written over its own table (belief
    /// propagation then holds one table per clique, not two), with the same values as a factor
    /// that something else still holds.
    @Test(arguments: [[4, 5, 3], [64, 64, 64]])
    func aHandedOverFactorsTableIsReused(shape: [Int]) {
        let kept = Self.factor(shape: shape, seed: 5)
        let handed = Factor(attributes: kept.attributes, shape: kept.shape, values: kept.values.map { $0 })
        let address = handed.values.withUnsafeBufferPointer { $0.baseAddress }
        let fromKept = GroupedExponentials(kept, to: [1])
        let fromHanded = GroupedExponentials(consume handed, to: [1])
        #expect(fromHanded.shifted.withUnsafeBufferPointer { $0.baseAddress } == address)
        #expect(
            fromKept.shifted.withUnsafeBufferPointer { $0.baseAddress }
                != kept.values.withUnsafeBufferPointer { $0.baseAddress })
        #expect(fromHanded.shifted == fromKept.shifted)
        #expect(fromHanded.logSums.values == fromKept.logSums.values)
    }
}
