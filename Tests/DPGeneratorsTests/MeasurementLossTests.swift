import DPRandomness
import Foundation
import Testing

@testable import DPGenerators

/// The loss's projections and gradient step, computed over each clique's covering measurements
/// with the nested ones summed out of (and folded into) them, equal the same sums taken cell by
/// cell over the clique for every measurement.
@Suite struct MeasurementLossTests {
    /// A clique measured whole (the identity), sets inside it, the same set twice and in another
    /// order, and a clique {2, 3, 4} that no measurement covers alone; then a clique whose
    /// one-level attribute gives a set inside it as many cells as the whole.
    static let cases: [(domain: [Int], sets: [[Int]])] = [
        ([3, 4, 2, 5, 3], [[0, 1, 2], [0], [1, 2], [2, 1], [0, 1, 2], [2, 3], [3, 4], [3], [2, 4], [4]]),
        ([2, 1], [[0], [0, 1]]),
    ]

    /// The index, in a table over `target`, of each cell of a table over `source` (last attribute fastest).
    static func cellIndex(source: [Int], target: [Int], domain: [Int]) -> [Int] {
        let size = source.map { domain[$0] }.reduce(1, *)
        return (0..<size).map { cell in
            var rest = cell
            var coordinates = [Int: Int]()
            for attribute in source.reversed() {
                coordinates[attribute] = rest % domain[attribute]
                rest /= domain[attribute]
            }
            return target.reduce(0) { $0 * domain[$1] + coordinates[$1]! }
        }
    }

    @Test(arguments: 0..<cases.count) func projectionsAndStepsEqualTheCellByCellSums(example: Int) {
        let (domain, sets) = Self.cases[example]
        let source = RandomSource.seeded(5)
        let measurements = sets.map { set in
            NoisyMarginal(
                attributes: set,
                values: (0..<set.map { domain[$0] }.reduce(1, *)).map { _ in ModelSampler.uniform(source) },
                sigma: 0.5 + ModelSampler.uniform(source))
        }
        let tree = JunctionTree(domain: domain, cliques: sets)
        let loss = MeasurementLoss(measurements: measurements, tree: tree)
        #expect(loss.nested.joined().count >= (example == 0 ? 5 : 1))
        #expect(tree.cliques.indices.contains { loss.covering[$0].count >= 2 } == (example == 0))
        let marginals = tree.cliques.map { clique in
            Factor(
                attributes: clique, shape: clique.map { domain[$0] },
                values: (0..<clique.map { domain[$0] }.reduce(1, *)).map { _ in ModelSampler.uniform(source) * 10 }
            )
        }
        let projected = loss.project(marginals)
        let residuals = measurements.map { measurement in measurement.values.map { $0 - 0.5 } }
        var trial = marginals
        loss.step(&trial, residuals: residuals, size: 0.25)
        for (clique, attributes) in tree.cliques.enumerated() {
            var gradient = [Double](repeating: 0, count: marginals[clique].size)
            for (position, measurement) in measurements.enumerated()
            where tree.clique(containing: measurement.attributes) == clique {
                let index = Self.cellIndex(source: attributes, target: measurement.attributes, domain: domain)
                var expected = [Double](repeating: 0, count: measurement.values.count)
                for cell in index.indices {
                    expected[index[cell]] += marginals[clique].values[cell]
                    gradient[cell] += residuals[position][index[cell]]
                }
                #expect(zip(projected[position], expected).allSatisfy { abs($0 - $1) <= 1e-9 })
            }
            let expected = zip(marginals[clique].values, gradient).map { $0 - 0.25 * $1 }
            #expect(zip(trial[clique].values, expected).allSatisfy { abs($0 - $1) <= 1e-12 })
        }
        // The opposite step undoes it, up to rounding.
        loss.step(&trial, residuals: residuals, size: -0.25)
        for (back, start) in zip(trial, marginals) {
            #expect(zip(back.values, start.values).allSatisfy { abs($0 - $1) <= 1e-12 })
        }
    }
}
