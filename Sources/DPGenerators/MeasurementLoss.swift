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
    /// For a covering measurement, the projection from its clique (nil when its attributes are
    /// the clique's, in order: the identity), in blocks shared by the clique's covering
    /// measurements, so one pass over the clique serves them all; for a nested one, the
    /// projection from its parent.
    let projections: [BlockProjection?]

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
        var projections = [BlockProjection?](repeating: nil, count: measurements.count)
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
                    projections[position] = BlockProjection(
                        from: measurements[superset].attributes, shape: shape(measurements[superset].attributes),
                        to: measurements[position].attributes)
                } else {
                    covering[clique].append(position)
                }
            }
            covering[clique].sort()
            let projected = covering[clique].filter { measurements[$0].attributes != attributes }
            let runAxes = projected.map {
                BlockProjection.runAxes(from: attributes, shape: shape(attributes), to: measurements[$0].attributes)
            }.min()
            for position in projected {
                projections[position] = BlockProjection(
                    from: attributes, shape: shape(attributes), to: measurements[position].attributes,
                    runAxes: runAxes)
            }
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
                let projection = projections[measurement]!
                projected[measurement].withUnsafeMutableBufferPointer { target in
                    source.withUnsafeBufferPointer { source in
                        projection.sum(source.baseAddress!, blocks: 0..<projection.blocks, into: target.baseAddress!)
                    }
                }
            }
        }
        return projected
    }

    /// The covering measurements `held` of one clique, from its marginal, in one pass over the
    /// clique's blocks (split over the cores for a large clique, each part summing into tables
    /// of its own, merged in part order); a block's sum is shared by every measurement that
    /// sums its axes out.
    private func project(_ marginal: Factor, onto held: [Int], into projected: inout [[Double]]) {
        let terms = held.map { projections[$0]! }
        let offsets = terms.reduce(into: [0]) { $0.append($0.last! + $1.targetSize) }
        let width = offsets.last!
        let kept = terms.map(\.runKept)
        let (run, blocks) = (terms[0].run, terms[0].blocks)
        let parts = ParallelCells.parts(for: marginal.size, partial: width)
        let sums = ParallelCells.Scratch(count: parts * width, filledWith: 0)
        defer { sums.free() }
        BlockProjection.withStarts(of: terms) { starts in
            marginal.values.withUnsafeBufferPointer { values in
                ParallelCells.run(parts: parts, count: blocks) { part, blocks in
                    let base = sums.buffer.baseAddress! + part * width
                    for block in blocks {
                        let row = values.baseAddress! + block &* run
                        var blockSum: Double?
                        for term in 0..<starts.count {
                            let target = base + (offsets[term] &+ Int(starts[term][block]))
                            if kept[term] {
                                BlockProjection.add(row, to: target, count: run)
                            } else {
                                if blockSum == nil { blockSum = BlockProjection.total(row, count: run) }
                                target[0] += blockSum!
                            }
                        }
                    }
                }
            }
        }
        for (term, measurement) in held.enumerated() {
            projected[measurement].withUnsafeMutableBufferPointer { target in
                for part in 0..<parts {
                    let base = part * width + offsets[term]
                    for cell in 0..<target.count { target[cell] += sums.buffer[base + cell] }
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

    /// θ −= step · gradient, in place, one pass over each clique: the nested measurements'
    /// residuals are first folded into their covering ones' (small tables). A step of −step
    /// undoes a step up to rounding, so a rejected trial needs no second copy of θ.
    func step(_ theta: inout [Factor], residuals: [[Double]], size step: Double) {
        for clique in theta.indices where !covering[clique].isEmpty {
            let folded = foldedResiduals(clique, residuals)
            let held = covering[clique]
            let cells = theta[clique].values.count
            theta[clique].values.withUnsafeMutableBufferPointer { values in
                // Each cell is read before it is written, at the same index: in place is safe.
                nonisolated(unsafe) let values = values
                if coversItself(clique) {
                    folded[0].withUnsafeBufferPointer { table in
                        ParallelCells.run(parts: ParallelCells.parts(for: cells), count: cells) { _, range in
                            for cell in range { values[cell] -= step * table[cell] }
                        }
                    }
                } else {
                    self.step(
                        from: UnsafeBufferPointer(values), tables: folded, of: held.map { projections[$0]! },
                        size: step, into: values)
                }
            }
        }
    }

    /// The residual tables of a clique's covering measurements with its nested measurements'
    /// residuals broadcast into them.
    private func foldedResiduals(_ clique: Int, _ residuals: [[Double]]) -> [[Double]] {
        let held = covering[clique]
        var folded = held.map { residuals[$0] }
        for measurement in nested[clique] {
            let term = held.firstIndex(of: parent[measurement]!)!
            let projection = projections[measurement]!
            residuals[measurement].withUnsafeBufferPointer { residual in
                folded[term].withUnsafeMutableBufferPointer { table in
                    projection.broadcast(
                        residual.baseAddress!, scale: 1, blocks: 0..<projection.blocks, onto: table.baseAddress!,
                        into: table.baseAddress!)
                }
            }
        }
        return folded
    }

    /// next = current − step · Σ_t table_t broadcast over the clique, in one pass over its blocks:
    /// the summed-out terms give each block one constant, the kept ones a contiguous run each.
    /// `next` may be `current`: every cell is read before it is written, at the same index.
    private func step(
        from current: UnsafeBufferPointer<Double>, tables: [[Double]], of terms: [BlockProjection], size step: Double,
        into next: UnsafeMutableBufferPointer<Double>
    ) {
        let offsets = tables.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let flat = tables.flatMap { $0 }
        let kept = terms.map(\.runKept)
        let (run, blocks) = (terms[0].run, terms[0].blocks)
        BlockProjection.withStarts(of: terms) { starts in
            flat.withUnsafeBufferPointer { flat in
                ParallelCells.run(parts: ParallelCells.parts(for: current.count), count: blocks) { _, blocks in
                    for block in blocks {
                        let (row, out) = (current.baseAddress! + block &* run, next.baseAddress! + block &* run)
                        var constant = 0.0
                        for term in 0..<starts.count where !kept[term] {
                            constant += flat[offsets[term] &+ Int(starts[term][block])]
                        }
                        for offset in 0..<run { out[offset] = row[offset] - step * constant }
                        for term in 0..<starts.count where kept[term] {
                            let table = flat.baseAddress! + (offsets[term] &+ Int(starts[term][block]))
                            for offset in 0..<run { out[offset] -= step * table[offset] }
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
}
