import Testing

@testable import DPSources

/// The plan that groups many marginals into blocks counted by one scan each: every set is
/// counted exactly once, inside a block that holds it and keeps to the cell bound, or directly.
struct CountPlanTests {
    /// Adult's domain sizes, as private-pgm codes them.
    static let adult = [85, 9, 100, 16, 7, 15, 6, 5, 2, 100, 100, 99, 42, 2]

    static func triples(_ width: Int) -> [[Int]] {
        (0..<width).flatMap { a in (a + 1..<width).flatMap { b in (b + 1..<width).map { [a, b, $0] } } }
    }

    @Test func everySetIsCountedOnceInsideABlockThatHoldsIt() {
        let sets = Self.triples(14) + [[2, 0], [1]]
        let plan = CountPlan(sets: sets, domain: Self.adult)
        let placed = plan.blocks.flatMap(\.sets) + plan.direct
        #expect(placed.sorted() == Array(sets.indices))
        for block in plan.blocks {
            #expect(block.sets.count >= CountPlan.setsPerBlock)
            #expect(block.columns.reduce(1) { $0 * Self.adult[$1] } <= CountPlan.blockCells)
            for index in block.sets { #expect(Set(sets[index]).isSubset(of: block.columns)) }
        }
        // The point of the plan: far fewer scans than sets.
        let statements = PivotPlan(sets: plan.direct.map { sets[$0] }, domain: Self.adult).statements
        #expect(plan.blocks.count + statements.count < sets.count / 4)
    }

    /// A table counted in parts asks them for a few blocks' or grouping keys' sets at a time:
    /// every set once, whole blocks and keys together, and no request over the bound unless one
    /// block's or key's sets are.
    @Test func partsAreAskedForBoundedRequestsOfWholeBlocks() {
        let sets = Self.triples(14) + [[2, 0], [1]]
        let requests = PartitionedTable.requests(sets, domain: Self.adult)
        #expect(
            requests.joined().sorted { $0.lexicographicallyPrecedes($1) }
                == sets.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(requests.count > 4)
        let cells = { (sets: [[Int]]) in sets.reduce(0) { $0 + $1.reduce(1) { $0 * Self.adult[$1] } } }
        let plan = CountPlan(sets: sets, domain: Self.adult)
        let keys = PivotPlan(sets: plan.direct.map { sets[$0] }, domain: Self.adult).statements.flatMap(\.keys)
        let groups =
            plan.blocks.map { Set($0.sets.map { sets[$0] }) }
            + keys.map { Set($0.answers.map { sets[plan.direct[$0.set]] }) }
        for request in requests where cells(request) > PartitionedTable.cellsPerRequest {
            #expect(groups.contains(Set(request)))
        }
        for group in groups { #expect(requests.contains { group.isSubset(of: Set($0)) }) }
    }

    @Test func aSetLargerThanTheBoundIsCountedDirectly() {
        let plan = CountPlan(sets: [[0, 1], [1, 2]], domain: [1000, 1000, 1000], blockCells: 10_000)
        #expect(plan.blocks.isEmpty && plan.direct == [0, 1])
        let small = CountPlan(
            sets: [[0, 1], [1, 2], [0, 2]], domain: [10, 10, 10], blockCells: 1000, setsPerBlock: 2)
        #expect(small.blocks == [CountPlan.Block(columns: [0, 1, 2], sets: [0, 1, 2])] && small.direct.isEmpty)
    }

    /// A block of a few sets costs a scan and a table for what their grouping keys' scans count
    /// anyway: its sets are counted directly.
    @Test func aBlockOfFewSetsIsNoBlock() {
        let plan = CountPlan(sets: [[0, 1], [1, 2], [0, 2]], domain: [10, 10, 10])
        #expect(plan.blocks.isEmpty && plan.direct == [0, 1, 2])
    }
}
