import Foundation

/// The estimator's objective, Σ_m ||P_m μ − y_m||² / (2σ_m²) over the noisy measurements, with
/// each measurement held by the clique that contains it. The gradient with respect to a clique's
/// log-potential is the sum of its measurements' weighted residuals r_m = (P_m μ − y_m) / σ_m²
/// broadcast over the clique; it is kept as those small residual tables, never as a clique-size
/// array, so a step and the line search's decrease each cost one pass or none over a clique.
///
/// Post-processing of noisy measurements only.
struct MeasurementLoss {
    let measurements: [NoisyMarginal]
    /// 1/σ² of every cell of every measurement.
    let weights: [[Double]]
    /// For each clique, the measurements it holds.
    let byClique: [[Int]]
    /// For each measurement, the index of its cell for every cell of its clique.
    let projections: [Projection]

    init(measurements: [NoisyMarginal], tree: JunctionTree) {
        self.measurements = measurements
        weights = measurements.map { measurement in
            measurement.cellSigmas?.map { 1 / ($0 * $0) }
                ?? [Double](repeating: 1 / (measurement.sigma * measurement.sigma), count: measurement.values.count)
        }
        var byClique = [[Int]](repeating: [], count: tree.cliques.count)
        projections = measurements.enumerated().map { position, measurement in
            let clique = tree.clique(containing: measurement.attributes)!
            byClique[clique].append(position)
            let attributes = tree.cliques[clique]
            return Projection(
                from: attributes, shape: attributes.map { tree.domain[$0] }, to: measurement.attributes)
        }
        self.byClique = byClique
    }

    /// P_m μ for every measurement m: one pass over each clique for all its measurements (split
    /// over the cores for a large clique, each part summing into tables of its own).
    func project(_ marginals: [Factor]) -> [[Double]] {
        var projected = measurements.map { [Double](repeating: 0, count: $0.values.count) }
        for (clique, held) in byClique.enumerated() where !held.isEmpty {
            let sizes = held.map { measurements[$0].values.count }
            let offsets = sizes.reduce(into: [0]) { $0.append($0.last! + $1) }
            let parts = ParallelCells.parts(for: marginals[clique].size, partial: offsets.last!)
            let sums = ParallelCells.Scratch(count: parts * offsets.last!, filledWith: 0)
            defer { sums.free() }
            withIndexPointers(held) { indices in
                marginals[clique].values.withUnsafeBufferPointer { values in
                    nonisolated(unsafe) let indices = indices
                    ParallelCells.run(parts: parts, cells: values.count) { part, cells in
                        let base = sums.buffer.baseAddress! + part * offsets.last!
                        for cell in cells {
                            let value = values[cell]
                            for term in 0..<indices.count {
                                base[offsets[term] + Int(indices[term][cell])] += value
                            }
                        }
                    }
                }
            }
            for (term, measurement) in held.enumerated() {
                projected[measurement].withUnsafeMutableBufferPointer { target in
                    for part in 0..<parts {
                        let base = part * offsets.last! + offsets[term]
                        for cell in 0..<sizes[term] { target[cell] += sums.buffer[base + cell] }
                    }
                }
            }
        }
        return projected
    }

    /// The loss at projections `projected`, and the residual tables r_m.
    func evaluate(_ projected: [[Double]]) -> (loss: Double, residuals: [[Double]]) {
        var loss = 0.0
        let residuals = measurements.indices.map { position in
            let (values, weight) = (measurements[position].values, weights[position])
            return [Double](unsafeUninitializedCapacity: values.count) { residual, initialized in
                projected[position].withUnsafeBufferPointer { projected in
                    for cell in 0..<values.count {
                        let difference = projected[cell] - values[cell]
                        loss += 0.5 * weight[cell] * difference * difference
                        residual[cell] = weight[cell] * difference
                    }
                }
                initialized = values.count
            }
        }
        return (loss, residuals)
    }

    /// trial = θ − step · gradient, one pass over each clique.
    func step(_ theta: [Factor], residuals: [[Double]], size step: Double, into trial: inout [Factor]) {
        for clique in theta.indices {
            let held = byClique[clique]
            withIndexPointers(held) { indices in
                theta[clique].values.withUnsafeBufferPointer { current in
                    trial[clique].values.withUnsafeMutableBufferPointer { next in
                        // The clique's residual tables side by side, at `offsets`.
                        let flat = held.flatMap { residuals[$0] }
                        let offsets = held.reduce(into: [0]) { $0.append($0.last! + residuals[$1].count) }
                        flat.withUnsafeBufferPointer { tables in
                            nonisolated(unsafe) let (indices, next) = (indices, next)
                            ParallelCells.run(parts: ParallelCells.parts(for: current.count), cells: current.count) {
                                _, cells in
                                for cell in cells {
                                    var slope = 0.0
                                    for term in 0..<indices.count {
                                        slope += tables[offsets[term] + Int(indices[term][cell])]
                                    }
                                    next[cell] = current[cell] - step * slope
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Σ over cells of gradient · (μ − μ′), which equals Σ_m r_m · (P_m μ − P_m μ′): computed on
    /// the measurement tables.
    static func decrease(residuals: [[Double]], before: [[Double]], after: [[Double]]) -> Double {
        var total = 0.0
        for index in residuals.indices {
            residuals[index].withUnsafeBufferPointer { r in
                before[index].withUnsafeBufferPointer { b in
                    after[index].withUnsafeBufferPointer { a in
                        for cell in 0..<r.count { total += r[cell] * (b[cell] - a[cell]) }
                    }
                }
            }
        }
        return total
    }

    /// Calls `body` with pointers to the projection indices of `held`, valid during the call.
    private func withIndexPointers<Result>(_ held: [Int], _ body: ([UnsafePointer<Int32>]) -> Result) -> Result {
        func nest(_ remaining: ArraySlice<Int>, _ collected: [UnsafePointer<Int32>]) -> Result {
            guard let first = remaining.first else { return body(collected) }
            return projections[first].index.withUnsafeBufferPointer {
                nest(remaining.dropFirst(), collected + [$0.baseAddress!])
            }
        }
        return nest(held[...], [])
    }
}
