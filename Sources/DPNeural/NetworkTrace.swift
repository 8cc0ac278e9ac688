import CBLAS

/// What one dense layer saw on a batch: its input x and the loss gradient at its pre-activation
/// dz. Everything per-example clipping needs: the layer's gradient for example i is the outer
/// product x_i dz_i (plus dz_i for the bias), so its squared norm is (|x_i|^2 + 1) |dz_i|^2.
/// A layer-normalised layer also keeps ẑ and the gradient dy at the normalisation's output:
/// example i's gain gradient is dy_i ⊙ ẑ_i and its shift gradient dy_i.
public struct LayerTrace: Sendable {
    public struct Normalization: Sendable {
        public let normalized: Matrix
        public let outputGradient: Matrix

        /// Each example's gain then shift gradient, one row per example: [dy ⊙ ẑ, dy].
        func perExampleGradients() -> Matrix {
            let width = normalized.columns
            var gradients = Matrix(zeros: normalized.rows, 2 * width)
            for row in 0..<normalized.rows {
                for column in 0..<width {
                    let dy = outputGradient.values[row * width + column]
                    gradients.values[row * 2 * width + column] = dy * normalized.values[row * width + column]
                    gradients.values[row * 2 * width + width + column] = dy
                }
            }
            return gradients
        }
    }

    public let input: Matrix
    public let preActivationGradient: Matrix
    public let normalization: Normalization?

    public init(input: Matrix, preActivationGradient: Matrix, normalization: Normalization? = nil) {
        self.input = input
        self.preActivationGradient = preActivationGradient
        self.normalization = normalization
    }

}

/// Parameter gradients in the shapes of the layers they belong to.
public struct Gradients: Sendable {
    public var weights: [Matrix]
    public var biases: [[Float]]
    /// Gain then shift gradients of each layer-normalised layer (empty for the others).
    public var normalizations: [[Float]]

    /// All entries in layer order (weights, bias, then gain and shift if normalised), for noise
    /// and the optimiser.
    public var flattened: [Float] { weights.indices.flatMap { weights[$0].values + biases[$0] + normalizations[$0] } }

    /// Gradients of the same shapes as `layers`, from a flat vector in the order of `flattened`.
    public init(flat: [Float], shapedLike layers: [DenseLayer]) {
        var offset = 0
        weights = []
        biases = []
        normalizations = []
        for layer in layers {
            let count = layer.weights.values.count
            weights.append(
                Matrix(rows: layer.inputs, columns: layer.outputs, values: Array(flat[offset..<(offset + count)])))
            offset += count
            biases.append(Array(flat[offset..<(offset + layer.outputs)]))
            offset += layer.outputs
            let extra = layer.normalization == nil ? 0 : 2 * layer.outputs
            normalizations.append(Array(flat[offset..<(offset + extra)]))
            offset += extra
        }
    }

