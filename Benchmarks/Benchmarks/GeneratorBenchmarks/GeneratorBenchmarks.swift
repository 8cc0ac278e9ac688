import Benchmark
import DPAccounting
import DPData
import DPGenerators
import DPLedger
import DPRandomness
import Foundation

/// MST and AIM on the coded Adult of ../shared/data/adult (train split: first 80% of a seeded shuffle,
/// 39,074 rows), delta 1e-9, as in ../shared/reference/README.md. Besides time and peak memory
/// it records the 3-way and 2-way workload TVD (mean total variation distance over all 364 / 91
/// marginals, times 10,000) of as many synthetic rows as training rows.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, threeWay, twoWay], maxDuration: .seconds(60), maxIterations: 3)
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    guard let train = try? adultTrainSplit(shared: root.deletingLastPathComponent().appendingPathComponent("shared/data/adult")) else {
        return
    }
    for (method, epsilon) in [(Synthesizer.Method.mst, 0.1), (.mst, 1.0), (.mst, 10.0), (.aim, 0.1), (.aim, 1.0)] {
        let run = RunCounter()
        Benchmark("\(method.rawValue.uppercased()) on Adult, epsilon \(epsilon)") { benchmark in
            for _ in benchmark.scaledIterations {
                let iteration = run.next()
                let ledgerPath = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).sqlite").path
                let ledger = try BudgetLedger(path: ledgerPath)
                try ledger.initialise(dataset: "adult", epsilon: epsilon, delta: 1e-9)
                let model = try Synthesizer.fit(method, data: train, epsilon: epsilon, delta: 1e-9, ledger: ledger, dataset: "adult",
                                                source: .seeded(iteration))
                let synthetic = model.sample(rows: train.rowCount, source: .seeded(100 + iteration))
                benchmark.measurement(threeWay, Int(10_000 * workloadTVD(train, synthetic, width: 3)))
                benchmark.measurement(twoWay, Int(10_000 * workloadTVD(train, synthetic, width: 2)))
                try? FileManager.default.removeItem(atPath: ledgerPath)
            }
        }
    }
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

func adultTrainSplit(shared folder: URL) throws -> EncodedDataset {
    let csv = folder.appendingPathComponent("adult.csv").path
    let domain = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("adult-domain.json"))) as! [String: Int]
    let header = try String(contentsOfFile: csv, encoding: .utf8).prefix { $0 != "\n" }.split(separator: ",").map(String.init)
    let schema = Schema(name: "adult", columns: header.map { Column(name: $0, kind: .coded(levels: domain[$0]!), missing: .error) })
    let all = try DatasetLoader.load(csv: csv, schema: schema)
    let source = RandomSource.seeded(0)
    var order = Array(0..<all.rowCount)
    for index in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(index, Int(source.uniform(below: UInt64(index + 1)))) }
    return all.rows(Array(order.prefix(all.rowCount * 4 / 5)))
}

func workloadTVD(_ real: EncodedDataset, _ synthetic: EncodedDataset, width: Int) -> Double {
    let columns = real.columns.count
    var sets: [[Int]] = [[]]
    for _ in 0..<width { sets = sets.flatMap { set in ((set.last ?? -1) + 1..<columns).map { set + [$0] } } }
    let realTables = real.marginals(sets), syntheticTables = synthetic.marginals(sets)
    var total = 0.0
    for (a, b) in zip(realTables, syntheticTables) {
        let (na, nb) = (Double(a.total), Double(b.total))
        total += zip(a, b).reduce(0.0) { $0 + abs(Double($1.0) / na - Double($1.1) / nb) } / 2
    }
    return total / Double(sets.count)
}
