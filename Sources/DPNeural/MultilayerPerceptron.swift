import DPRandomness

/// A stack of dense layers with explicit forward and backward passes, optionally with layer
/// normalisation on the hidden layers and inverted dropout after them while training.
public struct MultilayerPerceptron: Sendable, Codable {
    public var layers: [DenseLayer]
    /// The probability of zeroing a hidden unit while training (nil: no dropout).
    public var dropout: Float?

    /// Layer widths w0 -> w1 -> ... with `hidden` between and `output` on the last layer;
    /// `normalized` puts layer normalisation on every hidden layer.
    public init(
        widths: [Int], hidden: Activation = .relu, output: Activation = .identity, normalized: Bool = false,
        dropout: Float? = nil, source: RandomSource
    ) {
        precondition(widths.count >= 2, "a network needs an input and an output width")
        precondition(dropout.map { $0 >= 0 && $0 < 1 } ?? true, "dropout must lie in [0, 1)")
        layers = (1..<widths.count).map { index in
            let last = index == widths.count - 1
            return DenseLayer(
                inputs: widths[index - 1], outputs: widths[index], activation: last ? output : hidden,
                normalized: normalized && !last, source: source)
        }
        self.dropout = dropout
    }

    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// What the forward pass keeps for the backward pass.
    public struct Cache: Sendable {
        var inputs: [Matrix] = []
        var preActivations: [Matrix] = []
        var activations: [Matrix] = []
        var normalizations: [LayerNormalization.Cache?] = []
        /// Per hidden layer, the dropout multipliers (0 or 1 / (1 - p)) when dropout was applied.
        var dropoutMasks: [[Float]?] = []
    }

    /// The output on `x`. With `dropoutSource` (training) and a dropout rate, each hidden unit of
    /// each example is zeroed with probability p and the rest scaled by 1 / (1 - p).
    public func forward(_ x: Matrix, dropoutSource: RandomSource? = nil) -> (output: Matrix, cache: Cache) {
        var cache = Cache()
        var current = x
        for (index, layer) in layers.enumerated() {
            let (z, a, normalization) = layer.forward(current)
            cache.inputs.append(current)
            cache.preActivations.append(z)
            cache.activations.append(a)
            cache.normalizations.append(normalization)
            current = a
            if let rate = dropout, rate > 0, let source = dropoutSource, index < layers.count - 1 {
                let keep = 1 / (1 - rate)
                let threshold = UInt64(Double(rate) * 0x1p64.nextDown)
                let mask = (0..<a.values.count).map { _ in source.nextUInt64() < threshold ? Float(0) : keep }
                for i in current.values.indices { current.values[i] *= mask[i] }
                cache.dropoutMasks.append(mask)
            } else {
                cache.dropoutMasks.append(nil)
            }
        }
        return (current, cache)
    }

    /// Back-propagates the loss gradient at the output: one trace per layer, and the gradient at the input.
    public func backward(_ outputGradient: Matrix, cache: Cache) -> (traces: [LayerTrace], inputGradient: Matrix) {
        var traces = [LayerTrace?](repeating: nil, count: layers.count)
        var gradient = outputGradient
        for index in layers.indices.reversed() {
            if let mask = cache.dropoutMasks[index] {
                for i in gradient.values.indices { gradient.values[i] *= mask[i] }
            }
            let dy = layers[index].activation.backward(
                gradient, preActivation: cache.preActivations[index], activation: cache.activations[index])
            var dz = dy
            var normalizationTrace: LayerTrace.Normalization? = nil
            if let normalization = layers[index].normalization, let normalizationCache = cache.normalizations[index] {
                dz = normalization.backward(dy, cache: normalizationCache)
                normalizationTrace = .init(normalized: normalizationCache.normalized, outputGradient: dy)
            }
            traces[index] = LayerTrace(
                input: cache.inputs[index], preActivationGradient: dz, normalization: normalizationTrace)
            gradient = layers[index].inputGradient(dz)
        }
        return (traces.map { $0! }, gradient)
    }
}
