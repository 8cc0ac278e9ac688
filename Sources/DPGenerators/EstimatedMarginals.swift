import DPData
import DPRandomness

/// The model's answers to candidate attribute sets, handed out one at a time so that AIM never
/// holds every candidate's estimate at once: exact for sets inside a clique, otherwise counted
/// in batches on a sample of five times the model's total drawn from the model (post-processing
/// only; the sampling error is small next to the noise the score already subtracts).
struct EstimatedMarginals {
    let model: GraphicalModel
    let marginals: [Factor]
    let source: RandomSource
    private var sample: EncodedDataset?
    static let batch = 48

    init(model: GraphicalModel, marginals: [Factor], source: RandomSource) {
        self.model = model
        self.marginals = marginals
        self.source = source
    }

    /// Calls `body(position, estimate)` for every set, in batches for sets outside the cliques.
    mutating func visit(_ sets: [[Int]], body: (Int, [Double]) -> Void) {
        var outside: [Int] = []
        for (position, set) in sets.enumerated() {
            if let clique = model.tree.clique(containing: set) {
                body(position, marginals[clique].summed(to: set).values)
            } else {
                outside.append(position)
            }
        }
        guard !outside.isEmpty else { return }
        let table = modelSample()
        let scale = model.total / Double(table.rowCount)
        for start in stride(from: 0, to: outside.count, by: Self.batch) {
            let positions = Array(outside[start..<min(outside.count, start + Self.batch)])
            for (position, counts) in zip(positions, table.marginals(positions.map { sets[$0] })) {
                body(position, counts.map { Double($0) * scale })
            }
        }
    }

    /// The estimate of one set (from the same sample as `visit` used).
    mutating func estimate(_ set: [Int]) -> [Double] {
        if let clique = model.tree.clique(containing: set) { return marginals[clique].summed(to: set).values }
        let table = modelSample()
        let scale = model.total / Double(table.rowCount)
        return table.marginal(set).map { Double($0) * scale }
    }

    private mutating func modelSample() -> EncodedDataset {
        if let sample { return sample }
        let rows = Int(min(1_000_000, max(10_000, 5 * model.total)))
        let domain = model.tree.domain
        let schema = Schema(
            name: "model-sample",
            columns: domain.enumerated().map {
                Column(name: "c\($0.offset)", kind: .coded(levels: $0.element), missing: .error)
            })
        let drawn = EncodedDataset(schema: schema, codes: ModelSampler.sample(model, rows: rows, source: source))
        sample = drawn
        return drawn
    }
}
