/// A junction tree for a set of attribute subsets: the graph joining attributes that appear
/// together is triangulated by greedy min-fill elimination, its maximal cliques become the
/// tree's nodes, and a maximum spanning tree on separator sizes links them (running
/// intersection holds for cliques of a chordal graph joined this way).
public struct JunctionTree: Sendable {
    /// Maximal cliques, each a sorted list of attributes.
    public let cliques: [[Int]]
    /// Tree edges between clique indices.
    public let edges: [(Int, Int)]
    /// Cliques in breadth-first order from clique 0.
    public let order: [Int]
    /// The parent of each clique in that order (nil for roots of each component).
    public let parent: [Int?]
    public let domain: [Int]

    /// The tree covering every attribute of `domain` and every set in `cliques`.
    public init(domain: [Int], cliques required: [[Int]]) {
        self.domain = domain
        let attributeCount = domain.count
        var neighbours = [Set<Int>](repeating: [], count: attributeCount)
        for clique in required {
            for a in clique { for b in clique where a != b { neighbours[a].insert(b) } }
        }
        // Greedy min-fill elimination; ties broken by the smaller clique table.
        var remaining = Set(0..<attributeCount)
        var eliminationCliques: [[Int]] = []
        while !remaining.isEmpty {
            var best: (vertex: Int, fill: Int, weight: Double)?
            for vertex in remaining.sorted() {
                let adjacent = Array(neighbours[vertex])
                var fill = 0
                for i in 0..<adjacent.count {
                    for j in (i + 1)..<adjacent.count where !neighbours[adjacent[i]].contains(adjacent[j]) { fill += 1 }
                }
                let weight = adjacent.reduce(Double(domain[vertex])) { $0 * Double(domain[$1]) }
                if best == nil || fill < best!.fill || (fill == best!.fill && weight < best!.weight) {
                    best = (vertex, fill, weight)
                }
            }
            let vertex = best!.vertex
            let adjacent = Array(neighbours[vertex])
            eliminationCliques.append(([vertex] + adjacent).sorted())
            for a in adjacent {
                for b in adjacent where a != b { neighbours[a].insert(b) }
                neighbours[a].remove(vertex)
            }
            remaining.remove(vertex)
        }
        // Keep maximal cliques only.
        var maximal: [[Int]] = []
        for clique in eliminationCliques.sorted(by: { $0.count > $1.count }) {
            let set = Set(clique)
            if !maximal.contains(where: { set.isSubset(of: Set($0)) }) { maximal.append(clique) }
        }
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
    }

    /// The attributes shared by a clique and its parent.
    public func separator(_ clique: Int) -> [Int] {
        guard let parent = parent[clique] else { return [] }
        return cliques[clique].filter { cliques[parent].contains($0) }
    }

    /// The number of cells over all cliques: the model's size.
    public var cellCount: Int {
        cliques.reduce(0) { $0 + $1.reduce(1) { $0 * domain[$1] } }
    }

    /// The index of a clique containing `attributes`, if any.
    public func clique(containing attributes: [Int]) -> Int? {
        let wanted = Set(attributes)
        return cliques.indices.first { wanted.isSubset(of: Set(cliques[$0])) }
    }

    /// The number of cells the tree would have with `extra` added to the required cliques.
    public static func cellCount(domain: [Int], cliques: [[Int]]) -> Int {
        JunctionTree(domain: domain, cliques: cliques).cellCount
    }
}
