import DPAccounting
import DPData
import DPLedger
import DPRandomness
import DPSynthesis
import DPTestSupport
import Foundation
import Testing

@testable import DPGenerators

@Suite struct GeneratorTests {
    /// Rows where c1 copies c0 most of the time and c2 is independent: MST should find (0, 1).
    func correlatedData(rows: Int) -> EncodedDataset {
        let source = RandomSource.seeded(21)
        let schema = Schema(
            name: "toy", columns: (0..<4).map { Column(name: "c\($0)", kind: .coded(levels: 4), missing: .error) })
        var codes = [[UInt16]](repeating: [], count: 4)
        for _ in 0..<rows {
            let a = UInt16(source.uniform(below: 4))
            codes[0].append(a)
            codes[1].append(source.uniform(below: 10) < 9 ? a : UInt16(source.uniform(below: 4)))
            codes[2].append(UInt16(source.uniform(below: 4)))
            codes[3].append(source.uniform(below: 10) < 8 ? codes[2].last! : 0)
        }
        return EncodedDataset(schema: schema, codes: codes)
    }

    func ledger(epsilon: Double, delta: Double) throws -> BudgetLedger {
        let ledger = try BudgetLedger(
            path: try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "toy", epsilon: epsilon, delta: delta)
        return ledger
    }

    @Test func mstChargesTheLedgerBeforeDrawingAndStaysInBudget() throws {
        let data = correlatedData(rows: 5_000)
        let ledger = try ledger(epsilon: 2, delta: 1e-6)
        let model = try fitMarginal(
            .mst, data: data, epsilon: 2, delta: 1e-6, ledger: ledger, dataset: "toy", source: .seeded(5))
        let statement = try ledger.statement(dataset: "toy")
        // One charge for the one-way marginals, d-1 selections, one for the pairs.
        #expect(statement.charges.count == 1 + 3 + 1)
        #expect(statement.charges.allSatisfy { if case .zCDP = $0.cost { return $0.seeded } else { return false } })
        #expect(statement.spent.epsilon <= 2)
        #expect(abs(model.privacy.rho - ZCDP.rho(epsilon: 2, delta: 1e-6)) < 1e-6 * model.privacy.rho)
        // The strong pairs are found and reproduced.
        let synthetic = model.sample(rows: 5_000, source: .seeded(6))
        let agreement = (0..<5_000).filter { synthetic.codes[0][$0] == synthetic.codes[1][$0] }.count
        #expect(agreement > 4_000)
    }

    @Test func aRunTheLedgerCannotAffordIsRefusedBeforeAnyCharge() throws {
        let ledger = try ledger(epsilon: 1, delta: 1e-6)
        do {
            _ = try fitMarginal(
                .mst, data: correlatedData(rows: 100), epsilon: 1.5, delta: 1e-6, ledger: ledger, dataset: "toy",
                source: .seeded(1))
            Issue.record("an unaffordable run started")
        } catch let error as AccountingError {
            #expect(error.description.contains("does not fit"))
        }
        #expect(try ledger.statement(dataset: "toy").charges.isEmpty)
    }

    @Test func independentBaselineSpendsOneCharge() throws {
        let ledger = try ledger(epsilon: 1, delta: 1e-6)
        let model = try fitMarginal(
            .independent, data: correlatedData(rows: 2_000), epsilon: 1, delta: 1e-6, ledger: ledger, dataset: "toy",
            source: .seeded(2))
        #expect(try ledger.statement(dataset: "toy").charges.count == 1)
        #expect(model.sample(rows: 100, source: .seeded(3)).rowCount == 100)
    }

