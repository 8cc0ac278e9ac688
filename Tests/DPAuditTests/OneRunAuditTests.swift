import DPData
import DPRandomness
import Foundation
import Testing

@testable import DPAudit

/// The one-run audit's bound against values computed independently (SciPy 1.17.1, following the
/// procedure of Steinke, Nasr and Jagielski 2023, Appendix D, bisected to 1e-15), and a canary
/// audit that has power against a generator that copies rows.
@Suite struct OneRunAuditTests {
    /// (canaries, guesses, correct, delta, confidence, epsilon lower bound, p-value at epsilon 1).
    static let reference: [(Int, Int, Int, Double, Double, Double, Double)] = [
        (1000, 100, 100, 0, 0.95, 3.4929654311522937, 2.4843785557240162e-14),
        (1000, 100, 90, 1e-5, 0.95, 1.6261434806957262, 0.0008412885614385305),
        (1000, 200, 130, 1e-5, 0.95, 0.36525711707348146, 0.9953963145392122),
        (1000, 20, 20, 1e-9, 0.95, 1.8227124908553054, 0.001901513283591645),
        (1000, 1000, 520, 1e-6, 0.95, 0, 1),
        (10000, 500, 480, 1e-5, 0.99, 2.5583084744303632, 0.0014609360904390724),
        (1000, 100, 50, 0, 0.95, 0, 0.9999997358092304),
    ]

    @Test func theBoundMatchesIndependentlyComputedValues() throws {
        for (m, r, v, delta, confidence, epsilon, pValue) in Self.reference {
            let bound = try OneRunAuditBound(canaries: m, guesses: r, correct: v)
            let computed = bound.epsilonLowerBound(delta: delta, confidence: confidence)
            #expect(abs(computed - epsilon) <= 1e-9 * max(1, epsilon), "\((m, r, v)): \(computed) vs \(epsilon)")
            let p = bound.pValue(epsilon: 1, delta: delta)
            #expect(abs(p - pValue) <= 1e-9 * max(pValue, 1e-12), "\((m, r, v)): \(p) vs \(pValue)")
        }
        #expect(throws: AuditInputError.self) { try OneRunAuditBound(canaries: 10, guesses: 11, correct: 0) }
    }

    /// Six columns of ten levels with some structure: a million combinations, so random canaries
    /// are rare in the table.
    static func table(rows: Int, seed: UInt64) -> EncodedDataset {
        let source = RandomSource.seeded(seed)
        let columns = (0..<6).map { Column(name: "c\($0)", kind: .coded(levels: 10), missing: .error) }
        var codes = columns.map { _ in [UInt16]() }
        for _ in 0..<rows {
            let base = UInt16(source.uniform(below: 10))
            for column in 0..<6 {
                codes[column].append(source.uniform(below: 2) == 0 ? base : UInt16(source.uniform(below: 10)))
            }
        }
        return EncodedDataset(schema: Schema(name: "t", columns: columns), codes: codes)
    }

    /// The non-private control (the training rows released as they are) is caught far above
    /// epsilon 1: included canaries are copied, so nearly every guess is right.
    @Test func aGeneratorThatCopiesRowsIsCaught() throws {
        let audit = try CanaryAudit(canaries: 1000)
        let result = try audit.run(
            data: Self.table(rows: 2000, seed: 1), delta: 1e-6, confidence: 0.95, source: .seeded(2)
        ) { $0 }
        #expect(result.correct >= 195, "\(result)")
        #expect(result.epsilonLowerBound > 3, "\(result)")
    }

    /// Releasing nothing of the data (a table drawn independently of it) gives guesses no better
    /// than chance: the bound is 0 (a 5% chance of a positive bound by the bound's confidence;
    /// fixed seeds make this run deterministic).
    @Test func aReleaseIndependentOfTheDataGivesNoEvidence() throws {
        let audit = try CanaryAudit(canaries: 1000)
        let result = try audit.run(
            data: Self.table(rows: 2000, seed: 1), delta: 1e-6, confidence: 0.95, source: .seeded(3)
        ) { _ in Self.table(rows: 2000, seed: 99) }
        #expect(result.epsilonLowerBound < 0.5, "\(result)")
    }
}

/// The audit's sample of a large release: at most the limit per table, distinct rows, the same
/// for the same seed, and nothing cut when a table is small.
@Suite struct AuditSampleTests {
    @Test func aSampleKeepsToItsLimitAndSaysSo() {
        let table = { (rows: Int, seed: UInt64) in OneRunAuditTests.table(rows: rows, seed: seed) }
        let (train, holdout, synthetic) = (table(1000, 1), table(400, 2), table(1200, 3))
        let drawn = AuditSample.draw(
            train: train, holdout: holdout, synthetic: synthetic, limit: 500, source: .seeded(4))
        #expect(drawn.train.rowCount == 500 && drawn.holdout.rowCount == 400 && drawn.synthetic.rowCount == 500)
        #expect(drawn.sample.isSubsample && drawn.sample.description.contains("500 of 1000 training"))
        let again = AuditSample.draw(
            train: train, holdout: holdout, synthetic: synthetic, limit: 500, source: .seeded(4))
        #expect(again.train.codes == drawn.train.codes)
        let indices = AuditSample.sampleIndices(count: 1000, size: 500, source: .seeded(5))
        #expect(indices.count == 500 && Set(indices).count == 500 && indices.allSatisfy { (0..<1000).contains($0) })
        let whole = AuditSample.draw(
            train: holdout, holdout: holdout, synthetic: holdout, limit: 500, source: .seeded(6))
        #expect(!whole.sample.isSubsample && whole.train.codes == holdout.codes)
    }
}
