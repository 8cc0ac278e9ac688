import Foundation

/// Adam (Kingma and Ba) over the flattened parameters of a list of dense layers.
public struct AdamOptimizer: Sendable {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float = 0.999
    public let epsilon: Float = 1e-8
    var firstMoment: [Float]
    var secondMoment: [Float]
    var step: Float = 0

    public init(parameterCount: Int, learningRate: Float = 1e-3, beta1: Float = 0.9) {
        self.learningRate = learningRate
        self.beta1 = beta1
        firstMoment = [Float](repeating: 0, count: parameterCount)
        secondMoment = firstMoment
    }

    /// Applies one update with gradient `flat` (in `Gradients.flattened` order) to `layers`.
    public mutating func update(_ layers: inout [DenseLayer], gradient flat: [Float]) {
        step += 1
        let correction1 = 1 - pow(beta1, step)
        let correction2 = 1 - pow(beta2, step)
        let rate = learningRate * correction2.squareRoot() / correction1
        var offset = 0
        func apply(_ values: inout [Float]) {
            for i in values.indices {
                let g = flat[offset + i]
                firstMoment[offset + i] = beta1 * firstMoment[offset + i] + (1 - beta1) * g
                secondMoment[offset + i] = beta2 * secondMoment[offset + i] + (1 - beta2) * g * g
                values[i] -= rate * firstMoment[offset + i] / (secondMoment[offset + i].squareRoot() + epsilon)
            }
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
