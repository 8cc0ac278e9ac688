import DPRandomness
import Testing

@testable import DPData

@Suite struct MarginalTests {
    func randomDataset(rows: Int, domain: [Int], seed: UInt64) -> EncodedDataset {
        let schema = Schema(
            name: "random",
            columns: domain.enumerated().map {
                Column(name: "c\($0.offset)", kind: .coded(levels: $0.element), missing: .error)
            })
        let source = RandomSource.seeded(seed)
        let codes = domain.map { size in (0..<rows).map { _ in UInt16(source.uniform(below: UInt64(size))) } }
        return EncodedDataset(schema: schema, codes: codes)
    }

    func naive(_ data: EncodedDataset, _ attributes: [Int]) -> [UInt32] {
        var counts = [UInt32](repeating: 0, count: attributes.map { data.domain[$0] }.reduce(1, *))
        for row in 0..<data.rowCount {
            var index = 0
            for attribute in attributes { index = index * data.domain[attribute] + Int(data.codes[attribute][row]) }
            counts[index] += 1
        }
        return counts
    }

    @Test func marginalsEqualANaiveCount() {
        let data = randomDataset(rows: 5_000, domain: [3, 7, 2, 11, 5], seed: 1)
        let sets: [[Int]] = [[], [0], [3], [1, 4], [4, 1], [0, 2, 3], [3, 1, 0], [0, 1, 2, 3], [4, 3, 2, 1, 0]]
        for attributes in sets {
            #expect(data.marginal(attributes).counts == naive(data, attributes), "\(attributes)")
        }
        let batch = data.marginals(sets)
        #expect(batch.map(\.counts) == sets.map { naive(data, $0) })
        #expect(batch.allSatisfy { $0.total == 5_000 })
        #expect(batch[6][3] == naive(data, [3, 1, 0])[3])
        #expect(data.marginal([1, 4]).values == naive(data, [1, 4]).map(Double.init))
    }

    @Test func skewedDataTakesTheInterleavedPathAndStaysExact() {
        // Every row in one cell of a small table: the interleaved copies must still sum exactly.
        let schema = Schema(
            name: "s",
            columns: [
                Column(name: "a", kind: .coded(levels: 3), missing: .error),
                Column(name: "b", kind: .coded(levels: 2), missing: .error),
            ])
        let data = EncodedDataset(
            schema: schema, codes: [[UInt16](repeating: 2, count: 10_001), [UInt16](repeating: 1, count: 10_001)])
        #expect(data.marginal([0, 1]).counts == [0, 0, 0, 0, 0, 10_001])
        #expect(data.marginals([[0, 1]])[0].counts == [0, 0, 0, 0, 0, 10_001])
    }

    @Test func parallelPathForLargeInputsEqualsNaiveCount() {
        let data = randomDataset(rows: EncodedDataset.parallelRowThreshold + 12_345, domain: [4, 9, 6], seed: 2)
        #expect(data.marginal([2, 0, 1]).counts == naive(data, [2, 0, 1]))
    }

    @Test func countsOverTheFirstRowsEqualANaiveCountOfThoseRows() {
        let data = randomDataset(rows: 3_000, domain: [3, 7, 2, 11, 5], seed: 3)
        let sets: [[Int]] = [[0], [1, 4], [0, 2, 3], [4, 3, 2, 1, 0]]
        let firstRows = [0, 17, 3_000, 1_234]
        let dense = data.marginals(sets, firstRows: firstRows)
        let sparse = SparseCounter(cells: 3 * 7 * 2 * 11 * 5).count(data, sets, firstRows: firstRows)
        for (index, set) in sets.enumerated() {
            let prefix = data.rows(Array(0..<firstRows[index]))
            let expected = naive(prefix, set)
            #expect(dense[index].counts == expected, "\(set)")
            #expect(sparse[index].cellCount == expected.count)
            let pairs = zip(sparse[index].cells, sparse[index].counts).sorted { $0.0 < $1.0 }
            #expect(pairs.map { Int($0.0) } == expected.indices.filter { expected[$0] > 0 })
            #expect(pairs.map(\.1) == expected.filter { $0 > 0 })
            #expect(sparse[index].values(scale: 0.5) == expected.map { Double($0) * 0.5 })
        }
    }

    @Test func sparseDistanceEqualsTheDenseOne() {
        let data = randomDataset(rows: 4_000, domain: [13, 11, 9], seed: 4)
        let answer = data.marginal([0, 1, 2])
        // 200 rows over 1,287 cells: most cells are zero in the estimate, some in the answer.
        let sparse = SparseCounter(cells: 13 * 11 * 9).count(data, [[0, 1, 2]], firstRows: [200])[0]
        let dense = data.marginals([[0, 1, 2]], firstRows: [200])[0]
        let scale = 4_000.0 / 200
        let expected = answer.absoluteDifference(from: dense.map { Double($0) * scale })
        let distance = sparse.absoluteDifference(from: answer, answerTotal: answer.total, scale: scale)
        #expect(abs(distance - expected) <= 1e-9 * expected)
        #expect(answer.absoluteDifference(from: dense, scale: scale) == expected)
    }
}
