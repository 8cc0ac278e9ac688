import DPData
import DPLedger
import DPRandomness
import DPSynthesis
import DPTestSupport
import Foundation
import Testing

@testable import DPGenerators
@testable import DPRelease

/// A fit lets its table forget the counts it kept for the fit, so that they do not stay in
/// memory beside the fitted model while its rows are drawn; rows are drawn from what the model
/// computes once, without the model itself.
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

    static func toyTable() -> KeepingTable {
        let source = RandomSource.seeded(1)
        let schema = Schema(
            name: "toy", columns: (0..<3).map { Column(name: "c\($0)", kind: .coded(levels: 4), missing: .error) })
        return KeepingTable(
            EncodedDataset(
                schema: schema, codes: (0..<3).map { _ in (0..<500).map { _ in UInt16(source.uniform(below: 4)) } }))
    }

    static func budget() throws -> LedgerBudget {
        let ledger = try BudgetLedger(
            path: try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "toy", epsilon: 1, delta: 1e-6)
        return try ledger.budget(for: "toy")
    }

    @Test func aFitLeavesTheTableWithNoCountsKept() throws {
        let table = Self.toyTable()
        let stage = SynthesisStage(generator: try MSTGenerator(settings: GeneratorSettings()), epsilon: 1, delta: 1e-6)
        _ = try table.marginals([[0, 1]])
        #expect(table.kept.toCount([[0, 1]]).isEmpty)
        _ = try stage.fit(table, budget: Self.budget(), streams: RunStreams(seed: 2)) { _ in }
        #expect(table.kept.toCount([[0, 1], [2]]) == [[0, 1], [2]])
    }

    /// AIM reads no count after its last round, so its final estimate (a model at its largest)
    /// runs without them.
    @Test func aimsFinalEstimateRunsWithNoCountsKept() throws {
        let table = Self.toyTable()
        let stage = SynthesisStage(generator: try AIMGenerator(settings: GeneratorSettings()), epsilon: 1, delta: 1e-6)
        var keptAtFinalEstimate: Bool?
        _ = try stage.fit(table, budget: Self.budget(), streams: RunStreams(seed: 2)) { step in
            if step.contains("final estimate") { keptAtFinalEstimate = table.kept.toCount([[0, 1, 2]]).isEmpty }
        }
        #expect(keptAtFinalEstimate == false)
    }

    /// A marginal model's rows are drawn from clique marginals computed once for every part,
    /// not once per part: its sampler holds the model's calibrated clique marginals, and no
    /// potentials.
    @Test func aMarginalModelsSamplerHoldsItsCliqueMarginals() throws {
        let table = Self.toyTable()
        let stage = SynthesisStage(generator: try MSTGenerator(settings: GeneratorSettings()), epsilon: 1, delta: 1e-6)
        let fitted = try #require(
            try stage.fit(table, budget: Self.budget(), streams: RunStreams(seed: 2)) { _ in } as? SynthesisModel)
        let sampler = try #require(fitted.sampler() as? MarginalModelRows)
        #expect(sampler.model.marginals.map(\.values) == fitted.model.cliqueMarginals().map(\.values))
        #expect(sampler.model.tree.cliques == fitted.model.tree.cliques && sampler.model.total == fitted.model.total)
    }
}
