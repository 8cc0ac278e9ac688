import DPData

/// Association between pairs of columns (Cramér's V on the contingency table, which treats every
/// column as categorical) in the real and synthetic tables.
///
/// Audit figure: computed on real data, not differentially private.
public enum AssociationFidelity {
    /// Cramér's V of a two-way table: sqrt(chi^2 / (n (min(r, c) - 1))) over the observed levels.
    public static func cramersV(_ table: ContingencyTable) -> Double {
        precondition(table.shape.count == 2, "a two-way table")
        let rows = table.shape[0]
        let columns = table.shape[1]
        let n = Double(table.total)
        guard n > 0 else { return 0 }
        var rowSums = [Double](repeating: 0, count: rows)
        var columnSums = [Double](repeating: 0, count: columns)
        for r in 0..<rows {
            for c in 0..<columns {
                let v = Double(table[r * columns + c])
                rowSums[r] += v
                columnSums[c] += v
            }
        }
        let observedRows = rowSums.filter { $0 > 0 }.count
        let observedColumns = columnSums.filter { $0 > 0 }.count
        guard min(observedRows, observedColumns) > 1 else { return 0 }
        var chiSquare = 0.0
        for r in 0..<rows where rowSums[r] > 0 {
            for c in 0..<columns where columnSums[c] > 0 {
                let expected = rowSums[r] * columnSums[c] / n
                let difference = Double(table[r * columns + c]) - expected
                chiSquare += difference * difference / expected
            }
        }
        return (chiSquare / (n * Double(min(observedRows, observedColumns) - 1))).squareRoot()
    }

    /// Cramér's V of every column pair: matrix[i][j] for encoded columns i and j (1 on the diagonal).
    public static func matrix(_ data: EncodedDataset) -> [[Double]] {
        let count = data.columns.count
        let pairs = data.columnSets(size: 2)
        let tables = data.marginals(pairs)
        var result = (0..<count).map { i in (0..<count).map { $0 == i ? 1.0 : 0.0 } }
        for (pair, table) in zip(pairs, tables) {
            let v = cramersV(table)
            result[pair[0]][pair[1]] = v
            result[pair[1]][pair[0]] = v
        }
        return result
    }
}
