import DPData
import DPGenerators
import DPLedger
import DPRandomness
import DPTestSupport
import Foundation
import Testing

/// The marginal methods read a private table only through its marginals, so a table that can
/// count but never hands out rows (a database) gives the same model as the rows themselves.
@Suite struct CountsOnlyTests {
    /// A table that answers marginals from `rows` and refuses to give the rows out.
    struct CountsOnly: PrivateTable {
        struct RowsRequested: Error {}
        let table: EncodedDataset
        var schema: Schema { table.schema }
        var columns: [Column] { table.columns }
        var domain: [Int] { table.domain }
        func marginals(_ attributeSets: [[Int]]) throws -> [ContingencyTable] { table.marginals(attributeSets) }
        func rows() throws -> EncodedDataset { throw RowsRequested() }
    }

    static func table() -> EncodedDataset {
        let source = RandomSource.seeded(9)
        let columns = (0..<5).map { Column(name: "c\($0)", kind: .coded(levels: 3 + $0), missing: .error) }
        var codes = columns.map { _ in [UInt16]() }
        for _ in 0..<2000 {
            let first = UInt16(source.uniform(below: 3))
            codes[0].append(first)
            for column in 1..<5 {
                let levels = UInt64(3 + column)
                codes[column].append(
                    source.uniform(below: 3) == 0 ? UInt16(source.uniform(below: levels)) : first % UInt16(levels))
            }
        }
        return EncodedDataset(schema: Schema(name: "t", columns: columns), codes: codes)
    }

    @Test(arguments: MarginalMethod.allCases)
    func aMarginalMethodNeedsNoRows(method: MarginalMethod) throws {
        let rows = Self.table()
        func fit(_ data: any PrivateTable) throws -> EncodedDataset {
            let ledger = try BudgetLedger(path: CommandRunner.temporaryDirectory().appendingPathComponent("l").path)
            try ledger.initialise(dataset: "t", epsilon: 2, delta: 1e-8)
            let model = try fitMarginal(
                method, data: data, epsilon: 1, delta: 1e-9, ledger: ledger, dataset: "t", source: .seeded(4),
                iterations: 50)
            return model.sample(rows: 300, source: .seeded(5))
        }
        let fromCounts = try fit(CountsOnly(table: rows))
        let fromRows = try fit(rows)
        #expect(fromCounts.codes == fromRows.codes, "the same seed gives the same model either way")
    }
}
