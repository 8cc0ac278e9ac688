import Foundation

/// Losses over a batch: the summed loss and the gradient of each example's own loss.
public enum Loss {
    /// Softmax cross-entropy of logits against class labels.
    public static func softmaxCrossEntropy(_ logits: Matrix, labels: [Int]) -> (loss: Double, gradient: Matrix) {
        softmaxCrossEntropy(logits, blocks: [0..<logits.columns], targets: labels.map { [$0] })
    }

    /// Softmax cross-entropy over column blocks (one categorical variable per block): targets[i][b]
    /// is example i's class within block b.
    public static func softmaxCrossEntropy(_ logits: Matrix, blocks: [Range<Int>], targets: [[Int]]) -> (
        loss: Double, gradient: Matrix
    ) {
        var gradient = Matrix(zeros: logits.rows, logits.columns)
        var loss = 0.0
        for row in 0..<logits.rows {
            let base = row * logits.columns
            for (b, block) in blocks.enumerated() {
                var top = -Float.infinity
                for column in block { top = max(top, logits.values[base + column]) }
                var total: Float = 0
                for column in block {
                    let e = exp(logits.values[base + column] - top)
                    gradient.values[base + column] = e
                    total += e
                }
                let target = block.lowerBound + targets[row][b]
                for column in block { gradient.values[base + column] /= total }
                loss -= Double(log(max(gradient.values[base + target], 1e-30)))
                gradient.values[base + target] -= 1
            }
        }
        return (loss, gradient)
    }
}
