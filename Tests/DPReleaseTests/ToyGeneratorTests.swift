import DPAccounting
import DPData
import DPLedger
import DPMechanisms
import DPNeural
import DPRandomness
import DPReport
import DPSynthesis
import DPTestSupport
import Foundation
import Testing

@testable import DPRelease

/// A method defined only here: noisy one-way counts of every column (discrete Laplace, charged
/// first), rows drawn column by column from them. It shows that a new generator needs one type
/// and one `register` call, and no change to any file in Sources/.
struct ToyIndependentGenerator: Generator {
    static let method = "toy-independent"
    static let family = GeneratorFamily.neural
    static let summary = "noisy one-way counts (test generator)"
    /// What its fits report having done otherwise than asked.
    static let note = "the toy trains nothing"
    static let acceptedSettings: Set<GeneratorSettings.Key> = []

    init(settings: GeneratorSettings) throws {}

    struct Model: FittedModel, Codable {
        let method: String
        let schemaText: String
        let counts: [[Int]]
        let seeded: Bool

        var schema: Schema { try! SchemaLoader.parse(schemaText, file: "toy model") }
        var privacy: ModelPrivacy {
            ModelPrivacy(rho: 0, seeded: seeded, charges: ["discrete-laplace"], notes: [ToyIndependentGenerator.note])
        }
        var size: ModelSize { .cells(counts.map(\.count).reduce(0, +)) }
        var noisyRowCount: Int? { max(1, counts[0].reduce(0, +)) }

        func sample(rows: Int, source: RandomSource) -> EncodedDataset {
            let codes = counts.map { column -> [UInt16] in
                let weights = column.map { UInt64(max(0, $0) + 1) }
                let total = weights.reduce(0, +)
                return (0..<rows).map { _ in
                    var draw = source.uniform(below: total)
                    for (code, weight) in weights.enumerated() {
                        if draw < weight { return UInt16(code) }
                        draw -= weight
                    }
                    return UInt16(weights.count - 1)
                }
            }
            return EncodedDataset(schema: schema, codes: codes)
        }

        func fileData() throws -> Data { try ModelFile.encode(kind: method, model: self) }
    }

    func fit(_ request: FitRequest) throws -> any FittedModel {
        let perColumn = request.epsilon / Double(request.data.columns.count)
        let rows = try request.data.rows()
        let counts = try rows.domain.indices.map { column -> [Int] in
            var counts = [Int](repeating: 0, count: rows.domain[column])
            for code in rows.codes[column] { counts[Int(code)] += 1 }
            let mechanism = try IntegerLaplaceMechanism(sensitivity: 1, epsilon: perColumn)
            return try mechanism.release(counts, chargingTo: request.budget, source: request.source)
        }
        return Model(
            method: Self.method, schemaText: SchemaWriter.yaml(request.data.schema), counts: counts,
            seeded: request.source.isSeeded)
    }

    static func loadModel(from data: Data, path: String) throws -> any FittedModel {
        try ModelFile.decode(Model.self, from: data, path: path)
    }
}

/// The toy, fitted while another run charges the same dataset under its own reservation, as two
/// releases sharing one ledger do.
struct ToyOverlappedGenerator: Generator {
    static let method = "toy-overlapped"
    static let family = GeneratorFamily.neural
    static let summary = ToyIndependentGenerator.summary
    static let acceptedSettings: Set<GeneratorSettings.Key> = []

    init(settings: GeneratorSettings) throws {}

    func fit(_ request: FitRequest) throws -> any FittedModel {
        let budget = try #require(request.budget as? LedgerBudget)
        let other = try LedgerBudget(ledger: budget.ledger, dataset: budget.dataset).reserve(.pure(epsilon: 0.25))
        _ = try other.charge(
            Charge(mechanism: "another run", parameters: [String: Int](), cost: .pure(epsilon: 0.25), seeded: true))
        try other.endReservation()
        return try ToyIndependentGenerator(settings: GeneratorSettings()).fit(request)
    }

    static func loadModel(from data: Data, path: String) throws -> any FittedModel {
        try ToyIndependentGenerator.loadModel(from: data, path: path)
    }
}

/// The toy, spending half its epsilon, as a fit whose plan follows its noisy count may spend
/// less than asked.
struct ToyFrugalGenerator: Generator {
    static let method = "toy-frugal"
    static let family = GeneratorFamily.neural
    static let summary = ToyIndependentGenerator.summary
    static let acceptedSettings: Set<GeneratorSettings.Key> = []

    init(settings: GeneratorSettings) throws {}

    func fit(_ request: FitRequest) throws -> any FittedModel {
        try ToyIndependentGenerator(settings: GeneratorSettings()).fit(
            FitRequest(
                data: request.data, epsilon: request.epsilon / 2, delta: request.delta, budget: request.budget,
                source: request.source, progress: request.progress))
    }

    static func loadModel(from data: Data, path: String) throws -> any FittedModel {
        try ToyIndependentGenerator.loadModel(from: data, path: path)
    }
}

@Suite struct ToyGeneratorTests {
    /// The release fixture with `method` in its config (3,000 rows, no iterations) and a signing key.
    static func fixture(method: String) throws -> ReleaseFixture {
        let fixture = try ReleaseFixture()
        let text = try String(contentsOf: fixture.config, encoding: .utf8)
            .replacingOccurrences(of: "method: mst\n", with: "method: \(method)\n")
            .replacingOccurrences(of: "iterations: 200\n", with: "rows: 3000\n")
        try text.write(to: fixture.config, atomically: true, encoding: .utf8)
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        return fixture
    }

