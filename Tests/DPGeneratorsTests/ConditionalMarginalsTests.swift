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
        GraphicalModel(tree: JunctionTree(domain: Self.domain, cliques: Self.cliques), total: 700)
            .withRandomPotentials(seed: seed, spread: 2)
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

    @Test func aimEstimatesOfASmallModelAreAllExact() {
        // Every set either splits or costs less to eliminate than to count on 10,000 rows.
        let model = randomModel(seed: 17)
        let joint = bruteForceJoint(model)
        let marginals = model.cliqueMarginals()
        let calibrated = CalibratedModel(tree: model.tree, total: model.total, marginals: marginals)
        var estimator = EstimatedMarginals(model: calibrated, source: .seeded(3), noise: 1)
        let sets = Self.setsAcrossCliques
        let conditional = ConditionalMarginals(tree: model.tree, marginals: marginals)
        #expect(sets.contains { conditional.split($0) == nil })
        var visited = Set<Int>()
        estimator.visit(sets) { position, found in
            visited.insert(position)
            guard case .exact(let estimate) = found else {
                Issue.record("set \(sets[position]) was not answered exactly")
                return
            }
            for (a, b) in zip(estimate, joint.summed(to: sets[position]).values) {
                #expect(abs(a - b) < 1e-9 * model.total, "set \(sets[position])")
            }
        }
        #expect(visited == Set(sets.indices))
        for set in sets {
            for (a, b) in zip(estimator.estimate(set), joint.summed(to: set).values) {
                #expect(abs(a - b) < 1e-9 * model.total, "set \(set)")
            }
        }
    }

    @Test func setsTooDearToAnswerExactlyAreCountedOnTheModelSample() {
        // A chain of five 50-level attributes, and noise so large that 10,000 sample rows do.
        let domain = [50, 50, 50, 50, 50]
        let model = GraphicalModel(
            tree: JunctionTree(domain: domain, cliques: [[0, 1], [1, 2], [2, 3], [3, 4]]), total: 5_000
        ).withRandomPotentials(seed: 8, spread: 1)
        let marginals = model.cliqueMarginals()
        let calibrated = CalibratedModel(tree: model.tree, total: model.total, marginals: marginals)
        var estimator = EstimatedMarginals(model: calibrated, source: .seeded(4), noise: 1e9)
        #expect(estimator.rowsCounted(cells: 2_500) == EstimatedMarginals.minimumRows)
        // With σ = 20 a 2,500-cell set's noise term (about 40,000) is below 16 times the total
        // (80,000): it can compete, and is counted on the whole sample; a 125,000-cell set's is not.
        let moderate = EstimatedMarginals(model: calibrated, source: .seeded(4), noise: 20)
        #expect(moderate.sampleRows == 25_000)
        #expect(moderate.rowsCounted(cells: 2_500) == 25_000)
        #expect(moderate.rowsCounted(cells: 125_000) == EstimatedMarginals.minimumRows)
        let sets = [[0, 2, 4], [1, 3], [0, 4]]
        var found: [Int: EstimatedMarginals.Estimate] = [:]
        estimator.visit(sets) { position, estimate in found[position] = estimate }
        guard case .sparse(let triple, let scale) = found[0] else {
            Issue.record("a 125,000-cell set counted on 10,000 rows is kept sparse")
            return
        }
        #expect(triple.counts.reduce(0) { $0 + Int($1) } == EstimatedMarginals.minimumRows)
        #expect(abs(scale * Double(EstimatedMarginals.minimumRows) - model.total) < 1e-9 * model.total)
        for position in [1, 2] {
            guard case .sampled(let counts, _) = found[position] else {
                Issue.record("set \(sets[position]) is counted densely on the sample")
                continue
            }
            #expect(counts.total == EstimatedMarginals.minimumRows)
            // The same rows answer the set again after the visit.
            #expect(estimator.estimate(sets[position]) == found[position]!.values)
        }
        #expect(estimator.estimate([0, 2, 4]) == found[0]!.values)
    }
}
