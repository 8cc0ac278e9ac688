import Foundation

/// An undirected graphical model on a junction tree: one log-potential per maximal clique and a
/// total count. Belief propagation gives every clique's marginal, in counts.
///
/// This is post-processing of noisy measurements: nothing here touches private data.
public struct GraphicalModel: Sendable {
    public let tree: JunctionTree
    public var potentials: [Factor]
    public var total: Double
    /// The mirror-descent step the last estimate ended with, where a warm start begins (not saved
    /// with the model).
    public var stepSize: Double?
    private let upward: [BlockProjection?]
    private let downward: [BlockProjection?]
    private let children: [[Int]]

    /// A model on `tree` with the given log-potentials, one per clique in the tree's order
    /// (default: all zero, the uniform model).
    public init(tree: JunctionTree, total: Double, potentials: [Factor]? = nil) {
        self.tree = tree
        self.total = total
        self.potentials = potentials ?? tree.cliques.map { Factor(attributes: $0, domain: tree.domain, filledWith: 0) }
        precondition(self.potentials.map(\.attributes) == tree.cliques, "one potential per clique, over its attributes")
        upward = tree.cliques.indices.map { clique in
            tree.parent[clique] == nil
                ? nil
                : BlockProjection(
                    from: tree.cliques[clique], shape: tree.cliques[clique].map { tree.domain[$0] },
                    to: tree.separator(clique))
        }
        children = tree.cliques.indices.map { clique in tree.order.filter { tree.parent[$0] == clique } }
        downward = tree.cliques.indices.map { clique in
            guard let parent = tree.parent[clique] else { return nil }
            return BlockProjection(
                from: tree.cliques[parent], shape: tree.cliques[parent].map { tree.domain[$0] },
                to: tree.separator(clique))
        }
    }

    /// Calibrated clique marginals (counts summing to `total`), by sum-product message passing:
    /// leaves to root in log space, each clique's exponentials (grouped by its separator) kept on
    /// the way up in place of its belief; then root to leaves, where a clique's marginal is those
    /// exponentials times the parent's message per separator cell, rescaled in place, so each
    /// cell is exponentiated once and each clique holds one table at a time. A marginal summed
    /// to a child's separator, over the child's own upward message, is the message down to it.
    public func cliqueMarginals(potentials theta: [Factor]? = nil) -> [Factor] {
        cliqueMarginalsAndLogPartition(potentials: theta).marginals
    }

    /// The calibrated clique marginals, and log Σ_x exp(Σ_C θ_C(x_C)) over the whole domain (the
    /// sum of each tree's root's log-sum-exp), read off the same pass.
    func cliqueMarginalsAndLogPartition(potentials theta: [Factor]? = nil) -> (
        marginals: [Factor], logPartition: Double
    ) {
        let theta = theta ?? potentials
        let count = tree.cliques.count
        var kept = [GroupedExponentials?](repeating: nil, count: count)
        var toParent = [[Double]](repeating: [], count: count)
        var fromParent = [[Double]](repeating: [0], count: count)
        var beliefs = theta
        var logPartition = 0.0
        // Upward: each clique sends its parent the log-sum-exp of its potential and its children's messages.
        for clique in tree.order.reversed() {
            guard let parent = tree.parent[clique] else { continue }
            // The belief is handed over, so its exponentials take its table when nothing else
            // holds it (a belief that children's messages were added to).
            let belief = beliefs[clique]
            beliefs[clique].values = []
            let exponentials = GroupedExponentials(
                consume belief, to: tree.separator(clique), projection: upward[clique])
            let message = exponentials.logSums
            toParent[clique] = message.values
            kept[clique] = exponentials
            beliefs[parent].add(message, blocks: downward[clique]!)
        }
        for clique in tree.order {
            // A root has no separator: its one group takes no message.
            var exponentials: GroupedExponentials
            if let upward = kept[clique] {
                exponentials = upward
            } else {
                let belief = beliefs[clique]
                beliefs[clique].values = []
                exponentials = GroupedExponentials(consume belief, to: [])
                logPartition += exponentials.logSums.values[0]
            }
            kept[clique] = nil
            beliefs[clique].values = []
            exponentials.rescale(by: fromParent[clique], total: total)
            beliefs[clique].values = exponentials.shifted
            for child in children[clique] {
                let message = beliefs[clique].summed(to: tree.separator(child), blocks: downward[child]!).values
                fromParent[child] = zip(message, toParent[child]).map { log($0) - $1 }
            }
        }
        return (beliefs, logPartition)
    }

    /// The marginal over `attributes` (contained in one clique), in counts.
    public func marginal(_ attributes: [Int], cliqueMarginals: [Factor]? = nil) -> Factor? {
        let sorted = attributes.sorted()
        guard let clique = tree.clique(containing: sorted) else { return nil }
        let marginals = cliqueMarginals ?? self.cliqueMarginals()
        return marginals[clique].summed(to: sorted)
    }
}
