import DPRandomness
import Foundation

/// A fully connected layer y = x W + b with weights W (inputs x outputs) and bias b.
public struct DenseLayer: Sendable, Codable {
    public var weights: Matrix
    public var bias: [Float]
    public var activation: Activation

    public var inputs: Int { weights.rows }
    public var outputs: Int { weights.columns }
    public var parameterCount: Int { weights.values.count + bias.count }

    /// He (ReLU family) or Glorot (otherwise) uniform initialisation from `source`.
    public init(inputs: Int, outputs: Int, activation: Activation, source: RandomSource) {
        let fanIn = Float(inputs), fanOut = Float(outputs)
        let limit = activation == .relu || activation == .leakyRelu ? (6 / fanIn).squareRoot() : (6 / (fanIn + fanOut)).squareRoot()
        weights = Matrix(rows: inputs, columns: outputs, values: (0..<(inputs * outputs)).map { _ in
            (Float(source.nextUInt64() >> 40) * 0x1p-24 * 2 - 1) * limit
        })
        bias = [Float](repeating: 0, count: outputs)
        self.activation = activation
    }

    /// The pre-activation z = x W + b and the activation a = f(z).
    func forward(_ x: Matrix) -> (z: Matrix, a: Matrix) {
        var z = Matrix(zeros: x.rows, outputs)
        BLAS.gemm(x, weights, into: &z)
        for row in 0..<z.rows {
            for column in 0..<outputs { z.values[row * outputs + column] += bias[column] }
        }
        return (z, activation.apply(z))
    }

    /// The gradient with respect to the layer's input, from the gradient at its pre-activation.
    func inputGradient(_ dz: Matrix) -> Matrix {
        var dx = Matrix(zeros: dz.rows, inputs)
        BLAS.gemm(dz, weights, transposeB: true, into: &dx)
        return dx
    }
}
