import DPData
import DPRandomness
import Testing

@testable import DPAudit

/// The suite on a small simulated population: a near-copy of the training rows must look risky,
/// rows drawn from the training rows' one-way marginals must look safe.
@Suite struct AttackCalibrationTests {
    /// A chain-structured population: each column copies the previous one's code (mod its size) 30% of the time.
    static func population(rows: Int, seed: UInt64) -> EncodedDataset {
        let sizes = [7, 9, 6, 10, 8, 5, 9, 12, 6, 8, 2]
        let schema = Schema(
            name: "population",
            columns: sizes.enumerated().map {
                Column(
                    name: "c\($0.offset)",
                    kind: $0.offset == 1
                        ? .integer(lower: 0, upper: 89, binning: .equalWidth(count: 9))
                        : .categorical((0..<$0.element).map { "v\($0)" }), missing: .error)
            })
        let source = RandomSource.seeded(seed)
        var codes = sizes.map { _ in [UInt16]() }
        for _ in 0..<rows {
            var previous = 0
            for (column, size) in sizes.enumerated() {
                let code =
                    column > 0 && source.uniform(below: 10) < 3
                    ? previous % size : Int(source.uniform(below: UInt64(size)))
                codes[column].append(UInt16(code))
                previous = code
            }
        }
        return EncodedDataset(schema: schema, codes: codes)
    }

    static func independentSample(of data: EncodedDataset, rows: Int, source: RandomSource) -> EncodedDataset {
        EncodedDataset(
            schema: data.schema,
            codes: data.codes.map { column in
                (0..<rows).map { _ in column[Int(source.uniform(below: UInt64(column.count)))] }
            })
    }

    static func nearCopy(of data: EncodedDataset, source: RandomSource) -> EncodedDataset {
        var codes = data.codes
        for row in source.sampleIndices(data.rowCount / 10, of: data.rowCount) {
            for column in source.sampleIndices(2, of: codes.count) {
                codes[column][row] = UInt16(source.uniform(below: UInt64(data.domain[column])))
            }
        }
        return EncodedDataset(schema: data.schema, codes: codes)
    }

    static func audit(_ synthetic: EncodedDataset, _ train: EncodedDataset, _ holdout: EncodedDataset) throws
        -> AuditResult
    {
        var audit = PrivacyAudit()
        audit.attacks = 300
        return try audit.run(
            PrivacyAudit.Input(
                train: train, holdout: holdout, synthetic: synthetic, secrets: [10],
                quasiIdentifiers: Array(0..<10), claimedEpsilon: 1, delta: 1e-6), source: .seeded(2))
    }

    static let all = population(rows: 8000, seed: 1)
    static let train = all.rows(Array(0..<6000)), holdout = all.rows(Array(6000..<8000))

    @Test func nearCopyIsFlagged() throws {
        let result = try Self.audit(Self.nearCopy(of: Self.train, source: .seeded(3)), Self.train, Self.holdout)
        #expect(result.decision == .fail)
        #expect(result.membership[0].auc >= 0.9)
        // Predicates that isolate one row of a near-copy often come from its perturbed rows, so the risk is lower than
        // the others.
        #expect(result.singlingOut.riskLower > 0.02)
        #expect(result.inference["c10"]!.risk > 0.5)
        #expect(result.membership[0].empiricalEpsilon.epsilon > 1)
    }

    /// Risks are Wilson-interval estimates over 300 attacks; the thresholds (0.1, 0.2, AUC 0.6) sit
    /// several standard errors above what independent sampling gives, so a false alarm here is below 1e-3.
    @Test func independentMarginalsPass() throws {
        let result = try Self.audit(
            Self.independentSample(of: Self.train, rows: 6000, source: .seeded(4)), Self.train, Self.holdout)
        #expect(
            result.decision == .pass, "\(result.findings.filter { !$0.passed }.map { "\($0.attack) \($0.value)" })")
        #expect(abs(result.membership[0].auc - 0.5) < 0.05)
        #expect(result.membership.allSatisfy { $0.empiricalEpsilon.epsilon < 1 })
    }

    /// A "synthetic" table that is the holdout's real rows: the training rows look no more at risk
    /// than the holdout's (every risk against the control is about zero), but the membership AUC
    /// sits as far below 0.5 as a copy of the training rows sits above it, and fails the audit.
    @Test func aCopyOfTheHoldoutFails() throws {
        let result = try Self.audit(Self.holdout, Self.train, Self.holdout)
        #expect(result.decision == .fail)
        #expect(result.membership[0].auc <= 0.1, "\(result.membership.map(\.auc))")
        #expect(
            result.findings.contains { $0.criterion == .membership && !$0.passed },
            "\(result.findings.filter { !$0.passed }.map(\.attack))")
    }

    @Test func policyFileOverridesDefaultsAndRejectsUnknownKeys() throws {
        let policy = try AuditPolicy.parse("membership_auc: 0.55\nsingling_out_risk: 0.05\n")
        #expect(policy.membershipAUC == 0.55 && policy.singlingOutRisk == 0.05 && policy.linkabilityRisk == 0.1)
        #expect(throws: DataError.self) { try AuditPolicy.parse("membership: 0.5\n", file: "p.yaml") }
        do {
            _ = try AuditPolicy.parse("linkability_risk: 2\n", file: "p.yaml")
            Issue.record("a threshold above 1 must be refused")
        } catch let error as DataError {
            #expect(error.description.hasPrefix("p.yaml:1:"))
        }
    }
}
