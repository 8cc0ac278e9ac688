/// A junction tree for a set of attribute subsets: the graph joining attributes that appear
/// together is triangulated by greedy min-fill elimination, its maximal cliques become the
/// tree's nodes, and a maximum spanning tree on separator sizes links them (running
/// intersection holds for cliques of a chordal graph joined this way).
public struct JunctionTree: Sendable {
    /// Maximal cliques, each a sorted list of attributes.
    public let cliques: [[Int]]
    /// Tree edges between clique indices.
    public let edges: [(Int, Int)]
    /// The cliques each clique shares a tree edge with.
    public let neighbours: [[Int]]
    /// Cliques in breadth-first order from clique 0.
    public let order: [Int]
    /// The parent of each clique in that order (nil for roots of each component).
    public let parent: [Int?]
    public let domain: [Int]
    /// The cliques holding each attribute, ascending.
    private let holders: [[Int]]
    /// holds[clique * domain.count + attribute]: whether the clique holds the attribute.
    private let holds: [Bool]

    /// The tree covering every attribute of `domain` and every set in `cliques`.
    public init(domain: [Int], cliques required: [[Int]]) {
        self.domain = domain
        let eliminationCliques = Self.eliminationCliques(domain: domain, required: required)
        let maximal = Self.maximalCliques(eliminationCliques)
        cliques = maximal
        // Maximum spanning tree on separator size (Kruskal); components join by empty separators.
        var candidates: [(Int, Int, Int)] = []
        for i in 0..<maximal.count {
            for j in (i + 1)..<maximal.count {
                candidates.append((Set(maximal[i]).intersection(maximal[j]).count, i, j))
            }
        }
        candidates.sort { $0.0 != $1.0 ? $0.0 > $1.0 : ($0.1, $0.2) < ($1.1, $1.2) }
        var component = Array(0..<maximal.count)
        func find(_ x: Int) -> Int {
            var x = x
            while component[x] != x {
                component[x] = component[component[x]]
                x = component[x]
            }
            return x
        }
        var treeEdges: [(Int, Int)] = []
        for (_, i, j) in candidates where find(i) != find(j) {
            component[find(i)] = find(j)
            treeEdges.append((i, j))
        }
        edges = treeEdges
        // Breadth-first order from clique 0 (the tree is connected after the join above).
        var adjacency = [[Int]](repeating: [], count: maximal.count)
        for (i, j) in treeEdges {
            adjacency[i].append(j)
            adjacency[j].append(i)
        }
        var visited = [Bool](repeating: false, count: maximal.count)
        var parents = [Int?](repeating: nil, count: maximal.count)
        var sequence: [Int] = []
        for start in 0..<maximal.count where !visited[start] {
            visited[start] = true
            var queue = [start]
            var head = 0
            while head < queue.count {
                let node = queue[head]
                head += 1
                sequence.append(node)
                for next in adjacency[node] where !visited[next] {
                    visited[next] = true
                    parents[next] = node
                    queue.append(next)
                }
            }
        }
        order = sequence
        parent = parents
        neighbours = adjacency
        (holders, holds) = Self.attributeIndex(cliques: maximal, attributes: domain.count)
    }

    /// The same tree over attributes renamed by `label` (attribute a becomes label[a]): the same
    /// cliques in the same places, edges and order, each clique's attributes sorted by their new
    /// names, so `clique(containing:)` finds the same clique for a renamed set.
    func relabeled(_ label: [Int]) -> JunctionTree {
        var domain = self.domain
        for (attribute, size) in self.domain.enumerated() { domain[label[attribute]] = size }
        return JunctionTree(
            domain: domain, cliques: cliques.map { $0.map { label[$0] }.sorted() }, edges: edges,
            neighbours: neighbours, order: order, parent: parent)
    }

    /// A tree from its parts, with the attribute index built from `cliques`.
    private init(
        domain: [Int], cliques: [[Int]], edges: [(Int, Int)], neighbours: [[Int]], order: [Int], parent: [Int?]
    ) {
        (self.domain, self.cliques, self.edges, self.neighbours, self.order, self.parent) = (
            domain, cliques, edges, neighbours, order, parent
        )
        (holders, holds) = Self.attributeIndex(cliques: cliques, attributes: domain.count)
    }

    /// The cliques holding each attribute, and whether each clique holds each attribute.
    private static func attributeIndex(cliques: [[Int]], attributes: Int) -> (holders: [[Int]], holds: [Bool]) {
        var holders = [[Int]](repeating: [], count: attributes)
        var holds = [Bool](repeating: false, count: cliques.count * attributes)
        for (clique, members) in cliques.enumerated() {
            for attribute in members {
                holders[attribute].append(clique)
                holds[clique * attributes + attribute] = true
            }
        }
        return (holders, holds)
    }

