import Foundation

/// An undirected graphical model on a junction tree: one log-potential per maximal clique and a
/// total count. Belief propagation gives every clique's marginal, in counts.
///
/// This is post-processing of noisy measurements: nothing here touches private data.
public struct GraphicalModel: Sendable {
    public let tree: JunctionTree
    public var potentials: [Factor]
    public var total: Double
    private let upward: [Projection?]
    private let downward: [Projection?]

    public init(tree: JunctionTree, total: Double) {
        self.tree = tree
        self.total = total
        potentials = tree.cliques.map { Factor(attributes: $0, domain: tree.domain, filledWith: 0) }
        upward = tree.cliques.indices.map { clique in
            tree.parent[clique] == nil
                ? nil
                : Projection(
                    from: tree.cliques[clique], shape: tree.cliques[clique].map { tree.domain[$0] },
                    to: tree.separator(clique))
        }
        downward = tree.cliques.indices.map { clique in
            guard let parent = tree.parent[clique] else { return nil }
            return Projection(
                from: tree.cliques[parent], shape: tree.cliques[parent].map { tree.domain[$0] },
                to: tree.separator(clique))
        }
    }

    /// Calibrated clique marginals (counts summing to `total`), by sum-product message passing in
    /// log space: leaves to root, then root to leaves.
    public func cliqueMarginals(potentials theta: [Factor]? = nil) -> [Factor] {
        let theta = theta ?? potentials
        let count = tree.cliques.count
        var toParent = [Factor?](repeating: nil, count: count)
        var beliefs = theta
        // Upward: each clique sends its parent the log-sum-exp of its potential and its children's messages.
        for clique in tree.order.reversed() {
            guard tree.parent[clique] != nil else { continue }
            let message = beliefs[clique].logSumExp(to: tree.separator(clique), projection: upward[clique])
            toParent[clique] = message
            beliefs[tree.parent[clique]!].add(message, projection: downward[clique])
        }
        // Downward: the parent's full belief minus this child's message, summed to the separator.
        for clique in tree.order {
            guard let parent = tree.parent[clique] else { continue }
            var outgoing = beliefs[parent].logSumExp(to: tree.separator(clique), projection: downward[clique])
            for index in outgoing.values.indices { outgoing.values[index] -= toParent[clique]!.values[index] }
            beliefs[clique].add(outgoing, projection: upward[clique])
        }
        return beliefs.map { belief in
            let logZ = belief.logTotal
            return Factor(
                attributes: belief.attributes, shape: belief.shape,
                values: belief.values.map { total * exp($0 - logZ) })
        }
    }

    /// The marginal over `attributes` (contained in one clique), in counts.
    public func marginal(_ attributes: [Int], cliqueMarginals: [Factor]? = nil) -> Factor? {
        let sorted = attributes.sorted()
        guard let clique = tree.clique(containing: sorted) else { return nil }
        let marginals = cliqueMarginals ?? self.cliqueMarginals()
        return marginals[clique].summed(to: sorted)
    }
}
