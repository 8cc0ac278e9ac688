import DPData
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
        var firstMoment = [Double](repeating: 0, count: model.weights.count + classes)
        var secondMoment = firstMoment
        var gradient = firstMoment
        var step = 0.0
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
                step += 1
                let correction1 = 1 - pow(0.9, step)
                let correction2 = 1 - pow(0.999, step)
                for i in gradient.indices {
                    let isWeight = i < model.weights.count
                    let g = gradient[i] * scale + (isWeight ? settings.l2 * model.weights[i] : 0)
                    firstMoment[i] = 0.9 * firstMoment[i] + 0.1 * g
                    secondMoment[i] = 0.999 * secondMoment[i] + 0.001 * g * g
                    let update =
                        settings.learningRate * (firstMoment[i] / correction1)
                        / ((secondMoment[i] / correction2).squareRoot() + 1e-8)
                    if isWeight { model.weights[i] -= update } else { model.bias[i - model.weights.count] -= update }
                }
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
