/// What one dense layer saw on a batch: its input x and the loss gradient at its pre-activation
/// dz. Everything per-example clipping needs: the layer's gradient for example i is the outer
/// product x_i dz_i (plus dz_i for the bias), so its squared norm is (|x_i|^2 + 1) |dz_i|^2.
public struct LayerTrace: Sendable {
    public let input: Matrix
    public let preActivationGradient: Matrix
}

import CBLAS

/// Parameter gradients in the shapes of the layers they belong to.
public struct Gradients: Sendable {
    public var weights: [Matrix]
    public var biases: [[Float]]

    /// All entries in layer order (weights then bias per layer), for noise and the optimiser.
    public var flattened: [Float] { zip(weights, biases).flatMap { $0.values + $1 } }

    /// Gradients of the same shapes as `layers`, from a flat vector in the order of `flattened`.
    public init(flat: [Float], shapedLike layers: [DenseLayer]) {
        var offset = 0
        weights = []
        biases = []
        for layer in layers {
            let count = layer.weights.values.count
            weights.append(Matrix(rows: layer.inputs, columns: layer.outputs, values: Array(flat[offset..<(offset + count)])))
            offset += count
            biases.append(Array(flat[offset..<(offset + layer.outputs)]))
            offset += layer.outputs
        }
    }

    init(weights: [Matrix], biases: [[Float]]) {
        self.weights = weights
        self.biases = biases
    }
}

/// Per-example gradient clipping without per-example gradients: the norms factorise layer by
/// layer, and the clipped sum is one matrix product per layer with each example's row scaled.
public enum PerExampleClipping {
    /// The squared L2 norm of each example's whole gradient (all layers, weights and biases).
    /// Valid when each layer is applied once per example, as in the networks here.
    public static func squaredNorms(_ traces: [LayerTrace]) -> [Float] {
        guard let rows = traces.first?.input.rows else { return [] }
        var totals = [Float](repeating: 0, count: rows)
        for trace in traces {
            let inputNorms = trace.input.rowSquaredNorms(), gradientNorms = trace.preActivationGradient.rowSquaredNorms()
            for row in 0..<rows { totals[row] += (inputNorms[row] + 1) * gradientNorms[row] }
        }
        return totals
    }

    /// The factor min(1, C / |g_i|) that brings each example's gradient within norm C; an example
    /// whose norm is not finite gets factor 0 (it contributes nothing).
    public static func factors(squaredNorms: [Float], clip: Float) -> [Float] {
        squaredNorms.map { $0.isFinite ? min(1, clip / max($0.squareRoot(), 1e-30)) : 0 }
    }

    /// Relative slack kept below C so that Float rounding in the factorised norm cannot let a
    /// clipped gradient exceed C (a dot product of n Float terms errs by at most n 2^-24 relative).
    public static let clipSlack = 1e-3

    /// The DP-SGD sum: every example clipped to norm C (1 - clipSlack), accumulated in Double by
    /// one `dgemm` per layer, flattened in `Gradients.flattened` order. Examples with a non-finite
    /// gradient are dropped (factor 0, rows zeroed). The Double accumulation errs by at most
    /// b^2 2^-53 C in L2 for a batch of b examples (Proofs/dp-sgd.md).
    public static func clippedSum(_ traces: [LayerTrace], clip: Double) -> [Double] {
        guard let rows = traces.first?.input.rows else { return [] }
        var squared = [Double](repeating: 0, count: rows)
        for trace in traces {
            let inputColumns = trace.input.columns, gradientColumns = trace.preActivationGradient.columns
            for row in 0..<rows {
                var x = 0.0, g = 0.0
                for column in 0..<inputColumns { let v = Double(trace.input.values[row * inputColumns + column]); x += v * v }
                for column in 0..<gradientColumns {
                    let v = Double(trace.preActivationGradient.values[row * gradientColumns + column]); g += v * v
                }
                squared[row] += (x + 1) * g
            }
        }
        let target = clip * (1 - clipSlack)
        let factors = squared.map { $0.isFinite ? min(1, target / max($0.squareRoot(), 1e-300)) : 0 }
        var flat: [Double] = []
        for trace in traces {
            let inputs = trace.input.columns, outputs = trace.preActivationGradient.columns
            var x = [Double](repeating: 0, count: rows * inputs), dz = [Double](repeating: 0, count: rows * outputs)
            var bias = [Double](repeating: 0, count: outputs)
            for row in 0..<rows where factors[row] > 0 {
                for column in 0..<inputs { x[row * inputs + column] = Double(trace.input.values[row * inputs + column]) }
                for column in 0..<outputs {
                    let value = factors[row] * Double(trace.preActivationGradient.values[row * outputs + column])
                    dz[row * outputs + column] = value
                    bias[column] += value
                }
            }
            var weights = [Double](repeating: 0, count: inputs * outputs)
            BLAS.serialized {
                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(inputs), Int32(outputs), Int32(rows), 1, x, Int32(inputs),
                            dz, Int32(outputs), 0, &weights, Int32(outputs))
            }
            flat += weights
            flat += bias
        }
        return flat
    }

    /// The sum over examples of factor_i times example i's gradient.
    public static func weightedSum(_ traces: [LayerTrace], factors: [Float]) -> Gradients {
        var weights: [Matrix] = [], biases: [[Float]] = []
        for trace in traces {
            var scaled = trace.preActivationGradient
            let width = scaled.columns
            var bias = [Float](repeating: 0, count: width)
            for row in 0..<scaled.rows {
                let factor = factors[row]
                for column in 0..<width {
                    scaled.values[row * width + column] *= factor
                    bias[column] += scaled.values[row * width + column]
                }
            }
            var gradient = Matrix(zeros: trace.input.columns, width)
            BLAS.gemm(trace.input, transposeA: true, scaled, into: &gradient)
            weights.append(gradient)
            biases.append(bias)
        }
        return Gradients(weights: weights, biases: biases)
    }
}
