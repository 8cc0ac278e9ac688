import DPData
import DPNumerics
import DPRandomness
import Foundation

/// Multinomial logistic regression on one-hot features, trained by mini-batch Adam with an L2
/// penalty. The classifier the utility checks and the model-inversion attack train.
public struct LogisticRegression: Sendable {
    public let features: OneHotFeatures
    public let target: Int
    public let classes: Int
    /// weights[input * classes + k], then one bias per class.
    var weights: [Double]
    var bias: [Double]

    public struct Settings: Sendable {
        public var epochs = 12
        public var batchSize = 256
        public var learningRate = 0.05
        public var l2 = 1e-5
        public init() {}
    }

    /// Fit on `data` predicting encoded column `target` from `features`.
    public static func fit(
        _ data: EncodedDataset, target: Int, features columns: [Int], settings: Settings = Settings(),
        source: RandomSource
    ) -> LogisticRegression {
        let features = OneHotFeatures(domain: data.domain, columns: columns)
        let classes = data.domain[target]
        var model = LogisticRegression(
            features: features, target: target, classes: classes,
            weights: [Double](repeating: 0, count: features.width * classes),
            bias: [Double](repeating: 0, count: classes))
        let active = features.activeInputs(data)
        let width = columns.count
        let labels = data.codes[target]
        var adam = Adam<Double>(parameterCount: model.weights.count + classes, learningRate: settings.learningRate)
        var gradient = [Double](repeating: 0, count: model.weights.count + classes)
        var probabilities = [Double](repeating: 0, count: classes)
        for _ in 0..<settings.epochs {
            let order = source.sampleIndices(data.rowCount, of: data.rowCount)
            for start in stride(from: 0, to: order.count, by: settings.batchSize) {
                let batch = order[start..<min(order.count, start + settings.batchSize)]
                for i in gradient.indices { gradient[i] = 0 }
                for row in batch {
                    let inputs = active[(row * width)..<((row + 1) * width)]
                    model.probabilities(inputs, into: &probabilities)
                    probabilities[Int(labels[row])] -= 1
                    for input in inputs {
                        let base = Int(input) * classes
                        for k in 0..<classes { gradient[base + k] += probabilities[k] }
                    }
                    for k in 0..<classes { gradient[model.weights.count + k] += probabilities[k] }
                }
                let scale = 1 / Double(batch.count)
                let weightCount = model.weights.count
                let weights = model.weights
                adam.beginStep()
                adam.update(&model.weights, at: 0) { gradient[$0] * scale + settings.l2 * weights[$0] }
                adam.update(&model.bias, at: weightCount) { gradient[weightCount + $0] * scale }
            }
        }
        return model
    }

    func probabilities(_ inputs: ArraySlice<Int32>, into output: inout [Double]) {
        for k in 0..<classes { output[k] = bias[k] }
        for input in inputs {
            let base = Int(input) * classes
            for k in 0..<classes { output[k] += weights[base + k] }
        }
        let top = output.max() ?? 0
        var total = 0.0
        for k in 0..<classes {
            output[k] = exp(output[k] - top)
            total += output[k]
        }
        for k in 0..<classes { output[k] /= total }
    }

    /// Class probabilities for every row of `data`: result[row * classes + k].
    public func predictProbabilities(_ data: EncodedDataset) -> [Double] {
        let active = features.activeInputs(data)
        let width = features.columns.count
        var result = [Double](repeating: 0, count: data.rowCount * classes)
        var rowProbabilities = [Double](repeating: 0, count: classes)
        for row in 0..<data.rowCount {
            probabilities(active[(row * width)..<((row + 1) * width)], into: &rowProbabilities)
            for k in 0..<classes { result[row * classes + k] = rowProbabilities[k] }
        }
        return result
    }
}
