import DPData

/// How closely the synthetic table's marginals match the real table's: total variation distance
/// between normalized contingency tables, per column, per pair and averaged over a workload.
///
/// Audit figure: computed on real data, not differentially private.
public enum MarginalFidelity {
    /// Half the L1 distance between the normalized tables over `attributes`.
    public static func totalVariation(_ real: EncodedDataset, _ synthetic: EncodedDataset, over attributes: [Int])
        -> Double
    {
        totalVariation(real.marginal(attributes), synthetic.marginal(attributes))
    }

    public static func totalVariation(_ a: ContingencyTable, _ b: ContingencyTable) -> Double {
        precondition(a.count == b.count, "tables over the same attributes")
        let totalA = Double(max(a.total, 1))
        let totalB = Double(max(b.total, 1))
        var distance = 0.0
        for cell in 0..<a.count { distance += abs(Double(a[cell]) / totalA - Double(b[cell]) / totalB) }
        return distance / 2
    }

    /// The mean total variation distance over every `k`-column set of the encoded columns. The
    /// sets are counted a batch at a time, at most `batchCells` cells of tables at once (a batch
    /// holds at least one set), so a wide table's thousands of triples never sit in memory
    /// together.
    public static func meanTotalVariation(
        _ real: EncodedDataset, _ synthetic: EncodedDataset, way k: Int, batchCells: Int = 1 << 24
    ) -> Double {
        let sets = real.columnSets(size: k)
        guard !sets.isEmpty else { return 0 }
        let domain = real.domain
        var sum = 0.0
        var start = 0
        while start < sets.count {
            var end = start
            var cells = 0
            while end < sets.count {
                let setCells = sets[end].reduce(1) { $0 * domain[$1] }
                if end > start && cells + setCells > batchCells { break }
                cells += setCells
                end += 1
            }
            let batch = Array(sets[start..<end])
            sum += zip(real.marginals(batch), synthetic.marginals(batch)).map { totalVariation($0, $1) }.reduce(0, +)
            start = end
        }
        return sum / Double(sets.count)
    }
}
