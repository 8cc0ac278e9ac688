import DPData
import DPRandomness

/// The rows the attack suite and the utility evaluation read from a large release: a uniform
/// sample without replacement of at most `limit` rows of each table (training, holdout,
/// synthetic), drawn from the run's random source. The attacks' neighbour searches cost the
/// product of two tables' sizes, so on millions of rows they read a sample; every interval in the
/// audit is computed on the sample's sizes, and so is wider than the full tables would give. The
/// release gate, which decides, always reads every row.
///
/// Audit figures: computed on real data, not differentially private.
public struct AuditSample: Sendable, Codable, Equatable {
    public static let defaultLimit = 50_000

    public let limit: Int
    public let trainRows: Int
    public let holdoutRows: Int
    public let syntheticRows: Int
    public let sampledTrainRows: Int
    public let sampledHoldoutRows: Int
    public let sampledSyntheticRows: Int

    /// Whether any table was cut down.
    public var isSubsample: Bool {
        sampledTrainRows < trainRows || sampledHoldoutRows < holdoutRows || sampledSyntheticRows < syntheticRows
    }

    /// One line for a report.
    public var description: String {
        isSubsample
            ? "computed on a uniform sample without replacement of at most \(limit) rows per table: "
                + "\(sampledTrainRows) of \(trainRows) training, \(sampledHoldoutRows) of \(holdoutRows) holdout and "
                + "\(sampledSyntheticRows) of \(syntheticRows) synthetic rows; intervals are for these sample sizes, "
                + "and a sampled synthetic table keeps a copy of a training row with probability "
                + String(format: "%.3g", Double(sampledSyntheticRows) / Double(max(syntheticRows, 1)))
                + ", so the membership, singling-out and linkability rates see copying at that share (the "
                + "release gate reads every row)"
            : "computed on every row"
    }

    /// The sampled tables and what was sampled.
    public static func draw(
        train: EncodedDataset, holdout: EncodedDataset, synthetic: EncodedDataset, limit: Int = defaultLimit,
        source: RandomSource
    ) -> (train: EncodedDataset, holdout: EncodedDataset, synthetic: EncodedDataset, sample: AuditSample) {
        func cut(_ table: EncodedDataset, stream: UInt64) -> EncodedDataset {
            guard table.rowCount > limit else { return table }
            return table.rows(sampleIndices(count: table.rowCount, size: limit, source: source.split(stream: stream)))
        }
        let (a, b, c) = (cut(train, stream: 1), cut(holdout, stream: 2), cut(synthetic, stream: 3))
        return (
            a, b, c,
            AuditSample(
                limit: limit, trainRows: train.rowCount, holdoutRows: holdout.rowCount,
                syntheticRows: synthetic.rowCount, sampledTrainRows: a.rowCount, sampledHoldoutRows: b.rowCount,
                sampledSyntheticRows: c.rowCount)
        )
    }

    /// `size` distinct indices of 0..<count, uniformly, in increasing order (Floyd's algorithm).
    static func sampleIndices(count: Int, size: Int, source: RandomSource) -> [Int] {
        var chosen = Set<Int>(minimumCapacity: size)
        for upper in (count - size)..<count {
            let pick = Int(source.uniform(below: UInt64(upper + 1)))
            chosen.insert(chosen.contains(pick) ? upper : pick)
        }
        return chosen.sorted()
    }
}