    @Test func savedModelsReloadAndSampleTheSame() throws {
        let ledger = try ledger(epsilon: 1, delta: 1e-6)
        let model = try fitMarginal(
            .mst, data: correlatedData(rows: 2_000), epsilon: 1, delta: 1e-6, ledger: ledger, dataset: "toy",
            source: .seeded(4))
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("model.json").path
        try model.save(to: path)
        let loaded = try SynthesisModel.load(from: path)
        #expect(loaded.sample(rows: 500, source: .seeded(9)).codes == model.sample(rows: 500, source: .seeded(9)).codes)
        #expect(loaded.privacy == model.privacy)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: DataError.self) { try SynthesisModel.load(from: path) }
        // A wrong type is named in JSON's words, not the decoder's Swift types.
        try Data("[1]".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try SynthesisModel.load(from: path)
        } throws: {
            "\($0)".contains("at the top: expected an object") && !"\($0)".contains("Dictionary")
        }
    }

    /// An MST model whose domain compression merged rare categories (a column of 40 levels, most
    /// of them nearly empty) is saved, reloaded and sampled like any other.
    @Test func aCompressedMSTModelReloads() throws {
        let source = RandomSource.seeded(8)
        let schema = Schema(
            name: "toy",
            columns: [
                Column(name: "wide", kind: .coded(levels: 40), missing: .error),
                Column(name: "narrow", kind: .coded(levels: 3), missing: .error),
            ])
        var codes = [[UInt16]](repeating: [], count: 2)
        for _ in 0..<2_000 {
            let rare = source.uniform(below: 100) == 0
            codes[0].append(UInt16(rare ? 4 + source.uniform(below: 36) : source.uniform(below: 4)))
            codes[1].append(UInt16(source.uniform(below: 3)))
        }
        let ledger = try ledger(epsilon: 1, delta: 1e-6)
        let model = try fitMarginal(
            .mst, data: EncodedDataset(schema: schema, codes: codes), epsilon: 1, delta: 1e-6, ledger: ledger,
            dataset: "toy", source: .seeded(9), iterations: 50)
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("model.json").path
        try model.save(to: path)
        let loaded = try SynthesisModel.load(from: path)
        #expect(loaded.cellCount < 40 * 3, "the compression merged categories")
        #expect(
            loaded.sample(rows: 300, source: .seeded(10)).codes == model.sample(rows: 300, source: .seeded(10)).codes)
    }

    @Test(.enabled(if: SharedAdult.available, Comment(rawValue: SharedData.skipMessage)))
    func mstOnSharedAdultBeatsTheSmokeThreshold() throws {
        let train = try SharedAdult.trainingRows()
        let ledger = try BudgetLedger(
            path: try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "adult", epsilon: 1, delta: 1e-9)
        let model = try fitMarginal(
            .mst, data: train, epsilon: 1, delta: 1e-9, ledger: ledger, dataset: "adult", source: .seeded(7),
            iterations: 300)
        // mbi MST at epsilon 1 reaches 0.120 (../shared/reference/README.md); smoke level 0.15.
        #expect(SharedAdult.threeWayTVD(train, model.sample(rows: train.rowCount, source: .seeded(8))) < 0.15)
    }
}

@Suite struct BudgetExplanationTests {
    /// A run that does not fit names the largest epsilon that does, and a run at that epsilon fits.
    @Test func tooLargeARunIsToldTheMostThatFits() throws {
        let source = RandomSource.seeded(3)
        let schema = Schema(
            name: "toy", columns: (0..<3).map { Column(name: "c\($0)", kind: .coded(levels: 3), missing: .error) })
        let data = EncodedDataset(
            schema: schema, codes: (0..<3).map { _ in (0..<500).map { _ in UInt16(source.uniform(below: 3)) } })
        let ledger = try BudgetLedger(
            path: try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "toy", epsilon: 1, delta: 1e-6)
        try ledger.charge(dataset: "toy", mechanism: "earlier", cost: .pure(epsilon: 0.6), seeded: true)
        do {
            _ = try fitMarginal(
                .mst, data: data, epsilon: 1, delta: 1e-6, ledger: ledger, dataset: "toy", source: .seeded(4))
            Issue.record("a run past the budget must be refused")
        } catch let error as AccountingError {
            let text = error.description
            #expect(text.contains("The most that still fits is epsilon"), "\(text)")
            let fits = try MSTGenerator(settings: GeneratorSettings()).largestEpsilon(
                fitting: ledger.budget(for: "toy"), delta: 1e-6, below: 1)
            #expect(fits > 0.1 && fits < 0.4)
            _ = try fitMarginal(
                .mst, data: data, epsilon: fits, delta: 1e-6, ledger: ledger, dataset: "toy", source: .seeded(5),
                iterations: 50)
        }
    }
}

