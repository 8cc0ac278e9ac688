import Foundation

/// A factor's exponentials grouped by the cells of a subset of its attributes, kept for reuse:
/// every cell's exp(value − m), where m is the largest value of the cell's group within the
/// cell's part (a large factor is split over the cores, `ParallelCells`), with those maxima and
/// each part's sum per group. `logSums` is log Σ exp(values) per group; `rescale` turns the kept
/// exponentials into exp(value + shift[group]) for any per-group shift with one multiplication
/// per cell, in place, so belief propagation exponentiates a clique once, not once up the tree
/// and again down, and holds one table per clique, not two.
struct GroupedExponentials {
    let projection: BlockProjection
    let parts: Int
    let groups: Int
    /// exp(value − the part's group maximum), one per cell; after `rescale`, the rescaled values.
    private(set) var shifted: [Double]
    /// The largest value of each group in each part (parts × groups; −infinity when empty).
    let maxima: [Double]
    /// Σ shifted over each group in each part (parts × groups).
    let sums: [Double]
    let subset: [Int]

    /// The exponentials are written over the factor's own values when the caller hands over a
    /// factor whose table nothing else holds (belief propagation's beliefs), so one table per
    /// clique is held, not two; each cell's result reads only its own value and its group's
    /// maximum, found first.
    init(_ factor: consuming Factor, to subset: [Int], projection cached: BlockProjection? = nil) {
        let projection = cached ?? BlockProjection(from: factor.attributes, shape: factor.shape, to: subset)
        let groups = projection.targetSize
        var shifted = factor.values
        factor.values = []
        let parts = ParallelCells.parts(for: shifted.count, partial: 2 * groups)
        var maxima = [Double](repeating: -.infinity, count: parts * groups)
        var sums = [Double](repeating: 0, count: parts * groups)
        let run = projection.run
        shifted.withUnsafeMutableBufferPointer { shifted in
            nonisolated(unsafe) let shifted = shifted
            maxima.withUnsafeMutableBufferPointer { maximaBuffer in
                sums.withUnsafeMutableBufferPointer { sumsBuffer in
                    nonisolated(unsafe) let (maximaBuffer, sumsBuffer) = (maximaBuffer, sumsBuffer)
                    ParallelCells.run(parts: parts, count: projection.blocks) { part, blocks in
                        let maxima = maximaBuffer.baseAddress! + part * groups
                        let sums = sumsBuffer.baseAddress! + part * groups
                        projection.forEach(blocks) { cell, start in
                            let (row, slot) = (UnsafePointer(shifted.baseAddress! + cell), maxima + start)
                            if projection.runKept {
                                for offset in 0..<run { slot[offset] = Swift.max(slot[offset], row[offset]) }
                            } else {
                                let block = UnsafeBufferPointer(start: row, count: run)
                                slot[0] = Swift.max(slot[0], FastExponential.maximum(block))
                            }
                        }
                        // A group whose maximum is −infinity has only −infinity cells: its sum stays 0.
                        projection.forEach(blocks) { cell, start in
                            let (out, slot) = (shifted.baseAddress! + cell, maxima + start)
                            for offset in 0..<run {
                                let maximum = slot[projection.runKept ? offset : 0]
                                out[offset] = maximum == -.infinity ? -.infinity : out[offset] - maximum
                            }
                        }
                        let range = UnsafeMutableBufferPointer(rebasing: shifted[projection.cells(blocks)])
                        FastExponential.exp(UnsafeBufferPointer(range), minus: 0, into: range)
                        projection.sum(UnsafePointer(shifted.baseAddress!), blocks: blocks, into: sums)
                    }
                }
            }
        }
        (self.projection, self.parts, self.groups, self.subset) = (projection, parts, groups, subset)
        (self.shifted, self.maxima, self.sums) = (shifted, maxima, sums)
    }

    /// log Σ exp(values) per group of `subset`.
    var logSums: Factor {
        var result = [Double](repeating: -.infinity, count: groups)
        for group in 0..<groups {
            var maximum = -Double.infinity
            for part in 0..<parts { maximum = max(maximum, maxima[part * groups + group]) }
            guard maximum > -.infinity else { continue }
            var sum = 0.0
            for part in 0..<parts {
                let partMaximum = maxima[part * groups + group]
                if partMaximum > -.infinity { sum += sums[part * groups + group] * exp(partMaximum - maximum) }
            }
            result[group] = maximum + log(sum)
        }
        return Factor(attributes: subset, shape: projection.targetShape, values: result)
    }

    /// Replaces the kept exponentials with exp(value + shift[group]) for every cell, scaled so the
    /// cells sum to `total` (all zeros when every cell is −infinity); read them from `shifted`.
    /// Done once: the kept values are gone afterwards.
    mutating func rescale(by shift: [Double], total: Double) {
        // Per part and group, exp(maximum + shift − the largest of them): at most 1, and 0 where
        // the group is empty in the part.
        var largest = -Double.infinity
        for part in 0..<parts {
            for group in 0..<groups where maxima[part * groups + group] > -.infinity {
                largest = max(largest, maxima[part * groups + group] + shift[group])
            }
        }
        var weights = [Double](repeating: 0, count: parts * groups)
        var sum = 0.0
        if largest > -.infinity {
            for part in 0..<parts {
                for group in 0..<groups where maxima[part * groups + group] > -.infinity {
                    let weight = exp(maxima[part * groups + group] + shift[group] - largest)
                    guard weight.isFinite else { continue }
                    weights[part * groups + group] = weight
                    sum += weight * sums[part * groups + group]
                }
            }
        }
        let scale = sum > 0 ? total / sum : 0
        for index in weights.indices { weights[index] *= scale }
        let (groups, parts, projection) = (groups, parts, projection)
        shifted.withUnsafeMutableBufferPointer { values in
            nonisolated(unsafe) let values = values
            weights.withUnsafeBufferPointer { weights in
                ParallelCells.run(parts: parts, count: projection.blocks) { part, blocks in
                    let weights = weights.baseAddress! + part * groups
                    let run = projection.run
                    projection.forEach(blocks) { cell, start in
                        let (row, factors) = (values.baseAddress! + cell, weights + start)
                        if projection.runKept {
                            for offset in 0..<run { row[offset] *= factors[offset] }
                        } else {
                            let weight = factors[0]
                            for offset in 0..<run { row[offset] *= weight }
                        }
                    }
                }
            }
        }
    }
}
