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

    /// The mean total variation distance over every `k`-column set of the encoded columns.
    public static func meanTotalVariation(_ real: EncodedDataset, _ synthetic: EncodedDataset, way k: Int) -> Double {
        let sets = real.columnSets(size: k)
        guard !sets.isEmpty else { return 0 }
        let realTables = real.marginals(sets)
        let syntheticTables = synthetic.marginals(sets)
        return zip(realTables, syntheticTables).map { totalVariation($0, $1) }.reduce(0, +) / Double(sets.count)
    }
}
