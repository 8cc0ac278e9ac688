import Foundation

/// Where MST's estimate starts: the tree model its measurements give in closed form, each
/// component rooted at its first column: p(x) = p̂(x_root) · Π_edges p̂(x_child | x_parent),
/// each conditional read from its own measured pair table (so the tables never have to agree
/// with each other), every table clipped below at `noiseFloor` standard deviations of its noise.
///
/// Mirror descent from uniform potentials moves a cell's log-potential in proportion to the
/// cell's share of the rows, so cells the data leaves empty keep their mass for many steps, most
/// on wide pairs at large epsilons, where the measurements say those cells are empty: the rows
/// sampled there hide what the measurements hold (a cell of one row among them). From the closed
/// form, the fit begins where the tree's measurements put it and refines what they disagree on.
/// A cell measured below the floor cannot be told from an empty one, so it starts at the floor:
/// at small epsilons most cells are below it, and each conditional starts near uniform, as a
/// start from uniform potentials would.
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
        var edges = [[Int]](repeating: [], count: domain.count)
        for (index, pair) in pairs.enumerated() {
            for attribute in pair.attributes { edges[attribute].append(index) }
        }
        // Each column is reached once, from its parent, breadth first from the first column of its
        // component (the tree can be a forest when pairs were too large for the model).
        var reached = Set<Int>()
        for root in domain.indices where !reached.contains(root) {
            if let marginal = oneWay.first(where: { $0.attributes == [root] }),
                let clique = tree.clique(containing: [root])
            {
                potentials[clique].add(logConditional(marginal, given: [], domain: domain))
            }
            reached.insert(root)
            var queue = [root]
            while !queue.isEmpty {
                let parent = queue.removeFirst()
                for index in edges[parent] {
                    let pair = pairs[index]
                    guard let child = pair.attributes.first(where: { $0 != parent }), !reached.contains(child),
                        let clique = tree.clique(containing: pair.attributes)
                    else { continue }
                    potentials[clique].add(logConditional(pair, given: [parent], domain: domain))
                    reached.insert(child)
                    queue.append(child)
                }
            }
        }
        return GraphicalModel(
            tree: tree, total: MirrorDescentEstimator.estimateTotal(oneWay + pairs), potentials: potentials)
    }

    /// log p̂(the other attributes | `given`) from one table, its cells floored at `noiseFloor` of
    /// their noise's standard deviation: each cell over the sum of the cells that share its
    /// `given` values (over the whole table when `given` is empty).
    static func logConditional(_ marginal: NoisyMarginal, given: [Int], domain: [Int]) -> Factor {
        let shape = marginal.attributes.map { domain[$0] }
        let floored = marginal.values.indices.map { cell in
            max(marginal.values[cell], noiseFloor * (marginal.cellSigmas?[cell] ?? marginal.sigma), 1e-9)
        }
        // The index of a cell's `given` values: row-major, as the table's own layout.
        let strides = shape.indices.map { shape[($0 + 1)...].reduce(1, *) }
        let positions = given.map { marginal.attributes.firstIndex(of: $0)! }
        func group(_ cell: Int) -> Int {
            positions.reduce(0) { $0 * shape[$1] + (cell / strides[$1]) % shape[$1] }
        }
        var sums = [Double](repeating: 0, count: positions.reduce(1) { $0 * shape[$1] })
        for cell in floored.indices { sums[group(cell)] += floored[cell] }
        return Factor(
            attributes: marginal.attributes, shape: shape,
            values: floored.indices.map { log(floored[$0] / sums[group($0)]) })
    }
}
