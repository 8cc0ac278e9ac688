import DPData
import DPGenerators
import DPLedger
import DPRandomness
import DPSynthesis
import DPTestSupport
import Foundation
import Testing

@testable import DPRelease

/// A fit lets its table forget the counts it kept for the fit, so that they do not stay in
/// memory beside the fitted model while its rows are drawn.
@Suite struct ForgottenCountsTests {
    /// A table that keeps every count it gives, as a table in a database does.
    final class KeepingTable: PrivateTable, @unchecked Sendable {
        let data: EncodedDataset
        var kept = CountCache()
        init(_ data: EncodedDataset) { self.data = data }
        var schema: Schema { data.schema }
        var columns: [Column] { data.columns }
        var domain: [Int] { data.domain }
        func marginals(_ attributeSets: [[Int]]) throws -> [ContingencyTable] {
            let needed = kept.toCount(attributeSets)
            kept.store(needed, data.marginals(needed))
            return kept.answers(attributeSets)
        }
        func rows() -> EncodedDataset { data }
        func forgetCounts() { kept.removeAll() }
    }

    @Test func aFitLeavesTheTableWithNoCountsKept() throws {
        let source = RandomSource.seeded(1)
        let schema = Schema(
            name: "toy", columns: (0..<3).map { Column(name: "c\($0)", kind: .coded(levels: 4), missing: .error) })
        let table = KeepingTable(
            EncodedDataset(
                schema: schema, codes: (0..<3).map { _ in (0..<500).map { _ in UInt16(source.uniform(below: 4)) } }))
        let ledger = try BudgetLedger(
            path: try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "toy", epsilon: 1, delta: 1e-6)
        let stage = SynthesisStage(generator: try MSTGenerator(settings: GeneratorSettings()), epsilon: 1, delta: 1e-6)
        _ = try table.marginals([[0, 1]])
        #expect(table.kept.toCount([[0, 1]]).isEmpty)
        _ = try stage.fit(table, budget: ledger.budget(for: "toy"), streams: RunStreams(seed: 2)) { _ in }
        #expect(table.kept.toCount([[0, 1], [2]]) == [[0, 1], [2]])
    }
}
