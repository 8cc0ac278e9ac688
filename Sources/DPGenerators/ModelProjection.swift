import Foundation

extension GraphicalModel {
    /// The model's marginal (counts) over any sorted attribute set, also across cliques: on the
    /// smallest subtree whose cliques hold the attributes, the joint is Π μ_clique / Π μ_separator;
    /// eliminating everything but the targets from the leaves up keeps each message over its
    /// separator plus the target attributes seen below it.
    public func anyMarginal(_ target: [Int], cliqueMarginals marginals: [Factor]) -> Factor {
        if let clique = tree.clique(containing: target) { return marginals[clique].summed(to: target) }
        let count = tree.cliques.count
        var neighbours = [Set<Int>](repeating: [], count: count)
        for (a, b) in tree.edges {
            neighbours[a].insert(b)
            neighbours[b].insert(a)
        }
        // Cliques that hold a target attribute must stay; prune other leaves repeatedly.
        var needed = Set<Int>()
        for attribute in target { needed.insert(tree.cliques.indices.first { tree.cliques[$0].contains(attribute) }!) }
        var alive = Set(0..<count)
        var changed = true
        while changed {
            changed = false
            for clique in alive where !needed.contains(clique) && neighbours[clique].intersection(alive).count <= 1 {
                alive.remove(clique)
                changed = true
            }
        }
        let root = needed.min()!
        // Depth-first order from the root over the living subtree.
        var order: [Int] = []
        var parent = [Int: Int]()
        var stack = [root]
        var seen: Set<Int> = [root]
        while let clique = stack.popLast() {
            order.append(clique)
            for next in neighbours[clique] where alive.contains(next) && !seen.contains(next) {
                seen.insert(next)
                parent[next] = clique
                stack.append(next)
            }
        }
        let targetSet = Set(target)
        var messages = [Int: [Factor]]()
        for clique in order.reversed() {
            let incoming = messages[clique] ?? []
            var union = Set(tree.cliques[clique])
            for message in incoming { union.formUnion(message.attributes) }
            let attributes = union.sorted()
            var psi = Factor(attributes: attributes, domain: tree.domain, filledWith: 0)
            psi.add(Self.logFactor(marginals[clique]))
            for message in incoming { psi.add(message) }
            // Divide by each child's separator marginal (the child's message carries its clique).
            for child in order where parent[child] == clique {
                let separator = tree.cliques[child].filter { tree.cliques[clique].contains($0) }
                psi.add(Self.logFactor(marginals[clique].summed(to: separator)), scale: -1)
            }
            if let up = parent[clique] {
                let keep = attributes.filter { tree.cliques[up].contains($0) || targetSet.contains($0) }
                messages[up, default: []].append(psi.logSumExp(to: keep))
            } else {
                let result = psi.logSumExp(to: target)
                return Factor(attributes: target, shape: result.shape, values: result.values.map { exp($0) })
            }
        }
        preconditionFailure("the subtree has a root")
    }

    static func logFactor(_ factor: Factor) -> Factor {
        Factor(attributes: factor.attributes, shape: factor.shape, values: factor.values.map { log(max($0, 1e-300)) })
    }
}
