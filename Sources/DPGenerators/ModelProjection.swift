import Foundation

extension GraphicalModel {
    /// The model's marginal (counts) over any sorted attribute set, also across cliques, by
    /// eliminating everything else (`EliminationPlan`).
    public func anyMarginal(_ target: [Int], cliqueMarginals marginals: [Factor]) -> Factor {
        if let clique = tree.clique(containing: target) { return marginals[clique].summed(to: target) }
        return EliminationPlan(target: target, tree: tree).marginal(of: marginals, tree: tree)
    }
}

/// How the model's counts over a set of attributes held by no one clique are computed. Cliques
/// joined only through empty separators are independent, so the set splits into the parts that
/// each connected piece of the tree (joined by non-empty separators) holds, and its counts are
/// the product of the parts' counts over total^(parts − 1). Each part is eliminated on the
/// smallest subtree whose cliques hold it, from the leaves up: a clique C's table is the joint
/// count μ(x_C, x_T) of its attributes and the part's attributes T seen below it,
/// μ_C(x_C) · Π_children m(x_S, x_T') / μ_S(x_S), where m is a child's table summed to its
/// separator S with this clique and its T', because given S the child's side of the tree is
/// independent of this clique's. Every table holds counts between zero and the model's total,
/// so no logarithms are needed.
///
/// Post-processing of the model only: nothing here touches private data.
struct EliminationPlan {
    /// One connected piece's share of the set and how it is eliminated.
    struct Part {
        let target: [Int]
        /// The subtree's cliques, children before parents (the root last).
        let order: [Int]
        /// Each clique's parent on the subtree (none for the root).
        let parent: [Int: Int]
        /// The attributes of each clique's table: its own and the part's attributes below it.
        let attributes: [Int: [Int]]

        /// The model's counts over the part. No clique's table is built: each of its cells is a
        /// product of the clique's marginal and its children's messages, added straight into
        /// the message it sends up.
        func marginal(of marginals: [Factor], tree: JunctionTree) -> Factor {
            var messages = [Int: [Factor]]()
            let targetSet = Set(target)
            for clique in order {
                let attributes = attributes[clique]!
                let inputs = [marginals[clique]] + (messages[clique] ?? [])
                guard let up = parent[clique] else {
                    return EliminationPlan.summedProduct(inputs, over: attributes, to: target, domain: tree.domain)
                }
                let keep = attributes.filter { tree.cliques[up].contains($0) || targetSet.contains($0) }
                var message = EliminationPlan.summedProduct(inputs, over: attributes, to: keep, domain: tree.domain)
                let separator = tree.cliques[clique].filter { tree.cliques[up].contains($0) }
                message.divide(by: marginals[clique].summed(to: separator))
                messages[up, default: []].append(message)
            }
            preconditionFailure("the subtree has a root")
        }
    }

    let target: [Int]
    let parts: [Part]
    /// The cells of all the tables, and of the parts' product: the work of the elimination.
    let cells: Int

    init(target: [Int], tree: JunctionTree) {
        self.target = target
        let holders = target.map { tree.clique(containing: [$0])! }
        // Breadth-first from the first holder of each piece, over non-empty separators only.
        var parentOf = [Int?](repeating: nil, count: tree.cliques.count)
        var piece = [Int?](repeating: nil, count: tree.cliques.count)
        var pieces: [[Int]] = []
        for root in Set(holders).sorted() where piece[root] == nil {
            var queue = [root]
            piece[root] = pieces.count
            var head = 0
            while head < queue.count {
                let clique = queue[head]
                head += 1
                for next in tree.neighbours[clique]
                where piece[next] == nil && tree.cliques[clique].contains(where: tree.cliques[next].contains) {
                    piece[next] = pieces.count
                    parentOf[next] = clique
                    queue.append(next)
                }
            }
            pieces.append(queue)
        }
        var parts: [Part] = []
        var cells = 0
        for queue in pieces {
            let root = queue[0]
            let members = target.indices.filter { piece[holders[$0]] == piece[root] }
            var needed = [Bool](repeating: false, count: tree.cliques.count)
            needed[root] = true
            for member in members {
                var clique = holders[member]
                while !needed[clique], let up = parentOf[clique] {
                    needed[clique] = true
                    clique = up
                }
            }
            let order = Array(queue.filter { needed[$0] }.reversed())
            var parent = [Int: Int]()
            for clique in order where clique != root { parent[clique] = parentOf[clique]! }
            let partTarget = members.map { target[$0] }
            let targetSet = Set(partTarget)
            var below = [Int: Set<Int>]()
            var attributes = [Int: [Int]]()
            for clique in order {
                let own = Set(tree.cliques[clique]).union(below[clique] ?? [])
                attributes[clique] = own.sorted()
                cells += own.reduce(1) { $0 * tree.domain[$1] }
                if let up = parent[clique] { below[up, default: []].formUnion(own.intersection(targetSet)) }
            }
            parts.append(Part(target: partTarget, order: order, parent: parent, attributes: attributes))
        }
        if parts.count > 1 { cells += target.reduce(1) { $0 * tree.domain[$1] } }
        self.parts = parts
        self.cells = cells
    }

