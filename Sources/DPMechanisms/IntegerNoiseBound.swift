import DPRandomness

/// The largest scale (discrete Laplace) or sigma (discrete Gaussian) an integer mechanism takes:
/// beyond it, noise would not fit a 64-bit answer often enough to matter, and a release would
/// print saturated numbers instead of noisy ones. At 2^56 a draw passes 2^62 with probability
/// below e^-64 (Laplace) and far below that (Gaussian).
public enum IntegerNoiseBound {
    static let largestScale = ExactRational(1 << 56)

    /// Refuses `scale` (named `name` in the message) above `largestScale`.
    public static func check(_ scale: ExactRational, _ name: String) throws {
        guard scale <= largestScale else {
            throw MechanismError("\(name) must be at most 2^56: larger noise does not fit a 64-bit integer answer")
        }
    }
}
