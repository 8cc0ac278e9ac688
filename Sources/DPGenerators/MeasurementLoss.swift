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
    /// For each clique, the measurements it holds that lie inside no other one it holds: the only
    /// tables read or written over the clique's cells.
    let covering: [[Int]]
    /// For each clique, its other measurements, each summed out of (and its residuals folded
    /// into) the covering measurement `parent`, over the small tables only.
    let nested: [[Int]]
    /// For a nested measurement, the covering one it lies inside; nil for a covering one.
    let parent: [Int?]
    /// For a covering measurement, the index of its cell for every cell of its clique (nil when
    /// its attributes are the clique's, in order: the identity); for a nested one, the index of
    /// its cell for every cell of its parent.
    let projections: [Projection?]

    init(measurements: [NoisyMarginal], tree: JunctionTree) {
        self.measurements = measurements
        weights = measurements.map { measurement in
            measurement.cellSigmas?.map { 1 / ($0 * $0) }
                ?? [Double](repeating: 1 / (measurement.sigma * measurement.sigma), count: measurement.values.count)
        }
        var held = [[Int]](repeating: [], count: tree.cliques.count)
        for (position, measurement) in measurements.enumerated() {
            held[tree.clique(containing: measurement.attributes)!].append(position)
        }
        let shape = { (attributes: [Int]) in attributes.map { tree.domain[$0] } }
        var covering = [[Int]](repeating: [], count: tree.cliques.count)
        var nested = [[Int]](repeating: [], count: tree.cliques.count)
        var parent = [Int?](repeating: nil, count: measurements.count)
        var projections = [Projection?](repeating: nil, count: measurements.count)
        for (clique, positions) in held.enumerated() {
            let attributes = tree.cliques[clique]
            // Sets of more attributes first, so that every set meets the sets that contain it
            // before it (a set measured twice meets its first measurement), and a measurement of
            // the whole clique, when there is one, is its only covering measurement.
            let bySize = positions.sorted {
                (measurements[$0].attributes.count, -$0) > (measurements[$1].attributes.count, -$1)
            }
            for position in bySize {
                let set = Set(measurements[position].attributes)
                let superset = covering[clique].filter { set.isSubset(of: measurements[$0].attributes) }
                    .min { measurements[$0].values.count < measurements[$1].values.count }
                if let superset {
                    parent[position] = superset
                    nested[clique].append(position)
                    projections[position] = Projection(
                        from: measurements[superset].attributes, shape: shape(measurements[superset].attributes),
                        to: measurements[position].attributes)
                } else {
                    covering[clique].append(position)
                    if measurements[position].attributes != attributes {
                        projections[position] = Projection(
                            from: attributes, shape: shape(attributes), to: measurements[position].attributes)
                    }
                }
            }
            covering[clique].sort()
        }
        (self.covering, self.nested, self.parent, self.projections) = (covering, nested, parent, projections)
    }

    /// Whether a clique's one covering measurement is the clique itself, so its table is the
    /// clique's marginal and its residuals the gradient, cell for cell.
    private func coversItself(_ clique: Int) -> Bool {
        covering[clique].count == 1 && projections[covering[clique][0]] == nil
    }

    /// P_m μ for every measurement m: one pass over each clique for its covering measurements
    /// (split over the cores for a large clique, each part summing into tables of its own), then
    /// the nested ones from those.
    func project(_ marginals: [Factor]) -> [[Double]] {
        var projected = measurements.map { [Double](repeating: 0, count: $0.values.count) }
        for (clique, held) in covering.enumerated() where !held.isEmpty {
            if coversItself(clique) {
                projected[held[0]] = marginals[clique].values
            } else {
                project(marginals[clique], onto: held, into: &projected)
            }
            for measurement in nested[clique] {
                let source = projected[parent[measurement]!]
                projected[measurement].withUnsafeMutableBufferPointer { target in
                    projections[measurement]!.index.withUnsafeBufferPointer { index in
                        for cell in source.indices { target[Int(index[cell])] += source[cell] }
                    }
                }
            }
        }
        return projected
    }

    /// The covering measurements `held` of one clique, from its marginal.
    private func project(_ marginal: Factor, onto held: [Int], into projected: inout [[Double]]) {
        let sizes = held.map { measurements[$0].values.count }
        let offsets = sizes.reduce(into: [0]) { $0.append($0.last! + $1) }
        let parts = ParallelCells.parts(for: marginal.size, partial: offsets.last!)
        let sums = ParallelCells.Scratch(count: parts * offsets.last!, filledWith: 0)
        defer { sums.free() }
        withIndexPointers(held) { indices in
            marginal.values.withUnsafeBufferPointer { values in
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

    /// trial = θ − step · gradient, one pass over each clique: the nested measurements'
    /// residuals are first folded into their covering ones' (small tables).
    func step(_ theta: [Factor], residuals: [[Double]], size step: Double, into trial: inout [Factor]) {
        for clique in theta.indices {
            let held = covering[clique]
            var folded = held.map { residuals[$0] }
            for measurement in nested[clique] {
                let term = held.firstIndex(of: parent[measurement]!)!
                let residual = residuals[measurement]
                projections[measurement]!.index.withUnsafeBufferPointer { index in
                    folded[term].withUnsafeMutableBufferPointer { table in
                        for cell in table.indices { table[cell] += residual[Int(index[cell])] }
                    }
                }
            }
            // The tables side by side, at `offsets`.
            let flat = folded.flatMap { $0 }
            let offsets = folded.reduce(into: [0]) { $0.append($0.last! + $1.count) }
            let identity = coversItself(clique)
            withIndexPointers(identity ? [] : held) { indices in
                theta[clique].values.withUnsafeBufferPointer { current in
                    trial[clique].values.withUnsafeMutableBufferPointer { next in
                        flat.withUnsafeBufferPointer { tables in
                            nonisolated(unsafe) let (indices, next) = (indices, next)
                            ParallelCells.run(parts: ParallelCells.parts(for: current.count), cells: current.count) {
                                _, cells in
                                if identity {
                                    for cell in cells { next[cell] = current[cell] - step * tables[cell] }
                                    return
                                }
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
            return projections[first]!.index.withUnsafeBufferPointer {
                nest(remaining.dropFirst(), collected + [$0.baseAddress!])
            }
        }
        return nest(held[...], [])
    }
}
