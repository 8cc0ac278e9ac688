import DPNumerics
import Foundation

/// The exact (ε, δ) curve of the Gaussian mechanism.
///
/// Privacy: adding N(0, σ²) to a query of L2 sensitivity Δ is (ε, δ)-DP exactly when
/// δ ≥ Φ(Δ/(2σ) - εσ/Δ) - e^ε Φ(-Δ/(2σ) - εσ/Δ) (Balle and Wang 2018, Theorem 8;
/// Proofs/analytic-gaussian.md).
public enum AnalyticGaussian {
    public static let proofDocument = "Proofs/analytic-gaussian.md"

    /// The smallest δ for a given ε.
    public static func delta(epsilon: Double, sigma: Double, sensitivity: Double = 1) -> Double {
        let a = sensitivity / (2 * sigma)
        let b = epsilon * sigma / sensitivity
        let first = NormalDistribution.cdf(a - b)
        let second = exp(epsilon + NormalDistribution.logCDF(-a - b))
        return max(0, first - second)
    }

    /// The smallest ε for a given δ.
    public static func epsilon(delta: Double, sigma: Double, sensitivity: Double = 1) -> Double {
        if Self.delta(epsilon: 0, sigma: sigma, sensitivity: sensitivity) <= delta { return 0 }
        var low = 0.0
        var high = 1.0
        while Self.delta(epsilon: high, sigma: sigma, sensitivity: sensitivity) > delta { high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if Self.delta(epsilon: mid, sigma: sigma, sensitivity: sensitivity) > delta {
                low = mid
            } else {
                high = mid
            }
            if high - low <= 1e-15 * high { break }
        }
        return high
    }

    /// The smallest σ that gives (ε, δ)-DP at sensitivity Δ.
    public static func sigma(epsilon: Double, delta: Double, sensitivity: Double = 1) -> Double {
        var low = 0.0
        var high = sensitivity
        while Self.delta(epsilon: epsilon, sigma: high, sensitivity: sensitivity) > delta { high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if Self.delta(epsilon: epsilon, sigma: mid, sensitivity: sensitivity) > delta {
                low = mid
            } else {
                high = mid
            }
            if high - low <= 1e-15 * high { break }
        }
        return high
    }
}
