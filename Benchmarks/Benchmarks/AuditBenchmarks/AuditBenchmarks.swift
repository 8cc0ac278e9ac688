import Benchmark
import BenchmarkSupport
import DPAccounting
import DPAudit
import DPData
import DPGenerators
import DPRandomness
import DPSynthesis
import Foundation

/// The attack suite and the utility evaluation on the coded Adult of ../shared (train 80%,
/// holdout 20%), against MST synthetic data at epsilon 1; Anonymeter takes about 145 s for its
/// three attacks on one synthetic set (../shared/reference/README.md). Risk figures are recorded
/// times 1,000.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(120), maxIterations: 3)
    guard let split = AdultSplit.fromSharedFolder() else { return }
    var settings = GeneratorSettings()
    settings.iterations = 1000
    var shadowSettings = GeneratorSettings()
    shadowSettings.iterations = 200
    guard let mst = try? MSTGenerator(settings: settings),
        let shadowMST = try? MSTGenerator(settings: shadowSettings),
        let budget = try? PrivacyOdometer(epsilon: 1, delta: 1e-9),
        let model = try? mst.checkedFit(
            FitRequest(data: split.train, epsilon: 1, delta: 1e-9, budget: budget, source: .seeded(1)))
    else { return }
    let synthetic = model.sample(rows: split.train.rowCount, source: .seeded(2))
    let income = split.train.columnIndex(named: "income>50K")!
    let quasi = ["age", "sex", "race", "marital-status", "education-num", "native-country"].compactMap {
        split.train.columnIndex(named: $0)
    }
    let input = PrivacyAudit.Input(
        train: split.train, holdout: split.holdout, synthetic: synthetic, secrets: [income],
        quasiIdentifiers: quasi, claimedEpsilon: 1, delta: 1e-9)

    Benchmark(
        "Full default audit of Adult (no shadow models)",
        configuration: .init(metrics: [.wallClock, .peakMemoryResident, membershipAUC, singlingOut, inference])
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let result = try PrivacyAudit().run(input, source: .seeded(3))
            benchmark.measurement(membershipAUC, Int(1000 * result.membership[0].auc))
            benchmark.measurement(singlingOut, Int(1000 * result.singlingOut.risk))
            benchmark.measurement(inference, Int(1000 * (result.inference.values.first?.risk ?? 0)))
        }
    }

    Benchmark("Shadow-model attack on Adult, MST epsilon 1, 5 targets x 20 shadows") { benchmark in
        for _ in benchmark.scaledIterations {
            let attack = ShadowModelAttack(
                generator: .fitting(shadowMST, epsilon: 1, delta: 1e-9), targets: 5, shadows: 20)
            blackHole(try attack.run(train: split.train, holdout: split.holdout, source: .seeded(4)))
        }
    }

    Benchmark("Utility evaluation of Adult (TVD, associations, TSTR logistic regression and boosted trees)") {
        benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                UtilityEvaluation.evaluate(
                    train: split.train, holdout: split.holdout, synthetic: synthetic, target: income, source: .seeded(5)
                ))
        }
    }
}

let membershipAUC = BenchmarkMetric.custom(
    "DCR membership AUC x1000", polarity: .prefersSmaller, useScalingFactor: false)
let singlingOut = BenchmarkMetric.custom("singling-out risk x1000", polarity: .prefersSmaller, useScalingFactor: false)
let inference = BenchmarkMetric.custom(
    "income inference risk x1000", polarity: .prefersSmaller, useScalingFactor: false)