    /// The model's counts over the set, from the cliques' marginals.
    func marginal(of marginals: [Factor], tree: JunctionTree) -> Factor {
        let counts = parts.map { $0.marginal(of: marginals, tree: tree) }
        guard counts.count > 1 else { return counts[0] }
        var product = Self.summedProduct(counts, over: target, to: target, domain: tree.domain)
        let total = counts[0].values.reduce(0, +)
        let scale = total > 0 ? pow(total, -Double(counts.count - 1)) : 0
        for cell in product.values.indices { product.values[cell] *= scale }
        return product
    }

    /// Σ over the cells of `attributes` outside `keep` of the product of `factors` (each over a
    /// subset of `attributes`, broadcast over the rest), without building the product's table:
    /// a run along the largest attribute at a time, the other attributes stepped like an
    /// odometer.
    static func summedProduct(_ factors: [Factor], over attributes: [Int], to keep: [Int], domain: [Int]) -> Factor {
        let shape = attributes.map { domain[$0] }
        let count = factors.count
        /// The stride of each of `attributes` in a row-major table over the sorted `subset`.
        func strides(_ subset: [Int]) -> [Int] {
            var result = [Int](repeating: 0, count: attributes.count)
            var stride = 1
            for attribute in subset.reversed() {
                result[attributes.firstIndex(of: attribute)!] = stride
                stride *= domain[attribute]
            }
            return result
        }
        let values = factors.flatMap(\.values)
        let keepStrides = strides(keep)
        // steps[axis * count + factor]: the factor's stride along the axis.
        var steps = [Int](repeating: 0, count: attributes.count * count)
        for (factor, table) in factors.enumerated() {
            for (axis, stride) in strides(table.attributes).enumerated() { steps[axis * count + factor] = stride }
        }
        var start = [Int](repeating: 0, count: count)
        for factor in 1..<max(1, count) { start[factor] = start[factor - 1] + factors[factor - 1].values.count }
        var sums = [Double](repeating: 0, count: keep.reduce(1) { $0 * domain[$1] })
        let run = shape.indices.max { shape[$0] < shape[$1] }!
        let length = shape[run]
        let others = shape.indices.filter { $0 != run }
        let runs = shape.reduce(1, *) / length
        var product = [Double](repeating: 0, count: length)
        var coordinates = [Int](repeating: 0, count: attributes.count)
        var keepPosition = 0
        values.withUnsafeBufferPointer { values in
            sums.withUnsafeMutableBufferPointer { sums in
                product.withUnsafeMutableBufferPointer { product in
                    start.withUnsafeMutableBufferPointer { position in
                        steps.withUnsafeBufferPointer { steps in
                            let runSteps = UnsafeBufferPointer(rebasing: steps[run * count..<(run + 1) * count])
                            let keepStep = keepStrides[run]
                            for _ in 0..<runs {
                                var base = position[0]
                                var step = runSteps[0]
                                for value in 0..<length { product[value] = values[base &+ value &* step] }
                                for factor in 1..<max(1, count) {
                                    base = position[factor]
                                    step = runSteps[factor]
                                    for value in 0..<length { product[value] *= values[base &+ value &* step] }
                                }
                                for value in 0..<length { sums[keepPosition &+ value &* keepStep] += product[value] }
                                for axis in others.reversed() {
                                    coordinates[axis] += 1
                                    for factor in 0..<count { position[factor] &+= steps[axis * count + factor] }
                                    keepPosition &+= keepStrides[axis]
                                    if coordinates[axis] < shape[axis] { break }
                                    for factor in 0..<count {
                                        position[factor] &-= steps[axis * count + factor] &* shape[axis]
                                    }
                                    keepPosition &-= keepStrides[axis] &* shape[axis]
                                    coordinates[axis] = 0
                                }
                            }
                        }
                    }
                }
            }
        }
        return Factor(attributes: keep, shape: keep.map { domain[$0] }, values: sums)
    }
}

extension Factor {
    /// Divides by a table over a subset of these attributes; zero where it is zero (a separator
    /// value of count zero has every joint count zero).
    fileprivate mutating func divide(by other: Factor) {
        let projection = Projection(from: attributes, shape: shape, to: other.attributes)
        for cell in values.indices {
            let divisor = other.values[Int(projection.index[cell])]
            values[cell] = divisor > 0 ? values[cell] / divisor : 0
        }
    }
}