    /// The cliques of greedy min-fill elimination on the graph joining attributes that appear
    /// together (ties broken by the smaller clique table, then the smaller attribute), on
    /// adjacency bit sets: a vertex's fill is counted a word at a time.
    static func eliminationCliques(domain: [Int], required: [[Int]]) -> [[Int]] {
        let count = domain.count
        let words = (count + 63) / 64
        var adjacency = [UInt64](repeating: 0, count: count * words)
        func members(_ row: Int) -> [Int] {
            var result: [Int] = []
            for word in 0..<words {
                var bits = adjacency[row * words + word]
                while bits != 0 {
                    result.append(word * 64 + bits.trailingZeroBitCount)
                    bits &= bits - 1
                }
            }
            return result
        }
        for clique in required {
            for a in clique { for b in clique where a != b { adjacency[a * words + b / 64] |= 1 << UInt64(b % 64) } }
        }
        var remaining = [Bool](repeating: true, count: count)
        var cliques: [[Int]] = []
        for _ in 0..<count {
            var best: (vertex: Int, fill: Int, weight: Double)?
            for vertex in 0..<count where remaining[vertex] {
                // Pairs of neighbours not yet joined, each counted from both ends; the neighbours
                // are read off the bit set in place (this scan runs for every candidate AIM sizes).
                var missing = 0
                var weight = Double(domain[vertex])
                for neighbourWord in 0..<words {
                    var bits = adjacency[vertex * words + neighbourWord]
                    while bits != 0 {
                        let a = neighbourWord * 64 + bits.trailingZeroBitCount
                        bits &= bits - 1
                        for word in 0..<words {
                            missing += (adjacency[vertex * words + word] & ~adjacency[a * words + word]).nonzeroBitCount
                        }
                        missing -= 1
                        weight *= Double(domain[a])
                    }
                }
                let fill = missing / 2
                if best == nil || fill < best!.fill || (fill == best!.fill && weight < best!.weight) {
                    best = (vertex, fill, weight)
                }
            }
            let vertex = best!.vertex
            let adjacent = members(vertex)
            cliques.append(([vertex] + adjacent).sorted())
            for a in adjacent {
                for word in 0..<words { adjacency[a * words + word] |= adjacency[vertex * words + word] }
                adjacency[a * words + a / 64] &= ~(1 << UInt64(a % 64))
                adjacency[a * words + vertex / 64] &= ~(1 << UInt64(vertex % 64))
            }
            remaining[vertex] = false
        }
        return cliques
    }

    /// The attributes shared by a clique and its parent.
    public func separator(_ clique: Int) -> [Int] {
        guard let parent = parent[clique] else { return [] }
        return cliques[clique].filter { cliques[parent].contains($0) }
    }

    /// The number of cells over all cliques: the model's size.
    public var cellCount: Int {
        Self.cellCount(of: cliques, domain: domain)
    }

    /// The index of the first clique containing `attributes`, if any, found among the cliques
    /// holding its first attribute.
    public func clique(containing attributes: [Int]) -> Int? {
        guard let first = attributes.first else { return cliques.isEmpty ? nil : 0 }
        return holders[first].first { clique in attributes.allSatisfy { holds[clique * domain.count + $0] } }
    }

    /// The number of cells the tree for `cliques` would have, without building it.
    public static func cellCount(domain: [Int], cliques: [[Int]]) -> Int {
        cellCount(of: maximalCliques(eliminationCliques(domain: domain, required: cliques)), domain: domain)
    }

    /// Σ over `cliques` of their cells, saturating at `Int.max` (a triangulation of a dense graph
    /// can join more attributes than any count holds; such a model is over every size cap).
    static func cellCount(of cliques: [[Int]], domain: [Int]) -> Int {
        var total = 0
        for clique in cliques {
            var cells = 1
            for attribute in clique {
                let (product, overflow) = cells.multipliedReportingOverflow(by: domain[attribute])
                guard !overflow else { return .max }
                cells = product
            }
            let (sum, overflow) = total.addingReportingOverflow(cells)
            guard !overflow else { return .max }
            total = sum
        }
        return total
    }

    /// The cliques not contained in another, largest first (subsets tested on bit sets).
    static func maximalCliques(_ cliques: [[Int]]) -> [[Int]] {
        let words = ((cliques.lazy.flatMap { $0 }.max() ?? 0) + 64) / 64
        func bits(_ clique: [Int]) -> [UInt64] {
            var result = [UInt64](repeating: 0, count: words)
            for attribute in clique { result[attribute / 64] |= 1 << UInt64(attribute % 64) }
            return result
        }
        var maximal: [[Int]] = []
        var maximalBits: [[UInt64]] = []
        for clique in cliques.sorted(by: { $0.count > $1.count }) {
            let set = bits(clique)
            let contained = maximalBits.contains { other in (0..<words).allSatisfy { set[$0] & ~other[$0] == 0 } }
            if !contained {
                maximal.append(clique)
                maximalBits.append(set)
            }
        }
        return maximal
    }
}
