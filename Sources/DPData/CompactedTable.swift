/// A table whose cells are mostly empty keeps its nonzero cells only: 8 bytes a nonzero cell
/// against 4 bytes a cell, so it is kept so when fewer than half its cells are nonzero. Counts
/// counted in a database arrive as nonzero cells, and most cells of a 3-way table over wide
/// columns are empty, so a method holding every candidate's counts (AIM) holds a fraction of
/// their cells.
///
/// Privacy: the same exact counts, held differently.
extension ContingencyTable {
    /// Whether a table of `cells` cells with `nonzero` nonzero cells is smaller kept sparse;
    /// cell numbers are 32-bit, so larger tables stay dense.
    static func keepsSparse(cells: Int, nonzero: Int) -> Bool {
        2 * nonzero < cells && cells <= Int(UInt32.max)
    }

    /// The table kept in its smaller form; counts and answers are unchanged.
    public func compacted() -> ContingencyTable {
        guard case .dense(let counts) = storage else { return self }
        let nonzero = counts.reduce(0) { $1 == 0 ? $0 : $0 + 1 }
        guard Self.keepsSparse(cells: counts.count, nonzero: nonzero) else { return self }
        var cells: [UInt32] = []
        var values: [UInt32] = []
        cells.reserveCapacity(nonzero)
        values.reserveCapacity(nonzero)
        forEachNonzero { cell, count in
            cells.append(UInt32(cell))
            values.append(count)
        }
        return ContingencyTable(
            attributes: attributes, shape: shape,
            storage: .sparse(cells: cells, counts: values, cellCount: counts.count))
    }

    /// A table from its nonzero cells (any order; a cell given twice has its counts added) and
    /// their counts, kept in the smaller form.
    public init(attributes: [Int], shape: [Int], nonzeroCells: [Int], counts: [UInt32]) {
        precondition(nonzeroCells.count == counts.count, "one count per nonzero cell")
        let cellCount = shape.reduce(1, *)
        guard Self.keepsSparse(cells: cellCount, nonzero: nonzeroCells.count) else {
            var all = [UInt32](repeating: 0, count: cellCount)
            for (cell, count) in zip(nonzeroCells, counts) { all[cell] &+= count }
            self.init(attributes: attributes, shape: shape, counts: all[...])
            return
        }
        var cells: [UInt32] = []
        var values: [UInt32] = []
        cells.reserveCapacity(nonzeroCells.count)
        values.reserveCapacity(nonzeroCells.count)
        for index in nonzeroCells.indices.sorted(by: { nonzeroCells[$0] < nonzeroCells[$1] }) {
            if let last = cells.last, last == UInt32(nonzeroCells[index]) {
                values[values.count - 1] &+= counts[index]
            } else {
                cells.append(UInt32(nonzeroCells[index]))
                values.append(counts[index])
            }
        }
        self.init(
            attributes: attributes, shape: shape, storage: .sparse(cells: cells, counts: values, cellCount: cellCount))
    }

    /// Where `cell` is among the ascending `cells`, if it is there.
    static func position(of cell: Int, in cells: [UInt32]) -> Int? {
        var low = 0
        var high = cells.count
        while low < high {
            let middle = (low + high) / 2
            if Int(cells[middle]) < cell { low = middle + 1 } else { high = middle }
        }
        return low < cells.count && Int(cells[low]) == cell ? low : nil
    }
}
