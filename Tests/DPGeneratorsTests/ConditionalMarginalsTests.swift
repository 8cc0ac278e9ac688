import DPData
import DPRandomness
import Foundation
import Testing

@testable import DPGenerators

@Suite struct ConditionalMarginalsTests {
    /// A tree with a three-attribute clique, a chain, a branch and an attribute in a component of
    /// its own (joined by an empty separator).
    static let domain = [2, 3, 2, 3, 2, 3, 2]
    static let cliques: [[Int]] = [[0, 1], [1, 2, 3], [3, 4], [1, 5], [6]]

    func randomModel(seed: UInt64) -> GraphicalModel {
        var model = GraphicalModel(tree: JunctionTree(domain: Self.domain, cliques: Self.cliques), total: 700)
        let source = RandomSource.seeded(seed)
        for index in model.potentials.indices {
            for cell in model.potentials[index].values.indices {
                model.potentials[index].values[cell] = Double(source.uniform(below: 2000)) / 500 - 2
            }
        }
        return model
    }

    /// The joint over every attribute, in counts, by brute force from the potentials.
    func bruteForceJoint(_ model: GraphicalModel) -> Factor {
        var joint = Factor(attributes: Array(Self.domain.indices), domain: Self.domain, filledWith: 0)
        for potential in model.potentials { joint.add(potential) }
        let logTotal = joint.logTotal
        return Factor(
            attributes: joint.attributes, shape: joint.shape,
            values: joint.values.map { model.total * exp($0 - logTotal) })
    }

    /// Every pair and triple of attributes that no clique holds.
    static var setsAcrossCliques: [[Int]] {
        let d = domain.count
        let pairs = (0..<d).flatMap { a in (a + 1..<d).map { [a, $0] } }
        let triples = (0..<d).flatMap { a in (a + 1..<d).flatMap { b in (b + 1..<d).map { [a, b, $0] } } }
        let tree = JunctionTree(domain: domain, cliques: cliques)
        return (pairs + triples).filter { tree.clique(containing: $0) == nil }
    }

    @Test func everySplitSetEqualsTheBruteForceMarginal() {
        let model = randomModel(seed: 31)
        let joint = bruteForceJoint(model)
        let conditional = ConditionalMarginals(tree: model.tree, marginals: model.cliqueMarginals())
        var checked = 0
        for set in Self.setsAcrossCliques {
            guard let split = conditional.split(set) else { continue }
            #expect(set.contains(split.attribute))
            #expect(Set(set).subtracting([split.attribute]).isSubset(of: model.tree.cliques[split.clique]))
            let computed = conditional.marginals(setting: split.attribute, sets: [(set, split.clique)])[0]
            let exact = joint.summed(to: set).values
            #expect(computed.count == exact.count)
            for (a, b) in zip(computed, exact) { #expect(abs(a - b) < 1e-9 * model.total, "set \(set)") }
            checked += 1
        }
        // Pairs across cliques and triples with two attributes in one clique, including ones with
        // the attribute of the separate component.
        #expect(checked >= 25)
    }

    @Test func aGroupOfSetsEqualsEachSetAlone() {
        let model = randomModel(seed: 5)
        let conditional = ConditionalMarginals(tree: model.tree, marginals: model.cliqueMarginals())
        let group = Self.setsAcrossCliques.compactMap { set -> (set: [Int], clique: Int)? in
            guard let split = conditional.split(set), split.attribute == 1 else { return nil }
            return (set, split.clique)
        }
        #expect(group.count >= 3)
        let together = conditional.marginals(setting: 1, sets: group)
        for (entry, values) in zip(group, together) {
            #expect(values == conditional.marginals(setting: 1, sets: [entry])[0])
        }
    }

    @Test func cliqueLookupAgreesWithTheTree() {
        let model = randomModel(seed: 2)
        let conditional = ConditionalMarginals(tree: model.tree, marginals: model.cliqueMarginals())
        let d = Self.domain.count
        let sets = (0..<d).map { [$0] } + (0..<d).flatMap { a in (a + 1..<d).map { [a, $0] } }
        for set in sets + Self.setsAcrossCliques {
            #expect(conditional.clique(containing: set) == model.tree.clique(containing: set), "set \(set)")
        }
    }

    @Test func aimEstimatesAreExactWhereASplitExists() {
        let model = randomModel(seed: 17)
        let joint = bruteForceJoint(model)
        let marginals = model.cliqueMarginals()
        var estimator = EstimatedMarginals(model: model, marginals: marginals, source: .seeded(3), noise: 1)
        let sets = Self.setsAcrossCliques
        let conditional = ConditionalMarginals(tree: model.tree, marginals: marginals)
        var visited = Set<Int>()
        estimator.visit(sets) { position, found in
            visited.insert(position)
            let estimate = found.values
            let set = sets[position]
            let exact = joint.summed(to: set).values
            if conditional.split(set) != nil {
                for (a, b) in zip(estimate, exact) { #expect(abs(a - b) < 1e-9 * model.total, "set \(set)") }
            } else {
                // Counted on the model sample: the same total; its distance from a table of
                // counts is the one its values give.
                #expect(abs(estimate.reduce(0, +) - model.total) < 1e-6 * model.total)
                guard case .sampled(let counts, let scale) = found else {
                    Issue.record("set \(set) has no split but was not sampled")
                    return
                }
                #expect(
                    found.distance(from: counts, answerTotal: counts.total) == counts.absoluteDifference(from: estimate)
                )
                #expect(
                    counts.absoluteDifference(from: counts, scale: scale)
                        == found.distance(from: counts, answerTotal: counts.total))
            }
        }
        #expect(visited == Set(sets.indices))
        for set in sets where conditional.split(set) != nil {
            let exact = joint.summed(to: set).values
            for (a, b) in zip(estimator.estimate(set), exact) { #expect(abs(a - b) < 1e-9 * model.total) }
        }
    }
}
