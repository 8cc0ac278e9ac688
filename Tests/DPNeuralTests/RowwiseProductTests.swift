import DPRandomness
import Foundation
import Testing

@testable import DPNeural

/// DP-SGD's sensitivity needs every example's gradient to be the same bits whatever else is in
/// its batch (Proofs/dp-sgd.md); a BLAS product changes a row's last bits with the batch's size.
@Suite struct RowwiseProductTests {
    static func bits(_ matrix: Matrix, row: Int) -> [UInt32] {
        (0..<matrix.columns).map { matrix[row, $0].bitPattern }
    }

    /// Shapes with every path of the kernel: 32-column blocks, 8-column blocks and single columns.
    @Test(arguments: [(107, 256), (256, 107), (64, 2), (5, 41)])
    func eachRowIsTheSameBitsWhateverTheBatch(inner: Int, columns: Int) {
        let source = RandomSource.seeded(11)
        let a = GradientTests.randomMatrix(70, inner, source: source)
        let b = GradientTests.randomMatrix(inner, columns, source: source)
        let whole = RowwiseProduct.multiply(a, b)
        for rows in [1, 2, 3, 7, 8, 16, 31, 33, 64, 69] {
            let part = RowwiseProduct.multiply(a.rows(Array(0..<rows)), b)
            for row in 0..<rows { #expect(Self.bits(part, row: row) == Self.bits(whole, row: row)) }
        }
        // Another row added in front moves every row by one place.
        let shifted = RowwiseProduct.multiply(a.rows([69] + Array(0..<69)), b)
        for row in 0..<69 { #expect(Self.bits(shifted, row: row + 1) == Self.bits(whole, row: row)) }
        // And the product is the product: within Float rounding of a Double sum.
        for row in [0, 35, 69] {
            for column in [0, columns / 2, columns - 1] {
                var exact = 0.0
                var size = 0.0
                for k in 0..<inner {
                    exact += Double(a[row, k]) * Double(b[k, column])
                    size += abs(Double(a[row, k]) * Double(b[k, column]))
                }
                #expect(abs(Double(whole[row, column]) - exact) <= Double(inner) * 0x1p-23 * size)
            }
        }
        let transposed = RowwiseProduct.multiply(a, transposed: Matrix(transposing: b))
        #expect(transposed.values.map(\.bitPattern) == whole.values.map(\.bitPattern))
    }

    /// The forward and backward passes: an example's trace rows (layer inputs and pre-activation
    /// gradients) are the same bits alone, in a small batch and in a larger one.
    @Test(arguments: [false, true])
    func anExamplesTraceIsTheSameBitsWhateverElseIsInItsBatch(normalized: Bool) {
        let source = RandomSource.seeded(12)
        let network = MultilayerPerceptron(
            widths: [107, 64, 48, 2], hidden: .relu, normalized: normalized, dropout: nil, source: source)
        let model = ClassifierModel(
            network: network, inputs: GradientTests.randomMatrix(300, 107, source: source),
            labels: (0..<300).map { _ in Int(source.uniform(below: 2)) })
        let alone = model.traces([5], source: .seeded(1)).traces
        for batch in [[5, 9], [1, 2, 3, 5], Array(0..<300).filter { $0 % 3 == 2 }, Array(0..<257)] {
            let row = batch.firstIndex(of: 5)!
            let traces = model.traces(batch, source: .seeded(1)).traces
            for (own, shared) in zip(alone, traces) {
                #expect(Self.bits(own.input, row: 0) == Self.bits(shared.input, row: row))
                #expect(
                    Self.bits(own.preActivationGradient, row: 0) == Self.bits(shared.preActivationGradient, row: row))
            }
        }
    }
}

extension Matrix {
    /// The transpose, for tests.
    init(transposing matrix: Matrix) {
        self.init(zeros: matrix.columns, matrix.rows)
        for row in 0..<matrix.rows {
            for column in 0..<matrix.columns { self[column, row] = matrix[row, column] }
        }
    }
}
