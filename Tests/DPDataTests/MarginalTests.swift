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
}
