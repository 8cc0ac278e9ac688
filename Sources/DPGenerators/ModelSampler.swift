import DPRandomness

/// Draws synthetic rows from a graphical model clique by clique in junction-tree order: the
/// first clique's cells are allotted to rows, then each clique's new attributes are allotted
/// within every group of rows that share its separator's values. Allotting m rows over cells of
/// probability p uses low-variance rounding: floor(m·p) each, and the remaining rows go to cells
/// picked by systematic sampling on the fractional parts (so a cell gets floor or ceil of m·p).
///
/// Post-processing of the model: its randomness affects utility, never privacy.
public enum ModelSampler {
    /// `rows` rows of codes, one array per attribute. `cliqueMarginals`, when the caller holds
    /// them, are `model.cliqueMarginals()`, which is then not computed a second time.
    public static func sample(
        _ model: GraphicalModel, rows: Int, source: RandomSource, cliqueMarginals: [Factor]? = nil
    ) -> [[UInt16]] {
        let tree = model.tree
        let domain = tree.domain
        var codes = [[UInt16]](repeating: [UInt16](repeating: 0, count: rows), count: domain.count)
        guard rows > 0 else { return codes }
        let marginals = cliqueMarginals ?? model.cliqueMarginals()
        for clique in tree.order {
            let attributes = tree.cliques[clique]
            let shape = attributes.map { domain[$0] }
            let separator = tree.separator(clique)
            let separatorPositions = separator.map { attributes.firstIndex(of: $0)! }
            let newPositions = attributes.indices.filter { !separatorPositions.contains($0) }
            let separatorIndex = Projection(from: attributes, shape: shape, to: separator)
            let weights = marginals[clique].values
            // Group the rows by the separator cell their assigned values fall in: each row's cell,
            // then the rows in ascending order within each group (a counting sort).
            let separatorShape = separator.map { domain[$0] }
            let groupCount = separatorShape.reduce(1, *)
            var rowCells = [Int](repeating: 0, count: rows)
            for (position, attribute) in separator.enumerated() {
                let size = separatorShape[position]
                codes[attribute].withUnsafeBufferPointer { column in
                    for row in 0..<rows { rowCells[row] = rowCells[row] &* size &+ Int(column[row]) }
                }
            }
            var groupStarts = [Int](repeating: 0, count: groupCount + 1)
            for cell in rowCells { groupStarts[cell + 1] += 1 }
            for group in 0..<groupCount { groupStarts[group + 1] += groupStarts[group] }
            var members = [Int](repeating: 0, count: rows)
            var filled = groupStarts
            for row in 0..<rows {
                members[filled[rowCells[row]]] = row
                filled[rowCells[row]] += 1
            }
            // The clique cells of each separator cell in ascending order, grouped by a counting
            // sort: group g's cells are groupCells[cellStarts[g]..<cellStarts[g + 1]].
            var cellStarts = [Int](repeating: 0, count: groupCount + 1)
            var groupCells = [UInt32](repeating: 0, count: weights.count)
            separatorIndex.index.withUnsafeBufferPointer { index in
                for cell in 0..<weights.count { cellStarts[Int(index[cell]) + 1] += 1 }
                for group in 0..<groupCount { cellStarts[group + 1] += cellStarts[group] }
                var next = cellStarts
                for cell in 0..<weights.count {
                    let group = Int(index[cell])
                    groupCells[next[group]] = UInt32(cell)
                    next[group] += 1
                }
            }
            var strides = [Int](repeating: 1, count: shape.count)
            for position in stride(from: shape.count - 2, through: 0, by: -1) {
                strides[position] = strides[position + 1] * shape[position + 1]
            }
            for group in 0..<groupCount where groupStarts[group + 1] > groupStarts[group] {
                let cells = groupCells[cellStarts[group]..<cellStarts[group + 1]].map(Int.init)
                var groupWeights = cells.map { max(0, weights[$0]) }
                if groupWeights.reduce(0, +) <= 0 { groupWeights = [Double](repeating: 1, count: cells.count) }
                let range = groupStarts[group]..<groupStarts[group + 1]
                let allotment = allot(range.count, weights: groupWeights, source: source)
                members.withUnsafeMutableBufferPointer { members in
                    shuffle(UnsafeMutableBufferPointer(rebasing: members[range]), source: source)
                }
                for position in newPositions {
                    let (stride, size) = (strides[position], shape[position])
                    codes[attributes[position]].withUnsafeMutableBufferPointer { column in
                        var next = range.lowerBound
                        for (slot, count) in allotment.enumerated() where count > 0 {
                            let value = UInt16((cells[slot] / stride) % size)
                            for _ in 0..<count {
                                column[members[next]] = value
                                next += 1
                            }
                        }
                    }
                }
            }
        }
        return codes
    }

    /// Splits `count` items over cells in proportion to `weights` with low-variance rounding.
    static func allot(_ count: Int, weights: [Double], source: RandomSource) -> [Int] {
        let total = weights.reduce(0, +)
        var result = weights.map { Int((Double(count) * $0 / total).rounded(.down)) }
        let remainder = count - result.reduce(0, +)
        guard remainder > 0 else { return result }
        let fractions = weights.enumerated().map { Double(count) * $0.element / total - Double(result[$0.offset]) }
        let fractionTotal = fractions.reduce(0, +)
        // Systematic sampling: `remainder` evenly spaced points with one uniform offset.
        let spacing = fractionTotal / Double(remainder)
        var point = uniform(source) * spacing
        var cumulative = 0.0
        var picked = 0
        for (cell, fraction) in fractions.enumerated() where picked < remainder {
            cumulative += fraction
            while picked < remainder && point < cumulative {
                result[cell] += 1
                picked += 1
                point += spacing
            }
        }
        // Rounding at the very end of the cumulative sum: give any rest to the largest fractions.
        if picked < remainder {
            for cell in fractions.indices.sorted(by: { fractions[$0] > fractions[$1] }).prefix(remainder - picked) {
                result[cell] += 1
            }
        }
        return result
    }

    static func uniform(_ source: RandomSource) -> Double {
        Double(source.nextUInt64() >> 11) * 0x1p-53
    }

    static func shuffle(_ items: UnsafeMutableBufferPointer<Int>, source: RandomSource) {
        guard items.count > 1 else { return }
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(index, Int(source.uniform(below: UInt64(index + 1))))
        }
    }
}
