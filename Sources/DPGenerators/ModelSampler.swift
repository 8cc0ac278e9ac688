import DPRandomness

/// Draws synthetic rows from a graphical model clique by clique in junction-tree order: the
/// first clique's cells are allotted to rows, then each clique's new attributes are allotted
/// within every group of rows that share its separator's values. Allotting m rows over cells of
/// probability p uses low-variance rounding: floor(m·p) each, and the remaining rows go to cells
/// picked by systematic sampling on the fractional parts (so a cell gets floor or ceil of m·p).
///
/// Post-processing of the model: its randomness affects utility, never privacy.
public enum ModelSampler {
    /// `rows` rows of codes, one array per attribute.
    public static func sample(_ model: CalibratedModel, rows: Int, source: RandomSource) -> [[UInt16]] {
        precondition(rows < 1 << 32, "at most 2^32 - 1 rows in one draw")
        let tree = model.tree
        let domain = tree.domain
        var codes = [[UInt16]](repeating: [UInt16](repeating: 0, count: rows), count: domain.count)
        guard rows > 0 else { return codes }
        let marginals = model.marginals
        for clique in tree.order {
            let attributes = tree.cliques[clique]
            let shape = attributes.map { domain[$0] }
            let separator = tree.separator(clique)
            let separatorPositions = separator.map { attributes.firstIndex(of: $0)! }
            let newPositions = attributes.indices.filter { !separatorPositions.contains($0) }
            let weights = marginals[clique].values
            // Group the rows by the separator cell their assigned values fall in: each row's cell,
            // then the rows in ascending order within each group (a counting sort).
            let separatorShape = separator.map { domain[$0] }
            let groupCount = separatorShape.reduce(1, *)
            // Rows and cells fit in 32 bits (at most `FitRequest.largestRowCount` rows, and a
            // separator has fewer cells than its clique), which halves this scratch.
            var rowCells = [UInt32](repeating: 0, count: rows)
            for (position, attribute) in separator.enumerated() {
                let size = UInt32(separatorShape[position])
                codes[attribute].withUnsafeBufferPointer { column in
                    for row in 0..<rows { rowCells[row] = rowCells[row] &* size &+ UInt32(column[row]) }
                }
            }
            var groupStarts = [Int](repeating: 0, count: groupCount + 1)
            for cell in rowCells { groupStarts[Int(cell) + 1] += 1 }
            for group in 0..<groupCount { groupStarts[group + 1] += groupStarts[group] }
            var members = [UInt32](repeating: 0, count: rows)
            var filled = groupStarts
            for row in 0..<rows {
                let cell = Int(rowCells[row])
                members[filled[cell]] = UInt32(row)
                filled[cell] += 1
            }
            var strides = [Int](repeating: 1, count: shape.count)
            for position in stride(from: shape.count - 2, through: 0, by: -1) {
                strides[position] = strides[position + 1] * shape[position + 1]
            }
            // A separator cell's clique cells are its first cell plus each combination of the new
            // attributes' codes; enumerated with the first new attribute slowest, they ascend.
            var newOffsets = [0]
            for position in newPositions {
                newOffsets = newOffsets.flatMap { offset in
                    (0..<shape[position]).map { offset + $0 * strides[position] }
                }
            }
            func firstCell(_ group: Int) -> Int {
                var rest = group
                var cell = 0
                for slot in separator.indices.reversed() {
                    cell += (rest % separatorShape[slot]) * strides[separatorPositions[slot]]
                    rest /= separatorShape[slot]
                }
                return cell
            }
            for group in 0..<groupCount where groupStarts[group + 1] > groupStarts[group] {
                let first = firstCell(group)
                let range = groupStarts[group]..<groupStarts[group + 1]
                let allotment = weights.withUnsafeBufferPointer { weights in
                    allot(range.count, cells: newOffsets.count, source: source) {
                        max(0, weights[first + newOffsets[$0]])
                    }
                }
                members.withUnsafeMutableBufferPointer { members in
                    shuffle(UnsafeMutableBufferPointer(rebasing: members[range]), source: source)
                }
                for position in newPositions {
                    let (stride, size) = (strides[position], shape[position])
                    codes[attributes[position]].withUnsafeMutableBufferPointer { column in
                        var next = range.lowerBound
                        for (slot, count) in allotment {
                            let value = UInt16(((first + newOffsets[slot]) / stride) % size)
                            for _ in 0..<count {
                                column[Int(members[next])] = value
                                next += 1
                            }
                        }
                    }
                }
            }
        }
        return codes
    }

    /// Splits `count` items over `cells` cells in proportion to `weight(cell)` (nonnegative; all
    /// zero means equal) with low-variance rounding: each cell gets floor(count·p), and the rest go
    /// to cells picked by systematic sampling on the fractional parts. Returns the cells given
    /// items, ascending, and how many each; the weights are read in passes rather than kept, so a
    /// group of many cells and few rows takes memory for the rows only.
    static func allot(_ count: Int, cells: Int, source: RandomSource, weight: (Int) -> Double) -> [(
        slot: Int, count: Int
    )] {
        var total = 0.0
        for cell in 0..<cells { total += weight(cell) }
        guard total > 0 else { return allot(count, cells: cells, source: source) { _ in 1 } }
        func share(_ cell: Int) -> (exact: Double, floor: Int) {
            // Count times a weight overflows a double only for a hostile model's weights: then the
            // weight's share first, which cannot.
            let product = Double(count) * weight(cell)
            let exact = product.isFinite ? product / total : min(Double(count), Double(count) * (weight(cell) / total))
            return (exact, Int(exact.rounded(.down)))
        }
        var floors = 0
        var fractionTotal = 0.0
        for cell in 0..<cells {
            let (exact, floor) = share(cell)
            floors += floor
            fractionTotal += exact - Double(floor)
        }
        let remainder = count - floors
        var result: [(slot: Int, count: Int)] = []
        guard remainder > 0 else {
            for cell in 0..<cells {
                let floor = share(cell).floor
                if floor > 0 { result.append((cell, floor)) }
            }
            return result
        }
        // Systematic sampling: `remainder` evenly spaced points with one uniform offset.
        let spacing = fractionTotal / Double(remainder)
        var point = uniform(source) * spacing
        var cumulative = 0.0
        var picked = 0
        for cell in 0..<cells {
            let (exact, floor) = share(cell)
            var items = floor
            if picked < remainder {
                cumulative += exact - Double(floor)
                while picked < remainder && point < cumulative {
                    items += 1
                    picked += 1
                    point += spacing
                }
            }
            if items > 0 { result.append((cell, items)) }
        }
        guard picked < remainder else { return result }
        // Rounding at the very end of the cumulative sum: give any rest to the largest fractions.
        var items = [Int](repeating: 0, count: cells)
        for (slot, count) in result { items[slot] = count }
        let fractions = (0..<cells).map { share($0).exact - Double(share($0).floor) }
        for cell in fractions.indices.sorted(by: { fractions[$0] > fractions[$1] }).prefix(remainder - picked) {
            items[cell] += 1
        }
        return items.indices.filter { items[$0] > 0 }.map { ($0, items[$0]) }
    }

    static func uniform(_ source: RandomSource) -> Double {
        Double(source.nextUInt64() >> 11) * 0x1p-53
    }

    static func shuffle(_ items: UnsafeMutableBufferPointer<UInt32>, source: RandomSource) {
        guard items.count > 1 else { return }
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(index, Int(source.uniform(below: UInt64(index + 1))))
        }
    }
}
