import DPAccounting
import DPMechanisms
import DPRandomness
import Foundation

/// The conditional vectors of a conditional tabular GAN (CTGAN, Xu et al. 2019): one column
/// chosen uniformly, one of its categories chosen with probability proportional to its
/// frequency (as real rows, which are conditioned on one of their own values, are), given as a
/// one-hot vector over all columns' categories. The frequencies are DP one-way marginals
/// (float-safe discrete Gaussian on the counts, charged with the model).
struct ConditionalVectors: Sendable {
    let table: OneHotTable
    /// Per column, the sampling weights of its categories (the noisy count, at least a small floor).
    let weights: [[Double]]

    /// Noisy one-way counts of `columns` (codes per column) under `mechanism`, whose sensitivity
    /// must be sqrt(number of columns): each row adds one to one cell of every column.
    init(
        table: OneHotTable, codes: [[UInt16]], mechanism: FloatGaussianMechanism, paidBy receipt: ChargeReceipt,
        source: RandomSource
    ) throws {
        self.table = table
        var counts = [Double](repeating: 0, count: table.width)
        for (column, block) in table.blocks.enumerated() {
            for code in codes[column] { counts[block.lowerBound + Int(code)] += 1 }
        }
        let noisy = try mechanism.release(counts, paidBy: receipt, source: source)
        weights = table.blocks.map { block in block.map { max(0, noisy[$0]) + 1e-3 } }
    }

    /// One conditional vector: (column, category) and its one-hot position.
    func draw(source: RandomSource) -> (column: Int, category: Int) {
        let column = Int(source.uniform(below: UInt64(table.blocks.count)))
        let total = weights[column].reduce(0, +)
        var u = Double(source.nextUInt64() >> 11) * 0x1p-53 * total
        for (category, weight) in weights[column].enumerated() {
            if u < weight { return (column, category) }
            u -= weight
        }
        return (column, weights[column].count - 1)
    }
}
