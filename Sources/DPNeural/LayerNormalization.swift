/// Layer normalisation of a dense layer's pre-activation (Ba, Kiros, Hinton 2016): each example's
/// vector z is centred and scaled to unit variance, then y = gain ⊙ ẑ + shift. It works within
/// one example, so it keeps DP-SGD's per-example gradients separate (batch normalisation would
/// mix examples).
public struct LayerNormalization: Sendable, Codable {
    public var gain: [Float]
    public var shift: [Float]
    static let epsilon: Float = 1e-5

    public init(width: Int) {
        gain = [Float](repeating: 1, count: width)
        shift = [Float](repeating: 0, count: width)
    }

    /// What the backward pass needs: ẑ and each row's 1 / sqrt(variance + epsilon).
    struct Cache: Sendable {
        let normalized: Matrix
        let inverseDeviation: [Float]
    }

    func forward(_ z: Matrix) -> (y: Matrix, cache: Cache) {
        let width = z.columns
        var normalized = z
        var y = z
        var inverse = [Float](repeating: 0, count: z.rows)
        for row in 0..<z.rows {
            let base = row * width
            var mean: Float = 0
            for column in 0..<width { mean += z.values[base + column] }
            mean /= Float(width)
            var variance: Float = 0
            for column in 0..<width {
                let d = z.values[base + column] - mean
                variance += d * d
            }
            variance /= Float(width)
            let scale = 1 / (variance + Self.epsilon).squareRoot()
            inverse[row] = scale
            for column in 0..<width {
                let value = (z.values[base + column] - mean) * scale
                normalized.values[base + column] = value
                y.values[base + column] = gain[column] * value + shift[column]
            }
        }
        return (y, Cache(normalized: normalized, inverseDeviation: inverse))
    }

    /// dz from dy: with g = gain ⊙ dy, dz = (g - mean(g) - ẑ mean(g ⊙ ẑ)) / deviation.
    func backward(_ dy: Matrix, cache: Cache) -> Matrix {
        let width = dy.columns
        var dz = dy
        for row in 0..<dy.rows {
            let base = row * width
            var meanG: Float = 0
            var meanGZ: Float = 0
            for column in 0..<width {
                let g = gain[column] * dy.values[base + column]
                meanG += g
                meanGZ += g * cache.normalized.values[base + column]
            }
            meanG /= Float(width)
            meanGZ /= Float(width)
            for column in 0..<width {
                let g = gain[column] * dy.values[base + column]
                dz.values[base + column] =
                    (g - meanG - cache.normalized.values[base + column] * meanGZ) * cache.inverseDeviation[row]
            }
        }
        return dz
    }
}
