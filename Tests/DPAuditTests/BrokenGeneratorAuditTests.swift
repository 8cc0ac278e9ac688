import DPAccounting
import DPAudit
import DPData
import DPGenerators
import DPLedger
import DPRandomness
import DPTestSupport
import Foundation
import Testing

/// The audit can fail: MST whose noise is 100 times too small for the epsilon it claims is
/// flagged (lower bound above the claim), while MST as shipped stays at or below its claim.
///
/// How the canaries are made distinguishable: the table's rows keep to the first tenth of each
/// column's 100 levels, and the canaries are uniform over all levels, so nearly every canary's
/// values, and all but a few of its value pairs, occur nowhere else. MST measures every one-way
/// marginal and the pairs of a spanning tree; with little noise, an included canary's cells keep
/// their count of one through domain compression and estimation, and the sampler's low-variance
/// rounding puts a row there, while an excluded canary's cells stay empty. With MST's real noise,
/// cells of one are merged away by domain compression and drowned by noise.
///
/// False alarm: with a generator that is epsilon-DP, the bound exceeds epsilon with probability
/// at most 1 - confidence = 5%; the seeds are fixed, so the run is deterministic.
@Suite struct BrokenGeneratorAuditTests {
    static let delta = 1e-6

    /// Four columns of 100 levels; rows use levels 0...9, with c1 and c2 following c0.
    static func table(rows: Int, seed: UInt64) -> EncodedDataset {
        let source = RandomSource.seeded(seed)
        let columns = (0..<4).map { Column(name: "c\($0)", kind: .coded(levels: 100), missing: .error) }
        var codes = columns.map { _ in [UInt16]() }
        for _ in 0..<rows {
            let base = UInt16(source.uniform(below: 10))
            for column in 0..<4 {
                let follows = column < 3 && source.uniform(below: 4) > 0
                codes[column].append(follows ? base : UInt16(source.uniform(below: 10)))
            }
        }
        return EncodedDataset(schema: Schema(name: "audit", columns: columns), codes: codes)
    }

    /// A canary audit of MST fitted at `fitEpsilon`, judged against the claimed epsilon 1.
    static func auditMST(fitEpsilon: Double, seed: UInt64) throws -> CanaryAudit.Result {
        let audit = try CanaryAudit(canaries: 1000)
        return try audit.run(
            data: table(rows: 2000, seed: seed), delta: delta, confidence: 0.95, source: .seeded(seed + 1)
        ) { withCanaries in
            let ledger = try BudgetLedger(
                path: try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path)
            try ledger.initialise(dataset: "audit", epsilon: fitEpsilon, delta: delta)
            let model = try fitMarginal(
                .mst, data: withCanaries, epsilon: fitEpsilon, delta: delta, ledger: ledger, dataset: "audit",
                source: .seeded(seed + 2))
            return model.sample(rows: model.noisyRowCount ?? withCanaries.rowCount, source: .seeded(seed + 3))
        }
    }

    @Test func mstAsShippedStaysAtOrBelowItsClaim() throws {
        let result = try Self.auditMST(fitEpsilon: 1, seed: 40)
        #expect(result.epsilonLowerBound <= 1, "\(result)")
    }

    /// Noise divided by 100 is rho multiplied by 10^4 (every Gaussian measurement and the
    /// selection scale with the square root of rho), run while claiming epsilon 1.
    @Test func mstWithNoiseDividedBy100IsFlagged() throws {
        let rho = 1e4 * ZCDP.rho(epsilon: 1, delta: Self.delta)
        let result = try Self.auditMST(fitEpsilon: ZCDP.epsilon(rho: rho, delta: Self.delta), seed: 40)
        #expect(result.epsilonLowerBound > 1, "\(result)")
    }
}
