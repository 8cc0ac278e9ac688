import Benchmark
import BenchmarkSupport
import DPAccounting
import DPAudit
import DPData
import DPGenerators
import DPNeural
import DPRandomness
import DPSynthesis
import Foundation

/// MST and AIM on the coded Adult of ../shared/data/adult (train split: first 80% of a seeded shuffle,
/// 39,074 rows), delta 1e-9, as in ../shared/reference/README.md. Besides time and peak memory
/// it records the 3-way and 2-way workload TVD (mean total variation distance over all 364 / 91
/// marginals, times 10,000) of as many synthetic rows as training rows, and the TSTR AUC (times
/// 1,000) of gradient-boosted trees trained on the synthetic rows and tested on the 20% holdout.
/// DP-TVAE (default settings) is measured the same way.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, threeWay, twoWay, tstrAUC], maxDuration: .seconds(60),
        maxIterations: 3)
    networkBenchmarks()
    guard let split = AdultSplit.fromSharedFolder() else { return }
    let train = split.train
    let income = train.columnIndex(named: "income>50K")!
    var settings = GeneratorSettings()
    settings.iterations = 1000
    guard let mst = try? MSTGenerator(settings: settings), let aim = try? AIMGenerator(settings: settings),
        let tvae = try? TVAEGenerator(settings: GeneratorSettings())
    else {
        return
    }
    let fitted: [(any Generator, Double)] = [
        (mst, 0.1), (mst, 1.0), (mst, 10.0), (aim, 0.1), (aim, 1.0), (aim, 10.0), (tvae, 1.0), (tvae, 10.0),
    ]
    for (generator, epsilon) in fitted {
        let run = RunCounter()
        Benchmark("\(type(of: generator).method.uppercased()) on Adult, epsilon \(epsilon)") { benchmark in
            for _ in benchmark.scaledIterations {
                let iteration = run.next()
                let synthetic = try fitAndSample(generator, train, epsilon: epsilon, iteration: iteration)
                // Time and peak memory cover the fit and the sample, not the evaluation below
                // (one iteration per call: these benchmarks do not scale their iterations).
                benchmark.stopMeasurement()
                benchmark.measurement(
                    threeWay, Int(10_000 * MarginalFidelity.meanTotalVariation(train, synthetic, way: 3)))
                benchmark.measurement(
                    twoWay, Int(10_000 * MarginalFidelity.meanTotalVariation(train, synthetic, way: 2)))
                let tstr = ClassifierUtility.evaluate(
                    .gradientBoosting, train: train, synthetic: synthetic, holdout: split.holdout,
                    target: income, positive: 1, source: .seeded(200 + iteration))
                benchmark.measurement(tstrAUC, Int(1000 * tstr.syntheticAUC))
            }
        }
    }
}

/// MST and AIM on the tables of a random Bayesian network (`NetworkTables`): the census-like table
/// at epsilon 1 and 10, the wide tables at epsilon 1, with time, peak memory and the mean 3-way
/// TVD over the default AIM workload's 3-way sets (all of them up to 24 columns).
let networkBenchmarks: @Sendable () -> Void = {
    guard let mst = try? MSTGenerator(settings: GeneratorSettings()),
        let aim = try? AIMGenerator(settings: GeneratorSettings())
    else { return }
    let runs: [(String, any Generator, Double)] = [
        (NetworkTables.census, mst, 1), (NetworkTables.census, mst, 10), (NetworkTables.census, aim, 1),
        (NetworkTables.census, aim, 10), (NetworkTables.wide50, mst, 1), (NetworkTables.wide50, aim, 1),
        (NetworkTables.wide100, mst, 1), (NetworkTables.wide100, aim, 1),
    ]
    for (name, generator, epsilon) in runs {
        guard let table = NetworkTables.load(name) else { continue }
        // Every triple up to 24 columns; on wider tables the 3-way sets AIM's default workload
        // samples from the public schema.
        let triples = AIM.defaultWorkload(columns: table.columns).filter { $0.count == 3 }
        let run = RunCounter()
        Benchmark(
            "\(type(of: generator).method.uppercased()) on \(name), epsilon \(epsilon)",
            configuration: .init(
                metrics: [.wallClock, .peakMemoryResident, threeWay], maxDuration: .seconds(900), maxIterations: 3)
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                let synthetic = try fitAndSample(generator, table, epsilon: epsilon, iteration: run.next())
                benchmark.stopMeasurement()
                let distances = triples.map { MarginalFidelity.totalVariation(table, synthetic, over: $0) }
                benchmark.measurement(threeWay, Int(10_000 * distances.reduce(0, +) / Double(distances.count)))
            }
        }
    }
}

/// One fit of `generator` on `table` at `epsilon` (delta 1e-9, seeded by `iteration`), and as
/// many synthetic rows as the table has.
func fitAndSample(_ generator: any Generator, _ table: EncodedDataset, epsilon: Double, iteration: UInt64) throws
    -> EncodedDataset
{
    let budget = try PrivacyOdometer(epsilon: epsilon, delta: 1e-9)
    return try generator.checkedFit(
        FitRequest(data: table, epsilon: epsilon, delta: 1e-9, budget: budget, source: .seeded(iteration))
    )
    .sample(rows: table.rowCount, source: .seeded(100 + iteration))
}

/// Numbers the runs of one benchmark so each uses its own seeds (the harness calls the closure
/// once per sample).
final class RunCounter: @unchecked Sendable {
    private var count: UInt64 = 0

    func next() -> UInt64 {
        count += 1
        return count
    }
}

let threeWay = BenchmarkMetric.custom("3-way TVD x1e4")
let twoWay = BenchmarkMetric.custom("2-way TVD x1e4")
let tstrAUC = BenchmarkMetric.custom("TSTR AUC x1000 (boosted trees)", polarity: .prefersLarger)
