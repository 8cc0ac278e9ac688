import Foundation

/// Exact model marginals of sets that fit in one clique once one of their attributes is set
/// aside. For an attribute a, the junction tree is rooted at a clique holding a; for each value v
/// of a, the joint counts of every clique C on the way to the cliques asked about follow from its
/// parent P's: μ(a = v, x_C) = μ(a = v, x_S) · μ_C(x_C) / μ_S(x_S) with S = C ∩ P, because a,
/// on P's side of the tree, is independent of C's other attributes given S. A set {a} ∪ T with
/// T inside C is then μ(a = v, x_C) summed to T, value by value. One value of a costs one pass
/// over those cliques' cells, so a whole group of sets costs dom(a) passes, however many sets.
///
/// Post-processing of the model only: nothing here touches private data.
struct ConditionalMarginals {
    let tree: JunctionTree
    let marginals: [Factor]

    /// A set (sorted, in no one clique) as an attribute set aside and the clique holding the
    /// rest: the first attribute, in order, whose removal leaves a set inside a clique; nil when
    /// no attribute does.
    func split(_ set: [Int]) -> (attribute: Int, clique: Int)? {
        for attribute in set {
            if let clique = tree.clique(containing: set.filter { $0 != attribute }) { return (attribute, clique) }
        }
        return nil
    }

    /// The cliques from the root for `attribute` to each of `targets`, with each one's parent on
    /// that rooting, in an order where a parent comes before its children.
    private func paths(from attribute: Int, to targets: [Int]) -> (root: Int, order: [Int], parent: [Int: Int]) {
        let root = tree.clique(containing: [attribute])!
        var parentOf = [Int?](repeating: nil, count: tree.cliques.count)
        var seen = [Bool](repeating: false, count: tree.cliques.count)
        var queue = [root]
        seen[root] = true
        var head = 0
        while head < queue.count {
            let clique = queue[head]
            head += 1
            for next in tree.neighbours[clique] where !seen[next] {
                seen[next] = true
                parentOf[next] = clique
                queue.append(next)
            }
        }
        var needed = [Bool](repeating: false, count: tree.cliques.count)
        needed[root] = true
        for target in targets {
            var clique = target
            while !needed[clique], let up = parentOf[clique] {
                needed[clique] = true
                clique = up
            }
        }
        let order = queue.filter { needed[$0] }
        var parent = [Int: Int]()
        for clique in order where clique != root { parent[clique] = parentOf[clique]! }
        return (root, order, parent)
    }

    /// The cells one value of `attribute` visits to reach `targets`: what answering them costs,
    /// times the attribute's domain size.
    func passCells(attribute: Int, targets: [Int]) -> Int {
        let (_, order, _) = paths(from: attribute, to: targets)
        return order.reduce(0) { $0 + marginals[$1].size } + targets.reduce(0) { $0 + marginals[$1].size }
    }

    /// The model's counts over each set (sorted, holding `attribute`, the rest inside
    /// `clique`), in the row-major layout of the sorted set. Values of the attribute are spread
    /// over the cores; each writes its own cells of every result.
    func marginals(setting attribute: Int, sets: [(set: [Int], clique: Int)]) -> [[Double]] {
        let (root, order, parent) = paths(from: attribute, to: sets.map(\.clique))
        let levels = tree.domain[attribute]
        // Per clique below the root: projections to the separator from it and from its parent,
        // and μ_C / μ_S (zero where the separator's count is zero).
        var separatorSteps = [Int: (toSeparator: Projection, fromParent: Projection, ratio: [Double])]()
        for clique in order where clique != root {
            let up = parent[clique]!
            let separator = tree.cliques[clique].filter { tree.cliques[up].contains($0) }
            let own = Projection(from: tree.cliques[clique], shape: marginals[clique].shape, to: separator)
            let separatorCounts = marginals[clique].values.summed(by: own.index, into: own.targetSize)
            let ratio = zip(marginals[clique].values, own.index).map { count, cell in
                let total = separatorCounts[Int(cell)]
                return total > 0 ? count / total : 0
            }
            separatorSteps[clique] = (
                own, Projection(from: tree.cliques[up], shape: marginals[up].shape, to: separator), ratio
            )
        }
        let steps = separatorSteps
        let rootValue = Projection(from: tree.cliques[root], shape: marginals[root].shape, to: [attribute]).index
        // Per set: the projection from its clique to the set without the attribute, and how a
        // cell of that smaller table and a value of the attribute place in the sorted set's table.
        let layouts = sets.map { entry -> (projection: Projection, below: Int) in
            let rest = entry.set.filter { $0 != attribute }
            let projection = Projection(
                from: tree.cliques[entry.clique], shape: marginals[entry.clique].shape, to: rest)
            let below = rest.filter { $0 > attribute }.reduce(1) { $0 * tree.domain[$1] }
            return (projection, below)
        }
        let results = sets.map { entry in
            ParallelCells.Scratch(count: entry.set.reduce(1) { $0 * tree.domain[$1] }, filledWith: 0)
        }
        defer { for result in results { result.free() } }
        let positions = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($0.element, $0.offset) })
        let threads = min(ProcessInfo.processInfo.activeProcessorCount, levels)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var joint = order.map { [Double](repeating: 0, count: marginals[$0].size) }
            for value in stride(from: thread, to: levels, by: threads) {
                joint[0] = zip(marginals[root].values, rootValue).map { $1 == Int32(value) ? $0 : 0 }
                for (position, clique) in order.enumerated().dropFirst() {
                    let step = steps[clique]!
                    let projection = step.toSeparator
                    let separator = joint[positions[parent[clique]!]!].summed(
                        by: step.fromParent.index, into: projection.targetSize)
                    let factors = step.ratio
                    joint[position].withUnsafeMutableBufferPointer { cells in
                        for cell in 0..<cells.count {
                            cells[cell] = separator[Int(projection.index[cell])] * factors[cell]
                        }
                    }
                }
                for (index, entry) in sets.enumerated() {
                    let layout = layouts[index]
                    let rest = joint[positions[entry.clique]!].summed(
                        by: layout.projection.index, into: layout.projection.targetSize)
                    let result = results[index].buffer
                    for (cell, count) in rest.enumerated() {
                        let (high, low) = cell.quotientAndRemainder(dividingBy: layout.below)
                        result[(high * levels + value) * layout.below + low] = count
                    }
                }
            }
        }
        return results.map { Array($0.buffer) }
    }
}

extension Array where Element == Double {
    /// The values summed into `size` cells by a projection's index.
    fileprivate func summed(by index: [Int32], into size: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: size)
        for cell in indices { sums[Int(index[cell])] += self[cell] }
        return sums
    }
}
