import DPData
import DPRandomness
import Testing

@testable import DPAudit

@Suite struct MarginalFidelityTests {
    /// Two random tables of six columns with 2-9 levels.
    static func tables() -> (EncodedDataset, EncodedDataset) {
        let source = RandomSource.seeded(41)
        let levels = [2, 9, 3, 7, 4, 5]
        let schema = Schema(
            name: "t",
            columns: levels.enumerated().map {
                Column(name: "c\($0.offset)", kind: .coded(levels: $0.element), missing: .error)
            })
        func draw(rows: Int) -> EncodedDataset {
            EncodedDataset(
                schema: schema,
                codes: levels.map { level in (0..<rows).map { _ in UInt16(source.uniform(below: UInt64(level))) } })
        }
        return (draw(rows: 700), draw(rows: 450))
    }

    @Test func theMeanCountedInBatchesIsTheMeanOfEverySet() {
        let (real, synthetic) = Self.tables()
        for way in 1...3 {
            let sets = real.columnSets(size: way)
            let naive =
                sets.map { MarginalFidelity.totalVariation(real, synthetic, over: $0) }.reduce(0, +)
                / Double(sets.count)
            // One set a batch, a few sets a batch, and every set in one batch.
            for batchCells in [1, 100, 1 << 24] {
                let batched = MarginalFidelity.meanTotalVariation(real, synthetic, way: way, batchCells: batchCells)
                #expect(abs(batched - naive) < 1e-12, "way \(way), batches of \(batchCells) cells")
            }
        }
    }
}
