import Foundation

/// Where MST's estimate starts: the tree model its measurements give in closed form,
/// p(x) = Π_edges p̂(x_a, x_b) / Π_nodes p̂(x_i)^(degree − 1), each p̂ a noisy table clipped
/// below at `noiseFloor` standard deviations of its noise and normalised.
///
/// Mirror descent from uniform potentials moves a cell's log-potential in proportion to the
/// cell's share of the rows, so cells the data leaves empty keep their mass for many steps, most
/// on wide pairs at large epsilons, where the measurements say those cells are empty: the rows
/// sampled there hide what the measurements hold (a cell of one row among them). From the closed
/// form, the fit begins where the tree's measurements put it and refines what they disagree on.
/// A cell measured below the floor cannot be told from an empty one; starting it at the floor
/// rather than near zero keeps the smoothing a start from uniform gives at small epsilons.
///
/// Post-processing of the noisy marginals only.
enum TreeStart {
    /// Cells measured below this many standard deviations of their noise start there.
    static let noiseFloor = 2.0

    /// Potentials on `tree` (the junction tree of the measured sets) for the one-way
    /// measurements `oneWay` and the spanning tree's measured `pairs`.
    static func model(tree: JunctionTree, domain: [Int], oneWay: [NoisyMarginal], pairs: [NoisyMarginal])
        -> GraphicalModel
    {
        var potentials = tree.cliques.map { Factor(attributes: $0, domain: domain, filledWith: 0) }
        var degree = [Int](repeating: 0, count: domain.count)
        for pair in pairs {
            guard let clique = tree.clique(containing: pair.attributes) else { continue }
            potentials[clique].add(logShares(pair, domain: domain))
            for attribute in pair.attributes { degree[attribute] += 1 }
        }
        for marginal in oneWay where marginal.attributes.count == 1 && degree[marginal.attributes[0]] > 1 {
            guard let clique = tree.clique(containing: marginal.attributes) else { continue }
            potentials[clique].add(
                logShares(marginal, domain: domain), scale: -Double(degree[marginal.attributes[0]] - 1))
        }
        return GraphicalModel(
            tree: tree, total: MirrorDescentEstimator.estimateTotal(oneWay + pairs), potentials: potentials)
    }

    /// log of each cell's share of the table, the cell's count floored at `noiseFloor` of its
    /// noise's standard deviation.
    static func logShares(_ marginal: NoisyMarginal, domain: [Int]) -> Factor {
        let floored = marginal.values.indices.map { cell in
            max(marginal.values[cell], noiseFloor * (marginal.cellSigmas?[cell] ?? marginal.sigma), 1e-9)
        }
        let sum = floored.reduce(0, +)
        return Factor(
            attributes: marginal.attributes, shape: marginal.attributes.map { domain[$0] },
            values: floored.map { log($0 / sum) })
    }
}