    init(weights: [Matrix], biases: [[Float]], normalizations: [[Float]]) {
        self.weights = weights
        self.biases = biases
        self.normalizations = normalizations
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
            let inputNorms = trace.input.rowSquaredNorms()
            let gradientNorms = trace.preActivationGradient.rowSquaredNorms()
            for row in 0..<rows { totals[row] += (inputNorms[row] + 1) * gradientNorms[row] }
            if let gradients = trace.normalization?.perExampleGradients() {
                for (row, norm) in gradients.rowSquaredNorms().enumerated() { totals[row] += norm }
            }
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

    /// The DP-SGD sum: every example clipped to norm C (1 - clipSlack), accumulated in Double,
    /// flattened in `Gradients.flattened` order. Examples with a non-finite gradient are dropped
    /// (factor 0, rows zeroed). The batch is summed in blocks of `sumBlock` examples (one `dgemm`
    /// per layer and block) and the blocks' sums pairwise (`PairwiseSum`), so the accumulation
    /// errs by at most b (sumBlock + 2 log2(b) + 1) 2^-53 C in L2 for a batch of b examples,
    /// whatever b (Proofs/dp-sgd.md).
    public static func clippedSum(_ traces: [LayerTrace], clip: Double) -> [Double] {
        guard let rows = traces.first?.input.rows else { return [] }
        let normalizationGradients = traces.map { $0.normalization?.perExampleGradients() }
        var squared = [Double](repeating: 0, count: rows)
        for (trace, normalization) in zip(traces, normalizationGradients) {
            let inputColumns = trace.input.columns
            let gradientColumns = trace.preActivationGradient.columns
            for row in 0..<rows {
                var x = 0.0
                var g = 0.0
                for column in 0..<inputColumns {
                    let v = Double(trace.input.values[row * inputColumns + column])
                    x += v * v
                }
                for column in 0..<gradientColumns {
                    let v = Double(trace.preActivationGradient.values[row * gradientColumns + column])
                    g += v * v
                }
                squared[row] += (x + 1) * g
            }
            if let normalization {
                for row in 0..<rows {
                    for column in 0..<normalization.columns {
                        let v = Double(normalization.values[row * normalization.columns + column])
                        squared[row] += v * v
                    }
                }
            }
        }
        let target = clip * (1 - clipSlack)
        let factors = squared.map { $0.isFinite ? min(1, target / max($0.squareRoot(), 1e-300)) : 0 }
        var total = PairwiseSum()
        // An empty batch is one empty block: its sum is the zero vector of full length.
        for start in rows == 0 ? [0] : Array(stride(from: 0, to: rows, by: sumBlock)) {
            let block = start..<min(rows, start + sumBlock)
            total.add(clippedSum(traces, normalizationGradients, factors: factors, rows: block))
        }
        return total.total ?? []
    }

    /// The most examples one `dgemm` sums: its error grows with the square of the examples it adds.
    public static let sumBlock = 1024

    /// The clipped sum of the examples in `block` alone.
    static func clippedSum(
        _ traces: [LayerTrace], _ normalizationGradients: [Matrix?], factors: [Double], rows block: Range<Int>
    ) -> [Double] {
        var flat: [Double] = []
        for (trace, normalization) in zip(traces, normalizationGradients) {
            let inputs = trace.input.columns
            let outputs = trace.preActivationGradient.columns
            var x = [Double](repeating: 0, count: block.count * inputs)
            var dz = [Double](repeating: 0, count: block.count * outputs)
            var bias = [Double](repeating: 0, count: outputs)
            for (local, row) in block.enumerated() where factors[row] > 0 {
                for column in 0..<inputs {
                    x[local * inputs + column] = Double(trace.input.values[row * inputs + column])
                }
                for column in 0..<outputs {
                    let value = factors[row] * Double(trace.preActivationGradient.values[row * outputs + column])
                    dz[local * outputs + column] = value
                    bias[column] += value
                }
            }
            var weights = [Double](repeating: 0, count: inputs * outputs)
            BLAS.serialized {
                cblas_dgemm(
                    CblasRowMajor, CblasTrans, CblasNoTrans, Int32(inputs), Int32(outputs), Int32(block.count), 1, x,
                    Int32(inputs),
                    dz, Int32(outputs), 0, &weights, Int32(outputs))
            }
            flat += weights
            flat += bias
            if let normalization {
                var sum = [Double](repeating: 0, count: normalization.columns)
                for row in block where factors[row] > 0 {
                    for column in sum.indices {
                        sum[column] += factors[row] * Double(normalization.values[row * sum.count + column])
                    }
                }
                flat += sum
            }
        }
        return flat
    }

    /// The sum over examples of factor_i times example i's gradient.
    public static func weightedSum(_ traces: [LayerTrace], factors: [Float]) -> Gradients {
        var weights: [Matrix] = []
        var biases: [[Float]] = []
        var normalizations: [[Float]] = []
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
            var normalizationSum: [Float] = []
            if let gradients = trace.normalization?.perExampleGradients() {
                normalizationSum = [Float](repeating: 0, count: gradients.columns)
                for row in 0..<gradients.rows {
                    for column in normalizationSum.indices {
                        normalizationSum[column] += factors[row] * gradients.values[row * gradients.columns + column]
                    }
                }
            }
            normalizations.append(normalizationSum)
        }
        return Gradients(weights: weights, biases: biases, normalizations: normalizations)
    }
}
