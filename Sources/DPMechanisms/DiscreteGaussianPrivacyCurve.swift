import Foundation

/// The exact (ε, δ) curve of the discrete Gaussian mechanism.
///
/// Privacy: adding N_Z(0, σ²) to an integer query of sensitivity Δ is (ε, δ)-DP with
/// δ = P[X > εσ²/Δ - Δ/2] - e^ε P[X > εσ²/Δ + Δ/2], X ~ N_Z(0, σ²)
/// (Canonne, Kamath, Steinke 2020, Theorem 7; Proofs/discrete-gaussian.md). The tails are
/// summed exactly out to 40σ; the mass beyond, below e^-800, is negligible next to any δ used.
public struct DiscreteGaussianPrivacyCurve: Sendable {
    public static let proofDocument = "Proofs/discrete-gaussian.md"

    /// Largest σ for which the exact sum is used; above it callers use the zCDP bound.
    public static let exactSumLimit = 200_000.0

    let sigma: Double
    let sensitivity: Int
    let reach: Int
    /// tails[i] = P[X ≥ i - reach].
    let tails: [Double]

    public init(sigma: Double, sensitivity: Int) {
        precondition(sigma > 0 && sigma <= Self.exactSumLimit && sensitivity > 0)
        self.sigma = sigma
        self.sensitivity = sensitivity
        let variance = sigma * sigma
        reach = Int((40 * sigma).rounded(.up)) + sensitivity + 1
        var tails = [Double](repeating: 0, count: 2 * reach + 2)
        for x in stride(from: reach, through: -reach, by: -1) {
            tails[x + reach] = tails[x + reach + 1] + exp(-Double(x) * Double(x) / (2 * variance))
        }
        let total = tails[0]
        self.tails = tails.map { $0 / total }
    }

    /// P[X > threshold].
    func tail(above threshold: Double) -> Double {
        let start = Int(threshold.rounded(.down)) + 1
        if start <= -reach { return 1 }
        if start > reach { return 0 }
        return tails[start + reach]
    }

    public func delta(epsilon: Double) -> Double {
        let variance = sigma * sigma
        let delta = Double(sensitivity)
        let first = tail(above: epsilon * variance / delta - delta / 2)
        let second = tail(above: epsilon * variance / delta + delta / 2)
        return max(0, first - exp(epsilon) * second)
    }

    public func epsilon(delta target: Double) -> Double {
        var low = 0.0
        var high = 1.0
        while delta(epsilon: high) > target { high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if delta(epsilon: mid) > target { low = mid } else { high = mid }
            if high - low <= 1e-13 * high { break }
        }
        return high
    }
}
