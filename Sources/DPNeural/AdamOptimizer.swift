import DPNumerics
import Foundation

/// Adam (`DPNumerics.Adam`) over the flattened parameters of a list of dense layers, in
/// `Gradients.flattened` order.
public struct AdamOptimizer: Sendable {
    var adam: Adam<Float>

    public var learningRate: Float {
        get { adam.learningRate }
        set { adam.learningRate = newValue }
    }

    public init(parameterCount: Int, learningRate: Float = 1e-3, beta1: Float = 0.9) {
        adam = Adam(parameterCount: parameterCount, learningRate: learningRate, beta1: beta1)
    }

    /// Applies one update with gradient `flat` (in `Gradients.flattened` order) to `layers`.
    public mutating func update(_ layers: inout [DenseLayer], gradient flat: [Float]) {
        adam.beginStep()
        var offset = 0
        func apply(_ values: inout [Float]) {
            let start = offset
            adam.update(&values, at: start) { flat[start + $0] }
            offset += values.count
        }
        for index in layers.indices {
            apply(&layers[index].weights.values)
            apply(&layers[index].bias)
            if layers[index].normalization != nil {
                apply(&layers[index].normalization!.gain)
                apply(&layers[index].normalization!.shift)
            }
        }
    }
}
