import DPData
import DPGenerators
import DPRandomness
import DPSynthesis
import DPTestSupport
import Foundation
import Testing

@testable import DPAudit

@Suite struct ShadowModelTests {
    /// MST with the shadow fits' iteration count.
    static func shadowMST() throws -> MSTGenerator {
        var settings = GeneratorSettings()
        settings.iterations = 200
        return try MSTGenerator(settings: settings)
    }

    @Test func outliersAreTheLeastLikelyRows() {
        let data = AttackCalibrationTests.population(rows: 500, seed: 5)
        var codes = data.codes
        for column in codes.indices { codes[column][17] = UInt16(data.domain[column] - 1) }
        let planted = EncodedDataset(schema: data.schema, codes: codes)
        #expect(ShadowModelAttack.outliers(planted, count: 3).contains(17))
    }

    @Test func crossValidatedAUCSeparatesSeparableFeatures() {
        let features: [[Double]] = (0..<20).map { (index: Int) -> [Double] in
            let label = Double(index % 2)
            let jitter = Double(index) * 0.01
            return [label + jitter, Double(index % 3)]
        }
        let labels = (0..<20).map { $0 % 2 == 1 }
        #expect(ShadowModelAttack.crossValidatedAUC(features, labels) > 0.95)
        let noise: [[Double]] = (0..<20).map { (index: Int) -> [Double] in [Double((index * 7919) % 13)] }
        #expect(ShadowModelAttack.crossValidatedAUC(noise, labels) < 0.8)
    }

    /// A generator that resamples its input rows (a bootstrap, so about 63% of rows are copied)
    /// leaks membership plainly; MST at epsilon 0.05 does not. 16 shadows per target: the
    /// cross-validated AUC of a useless attack exceeds 0.8 with probability about 1%, and the
    /// seeds are fixed.
    @Test func shadowModelsSeeAnOutlierThroughALeakyGenerator() throws {
        let all = AttackCalibrationTests.population(rows: 3000, seed: 6)
        let train = all.rows(Array(0..<1500))
        let holdout = all.rows(Array(1500..<3000))
        let bootstrap = ShadowModelAttack.Synthesis(name: "bootstrap") { data, source in
            data.rows((0..<data.rowCount).map { _ in Int(source.uniform(below: UInt64(data.rowCount))) })
        }
        let leaky = try ShadowModelAttack(generator: bootstrap, targets: 2, shadows: 16, shadowRows: 300)
            .run(train: train, holdout: holdout, source: .seeded(1))
        #expect(leaky.meanAUC > 0.8, "\(leaky)")
        let safe = try ShadowModelAttack(
            generator: .fitting(try Self.shadowMST(), epsilon: 0.05, delta: 1e-6), targets: 2, shadows: 16,
            shadowRows: 300
        )
        .run(train: train, holdout: holdout, source: .seeded(1))
        #expect(safe.meanAUC < 0.8, "\(safe)")
    }

    @Test(.enabled(if: SharedAdult.available, Comment(rawValue: SharedData.skipMessage)))
    func adultShadowModelsWithMST() throws {
        let (train, holdout) = try SharedAdult.trainingAndHoldout()
        let outcome = try ShadowModelAttack(
            generator: .fitting(try Self.shadowMST(), epsilon: 1, delta: 1e-9),
            targets: 5, shadows: 20
        ).run(train: train, holdout: holdout, source: .seeded(2))
        print(
            "Adult shadow models (MST eps 1, 5 x 20): mean AUC \(outcome.meanAUC), max "
                + "\(outcome.maxAUC), \(outcome.seconds) s"
        )
        #expect(outcome.meanAUC < 0.8)
    }
}
