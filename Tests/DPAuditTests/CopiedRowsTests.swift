import DPData
import DPRandomness
import Testing

@testable import DPAudit

/// A synthetic table of which a quarter is verbatim training rows, on a coded population whose
/// quasi-identifier cells hold many synthetic rows each (ties at the nearest distance everywhere).
@Suite struct CopiedRowsTests {
    static let train = AttackCalibrationTests.train
    static let holdout = AttackCalibrationTests.holdout

    /// 6,000 rows drawn from the training rows' one-way marginals, 1,500 of them replaced by
    /// copies of distinct training rows.
    static let quarterCopied: EncodedDataset = {
        let source = RandomSource.seeded(11)
        let honest = AttackCalibrationTests.independentSample(of: train, rows: 6000, source: source)
        var codes = honest.codes
        let copied = source.sampleIndices(1500, of: train.rowCount)
        for (slot, row) in zip(source.sampleIndices(1500, of: 6000), copied) {
            for column in codes.indices { codes[column][slot] = train.codes[column][row] }
        }
        return EncodedDataset(schema: honest.schema, codes: codes)
    }()

    static func reversed(_ table: EncodedDataset) -> EncodedDataset {
        table.rows(Array((0..<table.rowCount).reversed()))
    }

    /// The same 1,500 copies and 4,500 honest rows, copies first or last.
    static func copiesPlaced(first: Bool) -> EncodedDataset {
        let source = RandomSource.seeded(11)
        let honest = AttackCalibrationTests.independentSample(of: train, rows: 4500, source: source)
        let copies = train.rows(source.sampleIndices(1500, of: train.rowCount))
        let parts = first ? [copies, honest] : [honest, copies]
        return EncodedDataset(schema: train.schema, codes: zip(parts[0].codes, parts[1].codes).map { $0 + $1 })
    }

    /// Linkability on {c0, c1, c2, c3} and {c4, c5, c6, c7}, whose cells hold one or two
    /// synthetic rows each: a search that keeps the first of tied rows in the table's order links
    /// copies written first (risk 0.11 with 500 attacks) and misses copies written last (0.01).
    /// In a random order drawn for the run, both tables give one distribution of risk; over
    /// 2,000 attacks the difference of two risks has a standard error near 0.012, so it exceeds
    /// 0.05 with probability below 1e-4 (the seeds are fixed: the test is deterministic).
    @Test func linkabilityDoesNotDependOnWhereCopiesSit() {
        func risk(_ synthetic: EncodedDataset) -> Double {
            LinkabilityAttack(attacks: 2000, neighbours: 1).run(
                train: Self.train, holdout: Self.holdout, synthetic: synthetic, firstGroup: [0, 1, 2, 3],
                secondGroup: [4, 5, 6, 7], source: .seeded(12)
            ).risk
        }
        let (early, late) = (risk(Self.copiesPlaced(first: true)), risk(Self.copiesPlaced(first: false)))
        #expect(abs(early - late) < 0.05, "copies first: \(early), last: \(late)")
    }

    /// Attribute inference reads every synthetic row tied at the nearest distance: its outcome
    /// is the same on the table in reverse order (a pick by position made it depend on where the
    /// copies sat).
    @Test func inferenceDoesNotDependOnTheRowOrder() {
        let attack = AttributeInferenceAttack(attacks: 1000)
        func run(_ synthetic: EncodedDataset) -> RiskEstimate {
            attack.run(
                train: Self.train, holdout: Self.holdout, synthetic: synthetic, secret: 10,
                quasiIdentifiers: [0, 1, 2, 3], source: .seeded(14))
        }
        let (forward, backward) = (run(Self.quarterCopied), run(Self.reversed(Self.quarterCopied)))
        // The naive baseline guesses a random synthetic row's secret, which does move with the order.
        #expect(forward.attackSuccesses == backward.attackSuccesses, "\(forward) \(backward)")
        #expect(forward.controlSuccesses == backward.controlSuccesses && forward.risk == backward.risk)
    }

    /// Four three-level categories and three 50-level ordered columns, each uniform: no two rows
    /// agree exactly, yet many lie within distance 2 (a category and a little of the ordered ones).
    static func spread(rows: Int, source: RandomSource) -> EncodedDataset {
        let schema = Schema(
            name: "spread",
            columns: (0..<4).map { Column(name: "c\($0)", kind: .categorical(["a", "b", "c"]), missing: .error) }
                + (0..<3).map {
                    Column(
                        name: "n\($0)", kind: .integer(lower: 0, upper: 49, binning: .equalWidth(count: 50)),
                        missing: .error)
                })
        let sizes = schema.encodedColumns.map(\.domainSize)
        return EncodedDataset(
            schema: schema,
            codes: sizes.map { size in (0..<rows).map { _ in UInt16(source.uniform(below: UInt64(size))) } })
    }

    /// The density ratio's kernel width is chosen on half the targets: on a quarter-copied table
    /// a narrow kernel sees the copies (AUC near 0.5 + 0.25 / 2), where a fixed width of 2
    /// summed over the many rows a category away and lost them. Over 500 targets of each kind
    /// the AUC's standard error is about 0.018, so falling under 0.57 from 0.625 has probability
    /// about 1e-3 (the seeds are fixed: the test is deterministic).
    @Test func theDensityRatioSeesCopies() {
        let source = RandomSource.seeded(15)
        let (train, holdout) = (Self.spread(rows: 6000, source: source), Self.spread(rows: 2000, source: source))
        var codes = Self.spread(rows: 6000, source: source).codes
        for (slot, row) in zip(source.sampleIndices(1500, of: 6000), source.sampleIndices(1500, of: 6000)) {
            for column in codes.indices { codes[column][slot] = train.codes[column][row] }
        }
        let synthetic = EncodedDataset(schema: train.schema, codes: codes)
        let outcome = DensityRatioMembershipAttack().run(
            train: train, holdout: holdout, synthetic: synthetic, delta: 1e-6, source: .seeded(16))
        #expect(outcome.auc > 0.57, "\(outcome.attack): \(outcome.auc)")
        #expect(outcome.members == 500 && outcome.nonMembers == 500)
    }
}