    /// A report names the charges of its own fit only: another run's charge made while the fit ran
    /// was counted in the report's guarantee and listed in its ledger.
    @Test func aReportCountsItsOwnFitsChargesOnly() throws {
        var registry = GeneratorRegistry.standard
        registry.register(ToyOverlappedGenerator.self)
        // Its model is the toy's, read back by the toy's kind when a later run reuses it.
        registry.register(ToyIndependentGenerator.self)
        let fixture = try Self.fixture(method: "toy-overlapped")
        let outcome = try ReleasePipeline(configPath: fixture.config.path, registry: registry).run()
        // The release's epsilon of 1 (the fit's share and the gate's), not 1.25.
        #expect(abs(outcome.report.privacy.epsilon - 1) < 1e-9, "\(outcome.report.privacy.epsilon)")
        // The dataset's statement in the report lists the other run's charge, as the ledger does.
        #expect(outcome.report.privacy.ledger.charges.contains { $0.mechanism == "another run" })
        // A later run reuses the model under the same binding: its fit's share and two gates'.
        let again = try ReleasePipeline(configPath: fixture.config.path, registry: registry).run()
        #expect(abs(again.report.privacy.epsilon - 1.05) < 1e-9, "\(again.report.privacy.epsilon)")
    }

    /// A fit that spent less than it was asked for is stated in the report at what it was asked
    /// for (which plan ran is an outcome of the fit), while the ledger keeps what it spent.
    @Test func aFitThatSpentLessIsStatedAsAsked() throws {
        var registry = GeneratorRegistry.standard
        registry.register(ToyFrugalGenerator.self)
        registry.register(ToyIndependentGenerator.self)
        let fixture = try Self.fixture(method: "toy-frugal")
        let outcome = try ReleasePipeline(configPath: fixture.config.path, registry: registry).run()
        let privacy = outcome.report.privacy
        #expect(abs(privacy.epsilon - 1) < 1e-9, "\(privacy.epsilon)")
        #expect(privacy.mechanism.contains(ReleaseGuarantee.statedAsAskedNote))
        #expect(abs(privacy.ledger.spent.epsilon - 0.525) < 1e-9, "\(privacy.ledger.spent.epsilon)")
    }

    /// Charges that compose to the epsilon asked (a zCDP fit's rho converted back, say) are stated
    /// as charged, with no note.
    @Test func aFitThatSpentWhatItWasAskedIsStatedAsCharged() {
        let zcdp = ReleaseGuarantee.spend(
            fit: [.zCDP(rho: ZCDP.rho(epsilon: 0.95, delta: 1e-9))], requested: 0.95,
            evaluations: [.pure(epsilon: 0.05)],
            delta: 1e-9)
        #expect(!zcdp.statedAsAsked && abs(zcdp.spend.epsilon - 1) < 1e-9, "\(zcdp.spend.epsilon)")
        let neural = ReleaseGuarantee.spend(
            fit: [.pure(epsilon: 0.01), .approximate(epsilon: 0.5, delta: 1e-9)], requested: 0.95,
            evaluations: [.pure(epsilon: 0.05)], delta: 1e-9)
        #expect(neural.statedAsAsked && abs(neural.spend.epsilon - 1) < 1e-9, "\(neural.spend.epsilon)")
    }

    @Test func aGeneratorRegisteredInATestRunsTheWholeRelease() throws {
        var registry = GeneratorRegistry.standard
        registry.register(ToyIndependentGenerator.self)
        #expect(registry.methods.last == "toy-independent")
        let fixture = try Self.fixture(method: "toy-independent")
        let outcome = try ReleasePipeline(configPath: fixture.config.path, registry: registry).run()
        // One charge per encoded column (the identifier is not encoded), each the toy's own discrete Laplace
        // cost, and the release gate's.
        #expect(outcome.report.privacy.ledger.charges.count == 6 + 1)
        #expect(outcome.report.privacy.ledger.charges.last?.mechanism == ReleaseGate.mechanismName)
        // What the fit did otherwise than asked is in the signed report, beside the mechanism.
        #expect(
            outcome.report.privacy.mechanism == ToyIndependentGenerator.summary + "; " + ToyIndependentGenerator.note)
        #expect(outcome.report.provenance.syntheticRows == 3000)
        // The standard registry does not know the method; the config is refused before any charge.
        #expect(throws: DataError.self) { try ReleasePipeline(configPath: fixture.config.path) }
    }

    @Test func settingsAMethodDoesNotReadAreRefused() throws {
        var settings = GeneratorSettings()
        settings.workload = [[0, 1]]
        #expect(throws: GeneratorSettingsError.self) {
            try GeneratorRegistry.standard.generator(named: "mst", settings: settings)
        }
        settings = GeneratorSettings()
        settings.epochs = 3
        #expect(throws: GeneratorSettingsError.self) {
            try GeneratorRegistry.standard.generator(named: "aim", settings: settings)
        }
        #expect(throws: GeneratorSettingsError.self) { try GeneratorRegistry.standard.generator(named: "gan") }
        #expect(try GeneratorRegistry.standard.generator(named: "dp-tvae", settings: settings) is TVAEGenerator)
    }
}