/// Settings that would fail after a charge are refused when read: a step count that overflows, a
/// network larger than memory, a clipping norm that makes the noise infinite (each crashed or
/// failed after the noisy example count; found by a hostile pass).
@Suite struct GeneratorSettingsLimitTests {
    @Test func numbersBeyondTheirLargestAreRefused() throws {
        var cases: [GeneratorSettings] = []
        for change in [
            { (settings: inout GeneratorSettings) in settings.epochs = Int.max },
            { $0.hidden = 1_000_000 }, { $0.latent = 100_000 }, { $0.clip = 1e308 },
            { $0.batchSize = 1 << 40 },
            // A mean batch beyond the float bound of DP-SGD's sensitivity (Proofs/dp-sgd.md).
            { $0.batchSize = 1_000_001 },
        ] {
            var settings = GeneratorSettings()
            change(&settings)
            cases.append(settings)
        }
        for settings in cases {
            #expect(throws: GeneratorSettingsError.self, "\(settings)") { try settings.validate() }
        }
        var largest = GeneratorSettings()
        largest.epochs = 100_000
        largest.hidden = 4096
        largest.batchSize = 1_000_000
        try largest.validate()
    }
}

/// Post-processing that should use what the measurements say of their own noise, and workload
/// files read as sets (a helper's pass).
@Suite struct MeasurementWeightTests {
    /// A merged cell of a compressed domain adds the noise of every cell it merged: the total
    /// weighs such a marginal by that variance, not by its cell count (capital-loss, 100 codes
    /// merged into one, weighed 50 times too much on Adult).
    @Test func theTotalWeighsAMergedCellByTheNoiseItHolds() {
        let merged = NoisyMarginal(attributes: [0], values: [150, 50], sigma: 1, cellSigmas: [1, 10])
        let plain = NoisyMarginal(attributes: [1], values: [60, 40], sigma: 1)
        let expected = (200 / 101.0 + 100 / 2.0) / (1 / 101.0 + 1 / 2.0)
        #expect(abs(MirrorDescentEstimator.estimateTotal([merged, plain]) - expected) < 1e-9)
    }

    /// A set listed twice is one set of the workload, as in private-pgm: not twice its weight.
    @Test func aWorkloadSetListedTwiceIsOneSet() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("w.txt").path
        try "a,b\nb, a\nb,c\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try WorkloadFile.read(path, columns: ["a", "b", "c"]) == [[0, 1], [1, 2]])
        // Windows line endings, as CSV files may have them (a hostile pass: refused before).
        try "a,b\r\nb,c\r\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try WorkloadFile.read(path, columns: ["a", "b", "c"]) == [[0, 1], [1, 2]])
    }
}

extension GeneratorTests {
    /// A data file given as the workload had its second line quoted in the error ('39' is not an
    /// encoded column): a cell of the data. The error names the place, never the text.
    @Test func aWorkloadErrorNamesThePlaceNotTheText() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("w.txt").path
        try "a,b\n39,State-gov\n".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try WorkloadFile.read(path, columns: ["a", "b", "c"])
            Issue.record("a line of values was read as a workload")
        } catch let error as DataError {
            #expect("\(error)".contains(":2:") || "\(error)".contains("line 2"), "\(error)")
            #expect(!"\(error)".contains("'39'") && !"\(error)".contains("State-gov"), "\(error)")
        }
    }
}
