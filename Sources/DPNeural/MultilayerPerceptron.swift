import DPRandomness

/// A stack of dense layers with explicit forward and backward passes.
public struct MultilayerPerceptron: Sendable, Codable {
    public var layers: [DenseLayer]

    /// Layer widths w0 -> w1 -> ... with `hidden` between and `output` on the last layer.
    public init(widths: [Int], hidden: Activation = .relu, output: Activation = .identity, source: RandomSource) {
        precondition(widths.count >= 2, "a network needs an input and an output width")
        layers = (1..<widths.count).map { index in
            DenseLayer(inputs: widths[index - 1], outputs: widths[index], activation: index == widths.count - 1 ? output : hidden,
                       source: source)
        }
    }

    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// What the forward pass keeps for the backward pass.
    public struct Cache: Sendable {
        var inputs: [Matrix] = []
        var preActivations: [Matrix] = []
        var activations: [Matrix] = []
    }

    public func forward(_ x: Matrix) -> (output: Matrix, cache: Cache) {
        var cache = Cache(), current = x
        for layer in layers {
            let (z, a) = layer.forward(current)
            cache.inputs.append(current)
            cache.preActivations.append(z)
            cache.activations.append(a)
            current = a
        }
        return (current, cache)
    }

    /// Back-propagates the loss gradient at the output: one trace per layer, and the gradient at the input.
    public func backward(_ outputGradient: Matrix, cache: Cache) -> (traces: [LayerTrace], inputGradient: Matrix) {
        var traces = [LayerTrace?](repeating: nil, count: layers.count)
        var gradient = outputGradient
        for index in layers.indices.reversed() {
            let dz = layers[index].activation.backward(gradient, preActivation: cache.preActivations[index], activation: cache.activations[index])
            traces[index] = LayerTrace(input: cache.inputs[index], preActivationGradient: dz)
            gradient = layers[index].inputGradient(dz)
        }
        return (traces.map { $0! }, gradient)
    }
}
