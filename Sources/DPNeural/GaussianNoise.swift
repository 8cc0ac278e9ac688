import DPRandomness
import Foundation

extension RandomSource {
    /// Standard normal draws by Box-Muller for model-internal randomness (VAE reparameterisation,
    /// latent sampling). Never used as privacy noise: that is `FloatGaussianMechanism`'s job.
    func standardNormals(_ count: Int) -> [Float] {
        var result = [Float](repeating: 0, count: count)
        var index = 0
        while index < count {
            let u1 = max(Double(nextUInt64() >> 11) * 0x1p-53, 0x1p-60)
            let u2 = Double(nextUInt64() >> 11) * 0x1p-53
            let radius = (-2 * log(u1)).squareRoot()
            result[index] = Float(radius * cos(2 * .pi * u2))
            if index + 1 < count { result[index + 1] = Float(radius * sin(2 * .pi * u2)) }
            index += 2
        }
        return result
    }
}
