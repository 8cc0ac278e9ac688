import DPRandomness
import Foundation

/// Gumbel-softmax per column block (Jang et al. 2017): a differentiable stand-in for drawing one
/// category, y = softmax((logits + g) / tau) with g standard Gumbel noise.
enum GumbelSoftmax {
    static func forward(_ logits: Matrix, blocks: [Range<Int>], temperature: Float, source: RandomSource) -> Matrix {
        var y = logits
        for row in 0..<logits.rows {
            let base = row * logits.columns
            for block in blocks {
                var top = -Float.infinity
                for column in block {
                    let u = max(Float(source.nextUInt64() >> 40) * 0x1p-24, 1e-7)
                    y.values[base + column] = (logits.values[base + column] - log(-log(u))) / temperature
                    top = max(top, y.values[base + column])
                }
                var total: Float = 0
                for column in block {
                    y.values[base + column] = exp(y.values[base + column] - top)
                    total += y.values[base + column]
                }
                for column in block { y.values[base + column] /= total }
            }
        }
        return y
    }

    /// d logits from d y: (1 / tau) y (dy - sum(y dy)) within each block.
    static func backward(_ gradient: Matrix, output y: Matrix, blocks: [Range<Int>], temperature: Float) -> Matrix {
        var result = gradient
        for row in 0..<y.rows {
            let base = row * y.columns
            for block in blocks {
                var dot: Float = 0
                for column in block { dot += y.values[base + column] * gradient.values[base + column] }
                for column in block {
                    result.values[base + column] =
                        y.values[base + column] * (gradient.values[base + column] - dot) / temperature
                }
            }
        }
        return result
    }
}
