import Benchmark
import BenchmarkSupport
import DPData
import DPRandomness
import Foundation

/// Data-layer speed beside the references in ../shared/reference/README.md:
/// numpy bincount of all 364 3-way Adult marginals (0.05-0.06 s), a C -O3 counting loop over
/// 10 million rows (Benchmarks/reference/marginal3.c, run by `make bench`), CSV ingest of Adult.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], maxDuration: .seconds(5), maxIterations: 50)

    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    var triples: [[Int]] = []
    for a in 0..<14 { for b in (a + 1)..<14 { for c in (b + 1)..<14 { triples.append([a, b, c]) } } }
    // Adult's public domain sizes (private-pgm's adult-domain.json), 48,842 rows of uniform codes.
    let adultDomain = [85, 9, 100, 16, 7, 15, 6, 5, 2, 100, 100, 99, 42, 2]
    let uniform = randomDataset(rows: 48_842, domain: adultDomain, seed: 1)
    Benchmark("uniform codes, Adult domain: all 364 3-way marginals") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(uniform.marginals(triples)) }
    }
    if let adult = try? sharedCodedAdult(root: root) {
        Benchmark("shared coded Adult: all 364 3-way marginals") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(adult.marginals(triples)) }
        }
    }

    let large = randomDataset(rows: 10_000_000, domain: [100, 50, 20], seed: 2)
    Benchmark("10M rows: one 3-way marginal (100x50x20)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(large.marginal([0, 1, 2])) }
    }

    let schemaPath = root.appendingPathComponent("Examples/schemas/adult.yaml").path
    let files = ["adult-train.csv", "adult-test.csv"].map {
        root.appendingPathComponent(".data/datasets/adult/\($0)").path
    }
    if files.allSatisfy(FileManager.default.fileExists(atPath:)) {
        Benchmark("CSV ingest of Adult (48,842 rows, train + test) through its schema") { benchmark in
            let schema = try SchemaLoader.load(path: schemaPath)
            for _ in benchmark.scaledIterations {
                for file in files { blackHole(try DatasetLoader.load(csv: file, schema: schema)) }
            }
        }
    }
}

func randomDataset(rows: Int, domain: [Int], seed: UInt64) -> EncodedDataset {
    let schema = Schema(
        name: "random",
        columns: domain.enumerated().map {
            Column(name: "c\($0.offset)", kind: .coded(levels: $0.element), missing: .error)
        })
    let source = RandomSource.seeded(seed)
    return EncodedDataset(
        schema: schema,
        codes: domain.map { size in
            (0..<rows).map { _ in UInt16(source.uniform(below: UInt64(size))) }
        })
}

/// The coded Adult of ../shared/data/adult, when it is beside the checkout.
func sharedCodedAdult(root: URL) throws -> EncodedDataset {
    try AdultSplit.loadCoded(folder: root.deletingLastPathComponent().appendingPathComponent("shared/data/adult"))
}
