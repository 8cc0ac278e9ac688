import DPRandomness
import Testing

@testable import DPData

/// A table kept as its nonzero cells answers every question as the dense table does.
@Suite struct CompactedTableTests {
    /// A dense table of `cells` cells with `nonzero` of them counted, at random places.
    func sparseLooking(shape: [Int], nonzero: Int, seed: UInt64) -> ContingencyTable {
        let cells = shape.reduce(1, *)
        let source = RandomSource.seeded(seed)
        var counts = [UInt32](repeating: 0, count: cells)
        for _ in 0..<nonzero {
            counts[Int(source.uniform(below: UInt64(cells)))] = UInt32(1 + source.uniform(below: 50))
        }
        return ContingencyTable(attributes: Array(0..<shape.count), shape: shape, counts: counts[...])
    }

    func isSparse(_ table: ContingencyTable) -> Bool {
        if case .sparse = table.storage { return true }
        return false
    }

    @Test func aMostlyEmptyTableIsKeptSparseWithTheSameCounts() {
        let dense = sparseLooking(shape: [40, 30, 20], nonzero: 500, seed: 1)
        let compact = dense.compacted()
        #expect(isSparse(compact))
        #expect(compact == dense && dense == compact)
        #expect(compact.counts == dense.counts)
        #expect(compact.values == dense.values)
        #expect(compact.total == dense.total)
        #expect(compact.count == dense.count)
        for cell in [0, 1, 77, 5_000, 23_999] { #expect(compact[cell] == dense[cell]) }
        var visited: [(Int, UInt32)] = []
        compact.forEachNonzero { visited.append(($0, $1)) }
        #expect(visited.map(\.0) == dense.indices.filter { dense[$0] != 0 })
    }

    @Test func aMostlyFullTableStaysDense() {
        let full = sparseLooking(shape: [10, 10], nonzero: 400, seed: 2)
        #expect(!isSparse(full.compacted()))
        let fromCells = ContingencyTable(
            attributes: [0, 1], shape: [10, 10], nonzeroCells: Array(0..<60), counts: [UInt32](repeating: 3, count: 60))
        #expect(!isSparse(fromCells))
        #expect(fromCells.total == 180)
    }

    @Test func distancesAreTheDenseTablesDistances() {
        let answer = sparseLooking(shape: [25, 20, 8], nonzero: 300, seed: 3)
        let compact = answer.compacted()
        #expect(isSparse(compact))
        let source = RandomSource.seeded(4)
        let estimate = (0..<answer.count).map { _ in Double(source.uniform(below: 1_000)) / 100 - 2 }
        #expect(abs(compact.absoluteDifference(from: estimate) - answer.absoluteDifference(from: estimate)) < 1e-6)
        let sampleDense = sparseLooking(shape: [25, 20, 8], nonzero: 2_000, seed: 5)
        let sampleSparse = sparseLooking(shape: [25, 20, 8], nonzero: 200, seed: 6).compacted()
        for sample in [sampleDense, sampleSparse] {
            let expected = answer.absoluteDifference(from: sample.values.map { $0 * 2.5 })
            #expect(abs(compact.absoluteDifference(from: sample, scale: 2.5) - expected) < 1e-6)
            #expect(abs(answer.absoluteDifference(from: sample, scale: 2.5) - expected) < 1e-6)
        }
    }

    @Test func projectingAndRecodingASparseTableGiveTheDenseTablesCounts() {
        let dense = sparseLooking(shape: [12, 9, 30], nonzero: 150, seed: 7)
        let compact = dense.compacted()
        #expect(isSparse(compact))
        for subset in [[2], [0, 2], [2, 1], [1, 0, 2]] {
            #expect(compact.projected(onto: subset) == dense.projected(onto: subset))
        }
        let mapping = [(0..<12).map { $0 / 2 }, (0..<9).map { $0 % 3 }, (0..<30).map { $0 / 10 }]
        #expect(
            compact.recoded(mapping: mapping, domain: [6, 3, 3]) == dense.recoded(mapping: mapping, domain: [6, 3, 3]))
    }

    @Test func tablesFromNonzeroCellsAddRepeatedCellsInAnyOrder() {
        let table = ContingencyTable(
            attributes: [0, 1], shape: [100, 10], nonzeroCells: [907, 3, 907, 450], counts: [2, 5, 1, 9])
        #expect(isSparse(table))
        var expected = [UInt32](repeating: 0, count: 1_000)
        (expected[3], expected[450], expected[907]) = (5, 9, 3)
        #expect(table.counts == expected)
        #expect(table == ContingencyTable(attributes: [0, 1], shape: [100, 10], counts: expected[...]))
    }

    @Test func shardsOfSparseTablesAddUp() throws {
        let schema = Schema(
            name: "s",
            columns: [
                Column(name: "a", kind: .coded(levels: 200), missing: .error),
                Column(name: "b", kind: .coded(levels: 100), missing: .error),
            ])
        let first = EncodedDataset(schema: schema, codes: [[1, 5, 199], [0, 0, 99]])
        let second = EncodedDataset(schema: schema, codes: [[5, 7], [0, 1]])
        let sharded = try ShardedTable(parts: [first, second])
        let whole = EncodedDataset(schema: schema, codes: [[1, 5, 199, 5, 7], [0, 0, 99, 0, 1]])
        let added = try sharded.marginals([[0, 1], [1]])
        #expect(isSparse(added[0]))
        #expect(added == whole.marginals([[0, 1], [1]]))
    }

    /// A part whose one cell holds `count` rows.
    struct HeavyPart: PrivateTable {
        let count: UInt32
        var schema: Schema {
            Schema(name: "h", columns: [Column(name: "a", kind: .coded(levels: 2), missing: .error)])
        }
        var columns: [Column] { schema.encodedColumns }
        var domain: [Int] { [2] }
        func marginals(_ attributeSets: [[Int]]) -> [ContingencyTable] {
            attributeSets.map { ContingencyTable(attributes: $0, shape: $0.map { _ in 2 }, counts: [count, 0][...]) }
        }
        func rows() -> EncodedDataset { EncodedDataset(schema: schema, codes: [[]]) }
    }

    /// Parts whose sum overflows a count are refused, not wrapped around.
    @Test func shardsWhoseSumOverflowsACountAreRefused() throws {
        let fits = try ShardedTable(parts: [HeavyPart(count: UInt32.max - 1), HeavyPart(count: 1)])
        #expect(try fits.marginals([[0]])[0].total == Int(UInt32.max))
        let over = try ShardedTable(parts: [HeavyPart(count: UInt32.max), HeavyPart(count: 1)])
        #expect(throws: DataError.self) { try over.marginals([[0]]) }
    }
}
