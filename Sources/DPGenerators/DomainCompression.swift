import DPData
import DPRandomness

/// MST's domain compression: after the one-way marginals are measured, the categories whose
/// noisy count is below 3σ are merged into one code, so pairs are measured over smaller tables.
/// The merge depends only on DP outputs (post-processing); synthetic rows with a merged code get
/// one of its categories uniformly at random.
struct DomainCompression: Sendable {
    /// For each attribute, the new code of each original code.
    let mapping: [[Int]]
    /// For each attribute, the original codes merged into its last code (empty if none).
    let merged: [[Int]]
    let domain: [Int]

    init(mapping: [[Int]], merged: [[Int]], domain: [Int]) {
        self.mapping = mapping
        self.merged = merged
        self.domain = domain
    }

    init(oneWay: [NoisyMarginal]) {
        var mapping: [[Int]] = []
        var merged: [[Int]] = []
        var domain: [Int] = []
        for marginal in oneWay {
            let supported = marginal.values.map { $0 >= 3 * marginal.sigma }
            let unsupported = supported.indices.filter { !supported[$0] }
            if unsupported.count < 2 {
                mapping.append(Array(marginal.values.indices))
                merged.append([])
                domain.append(marginal.values.count)
                continue
            }
            var codes = [Int](repeating: 0, count: marginal.values.count)
            var next = 0
            for index in supported.indices where supported[index] {
                codes[index] = next
                next += 1
            }
            for index in unsupported { codes[index] = next }
            mapping.append(codes)
            merged.append(unsupported)
            domain.append(next + 1)
        }
        self.mapping = mapping
        self.merged = merged
        self.domain = domain
    }

    /// The one-way measurements in the compressed domain: a merged cell is the sum of its noisy
    /// counts, with standard deviation σ·sqrt(k).
    func compress(_ oneWay: [NoisyMarginal]) -> [NoisyMarginal] {
        zip(oneWay, merged).map { marginal, merged in
            guard !merged.isEmpty else { return marginal }
            let kept = marginal.values.indices.filter { !merged.contains($0) }
            let values = kept.map { marginal.values[$0] } + [merged.reduce(0) { $0 + marginal.values[$1] }]
            let sigmas =
                [Double](repeating: marginal.sigma, count: kept.count) + [
                    marginal.sigma * Double(merged.count).squareRoot()
                ]
            return NoisyMarginal(
                attributes: marginal.attributes, values: values, sigma: marginal.sigma, cellSigmas: sigmas)
        }
    }

    /// The table in the compressed domain: rows in memory are recoded; any other table's
    /// marginals are counted in the original domain and their cells merged.
    func compress(_ data: any PrivateTable) -> any PrivateTable {
        if let rows = data as? EncodedDataset { return compress(rows) }
        return CompressedTable(original: data, compression: self)
    }

    /// The data recoded into the compressed domain.
    func compress(_ data: EncodedDataset) -> EncodedDataset {
        let schema = Schema(
            name: data.schema.name,
            columns: data.columns.enumerated().map { index, column in
                Column(name: column.name, kind: .coded(levels: domain[index]), missing: .error)
            })
        return EncodedDataset(
            schema: schema,
            codes: data.codes.enumerated().map { index, column in
                let map = mapping[index]
                return column.map { UInt16(map[Int($0)]) }
            })
    }

    /// Compressed codes back to original codes; a merged code becomes one of its categories.
    func decompress(_ codes: [[UInt16]], source: RandomSource) -> [[UInt16]] {
        codes.enumerated().map { index, column in
            let merged = self.merged[index]
            guard !merged.isEmpty else { return column }
            var original = [Int](repeating: 0, count: domain[index] - 1)
            for (code, target) in mapping[index].enumerated() where !merged.contains(code) { original[target] = code }
            let mergedCode = domain[index] - 1
            return column.map { code in
                Int(code) == mergedCode
                    ? UInt16(merged[Int(source.uniform(below: UInt64(merged.count)))])
                    : UInt16(original[Int(code)])
            }
        }
    }
}

/// A private table seen through a domain compression: its marginals are the original table's,
/// with the merged codes' cells added together. Rows are recoded on demand.
struct CompressedTable: PrivateTable {
    let original: any PrivateTable
    let compression: DomainCompression

    var schema: Schema { compressedSchema }
    var columns: [Column] { compressedSchema.columns }
    var domain: [Int] { compression.domain }

    var compressedSchema: Schema {
        Schema(
            name: original.schema.name,
            columns: original.columns.enumerated().map { index, column in
                Column(name: column.name, kind: .coded(levels: compression.domain[index]), missing: .error)
            })
    }

    func marginals(_ attributeSets: [[Int]]) throws -> [ContingencyTable] {
        try original.marginals(attributeSets).map {
            $0.recoded(mapping: compression.mapping, domain: compression.domain)
        }
    }

    func rows() throws -> EncodedDataset { compression.compress(try original.rows()) }

    func forgetCounts() { original.forgetCounts() }
}
