import DPRandomness
import Foundation

/// A fully connected layer z = x W + b with weights W (inputs x outputs) and bias b, optionally
/// layer-normalised, then the activation.
public struct DenseLayer: Sendable, Codable {
    public var weights: Matrix
    public var bias: [Float]
    public var activation: Activation
    /// Layer normalisation between z and the activation, with its own gain and shift.
    public var normalization: LayerNormalization?

    public var inputs: Int { weights.rows }
    public var outputs: Int { weights.columns }
    public var parameterCount: Int { weights.values.count + bias.count + (normalization == nil ? 0 : 2 * outputs) }

    /// He (ReLU family) or Glorot (otherwise) uniform initialisation from `source`.
    public init(inputs: Int, outputs: Int, activation: Activation, normalized: Bool = false, source: RandomSource) {
        let fanIn = Float(inputs)
        let fanOut = Float(outputs)
        let limit =
            activation == .relu || activation == .leakyRelu
            ? (6 / fanIn).squareRoot() : (6 / (fanIn + fanOut)).squareRoot()
        weights = Matrix(
            rows: inputs, columns: outputs,
            values: (0..<(inputs * outputs)).map { _ in
                (Float(source.nextUInt64() >> 40) * 0x1p-24 * 2 - 1) * limit
            })
        bias = [Float](repeating: 0, count: outputs)
        self.activation = activation
        normalization = normalized ? LayerNormalization(width: outputs) : nil
    }

    /// The activation's input y (z = x W + b, layer-normalised if the layer is), the activation
    /// a = f(y), and the normalisation's cache. Each row is computed from its own row of x alone
    /// (`RowwiseProduct`), so one example's values never depend on the rest of its batch.
    func forward(_ x: Matrix) -> (z: Matrix, a: Matrix, normalization: LayerNormalization.Cache?) {
        var z = RowwiseProduct.multiply(x, weights)
        for row in 0..<z.rows {
            for column in 0..<outputs { z.values[row * outputs + column] += bias[column] }
        }
        guard let normalization else { return (z, activation.apply(z), nil) }
        let (y, cache) = normalization.forward(z)
        return (y, activation.apply(y), cache)
    }

    /// The gradient with respect to the layer's input, from the gradient at its pre-activation,
    /// row by row like `forward`.
    func inputGradient(_ dz: Matrix) -> Matrix {
        RowwiseProduct.multiply(dz, transposed: weights)
    }
}
