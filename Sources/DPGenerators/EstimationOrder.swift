/// The attribute order the estimator works in: ascending domain size (ties by index), so in
/// every clique, separator and measurement table the largest axes vary fastest, and block
/// projections (`BlockProjection`) run along them in long contiguous blocks instead of along a
/// binary column that most cliques share. Attributes are renamed by their place in that order;
/// the estimator renames its inputs on the way in and its model on the way out.
struct EstimationOrder {
    /// The working name of each attribute.
    let label: [Int]
    /// The attribute behind each working name.
    let attribute: [Int]
    let domain: [Int]

    init(domain: [Int]) {
        self.domain = domain
        attribute = domain.indices.sorted { (domain[$0], $0) < (domain[$1], $1) }
        var label = [Int](repeating: 0, count: domain.count)
        for (name, original) in attribute.enumerated() { label[original] = name }
        self.label = label
    }

    var isIdentity: Bool { label.enumerated().allSatisfy { $0.offset == $0.element } }

    /// A measurement in working names, its tables transposed to their sorted order.
    func renamed(_ measurement: NoisyMarginal) -> NoisyMarginal {
        let renamed = measurement.attributes.map { label[$0] }
        let sorted = renamed.sorted()
        let shape = measurement.attributes.map { domain[$0] }
        let transpose = { (values: [Double]) in
            renamed == sorted ? values : Self.transposed(values, from: renamed, shape: shape, to: sorted)
        }
        return NoisyMarginal(
            attributes: sorted, values: transpose(measurement.values), sigma: measurement.sigma,
            cellSigmas: measurement.cellSigmas.map(transpose))
    }

    /// A factor in working names (`toWorking`) or back in original ones, transposed so its
    /// attributes are sorted in the new names.
    func renamed(_ factor: Factor, toWorking: Bool) -> Factor {
        let names = toWorking ? label : attribute
        let renamed = factor.attributes.map { names[$0] }
        let sorted = renamed.sorted()
        let shape = sorted.map { factor.shape[renamed.firstIndex(of: $0)!] }
        let values =
            renamed == sorted
            ? factor.values : Self.transposed(factor.values, from: renamed, shape: factor.shape, to: sorted)
        return Factor(attributes: sorted, shape: shape, values: values)
    }

    /// `values`, a row-major table over `source` (in that order), laid out over `target` (the
    /// same attributes in another order).
    static func transposed(_ values: [Double], from source: [Int], shape: [Int], to target: [Int]) -> [Double] {
        let projection = BlockProjection(from: source, shape: shape, to: target)
        return [Double](unsafeUninitializedCapacity: values.count) { out, initialized in
            values.withUnsafeBufferPointer { values in
                projection.forEach(0..<projection.blocks) { cell, start in
                    for offset in 0..<projection.run { out[start + offset] = values[cell + offset] }
                }
            }
            initialized = values.count
        }
    }
}
