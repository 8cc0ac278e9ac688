import Foundation

/// Binary logistic regression on a few real-valued features (standardised, L2-penalised,
/// fitted by Newton's method): the shadow-model attack's classifier.
struct DenseLogisticRegression {
    let means: [Double]
    let scales: [Double]
    let weights: [Double]

    static func fit(_ rows: [[Double]], _ labels: [Bool], l2: Double = 1, iterations: Int = 25)
        -> DenseLogisticRegression
    {
        let width = rows.first?.count ?? 0
        let n = Double(max(rows.count, 1))
        let means = (0..<width).map { j in rows.reduce(0) { $0 + $1[j] } / n }
        let scales = (0..<width).map { j -> Double in
            let variance = rows.reduce(0) { $0 + ($1[j] - means[j]) * ($1[j] - means[j]) } / n
            return variance > 1e-12 ? 1 / variance.squareRoot() : 0
        }
        let x = rows.map { row in [1.0] + (0..<width).map { (row[$0] - means[$0]) * scales[$0] } }
        let y = labels.map { $0 ? 1.0 : 0.0 }
        let size = width + 1
        var w = [Double](repeating: 0, count: size)
        for _ in 0..<iterations {
            var gradient = (0..<size).map { $0 == 0 ? 0 : l2 * w[$0] }
            var hessian = (0..<size).map { i in (0..<size).map { j in i == j && i > 0 ? l2 : (i == j ? 1e-6 : 0) } }
            for (row, label) in zip(x, y) {
                let p = 1 / (1 + exp(-zip(row, w).map(*).reduce(0, +)))
                for i in 0..<size {
                    gradient[i] += (p - label) * row[i]
                    for j in 0..<size { hessian[i][j] += p * (1 - p) * row[i] * row[j] }
                }
            }
            let step = solve(hessian, gradient)
            for i in 0..<size { w[i] -= step[i] }
            if step.map(abs).max() ?? 0 < 1e-9 { break }
        }
        return DenseLogisticRegression(means: means, scales: scales, weights: w)
    }

    func score(_ row: [Double]) -> Double {
        weights[0] + row.indices.reduce(0) { $0 + weights[$1 + 1] * (row[$1] - means[$1]) * scales[$1] }
    }

    /// Solves a x = b by Gaussian elimination with partial pivoting (a is small and positive definite).
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double] {
        var m = a
        var v = b
        let n = b.count
        for column in 0..<n {
            let pivot = (column..<n).max { abs(m[$0][column]) < abs(m[$1][column]) }!
            m.swapAt(column, pivot)
            v.swapAt(column, pivot)
            guard abs(m[column][column]) > 1e-300 else { continue }
            for row in (column + 1)..<n {
                let factor = m[row][column] / m[column][column]
                for k in column..<n { m[row][k] -= factor * m[column][k] }
                v[row] -= factor * v[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            let rest = ((row + 1)..<n).reduce(0) { $0 + m[row][$1] * x[$1] }
            x[row] = abs(m[row][row]) > 1e-300 ? (v[row] - rest) / m[row][row] : 0
        }
        return x
    }
}
