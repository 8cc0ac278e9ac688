import DPRandomness
import Testing

@testable import DPGenerators

/// The junction tree on more attributes than one 64-bit word holds (the elimination keeps its
/// adjacency in bit sets): it covers every required set, has running intersection, its cliques
/// are maximal and chordal-graph cliques, and `cellCount` without building it agrees.
@Suite struct JunctionTreeTests {
    @Test(arguments: [5, 63, 64, 65, 130])
    func aTreeOnManyAttributesIsAValidJunctionTree(attributes: Int) {
        let source = RandomSource.seeded(UInt64(attributes))
        let domain = (0..<attributes).map { _ in 2 + Int(source.uniform(below: 5)) }
        var required: [[Int]] = []
        for _ in 0..<(attributes + attributes / 2) {
            var set = Set<Int>()
            let size = 2 + Int(source.uniform(below: 2))
            while set.count < min(size, attributes) { set.insert(Int(source.uniform(below: UInt64(attributes)))) }
            required.append(set.sorted())
        }
        let tree = JunctionTree(domain: domain, cliques: required)
        for set in required { #expect(tree.clique(containing: set) != nil, "\(set) is in no clique") }
        for attribute in 0..<attributes {
            let holders = tree.cliques.indices.filter { tree.cliques[$0].contains(attribute) }
            #expect(!holders.isEmpty)
            let roots = holders.filter { tree.parent[$0] == nil || !tree.cliques[tree.parent[$0]!].contains(attribute) }
            #expect(roots.count == 1, "attribute \(attribute)")
        }
        for (index, clique) in tree.cliques.enumerated() {
            let others = tree.cliques.indices.filter { $0 != index }
            #expect(!others.contains { Set(clique).isSubset(of: tree.cliques[$0]) }, "\(clique) is not maximal")
        }
        #expect(JunctionTree.cellCount(domain: domain, cliques: required) == tree.cellCount)
    }

    /// A dense graph's triangulation holds more cells than an Int: the count saturates rather
    /// than trapping (AIM asks it of every candidate on a wide table).
    @Test func aModelTooLargeToCountSaturates() {
        let domain = [Int](repeating: 100, count: 12)
        let everyPair = (0..<12).flatMap { a in (a + 1..<12).map { [a, $0] } }
        #expect(JunctionTree.cellCount(domain: domain, cliques: everyPair) == .max)
        #expect(JunctionTree(domain: domain, cliques: everyPair).cellCount == .max)
    }

    /// Min-fill on a 4-cycle adds exactly one chord: two triangles.
    @Test func aCycleOfFourGetsOneChord() {
        let tree = JunctionTree(domain: [2, 2, 2, 2], cliques: [[0, 1], [1, 2], [2, 3], [0, 3]])
        #expect(tree.cliques.count == 2)
        #expect(tree.cliques.allSatisfy { $0.count == 3 })
    }

    /// `clique(containing:)` finds a set's clique through its first attribute's cliques: the
    /// first clique, in index order, that holds every attribute, as a search of all cliques does.
    @Test(arguments: [7, 40, 70])
    func cliqueLookupIsTheFirstCliqueHoldingTheSet(attributes: Int) {
        let source = RandomSource.seeded(UInt64(attributes) + 100)
        let domain = (0..<attributes).map { _ in 2 + Int(source.uniform(below: 3)) }
        let required = (0..<attributes).map { _ in
            Array(Set((0..<3).map { _ in Int(source.uniform(below: UInt64(attributes))) })).sorted()
        }
        let tree = JunctionTree(domain: domain, cliques: required)
        var found = 0
        for _ in 0..<2_000 {
            let set = Array(
                Set(
                    (0..<(1 + Int(source.uniform(below: 3)))).map { _ in
                        Int(source.uniform(below: UInt64(attributes)))
                    })
            ).sorted()
            let expected = tree.cliques.indices.first { Set(set).isSubset(of: tree.cliques[$0]) }
            #expect(tree.clique(containing: set) == expected, "set \(set)")
            if expected != nil { found += 1 }
        }
        for set in required { #expect(tree.clique(containing: set) != nil) }
        #expect(found > 100)
        #expect(tree.clique(containing: []) == 0)
        // Each clique's neighbours are the other ends of its tree edges, in edge order.
        for clique in tree.cliques.indices {
            let ends = tree.edges.compactMap { $0.0 == clique ? $0.1 : $0.1 == clique ? $0.0 : nil }
            #expect(tree.neighbours[clique] == ends)
        }
    }
}
