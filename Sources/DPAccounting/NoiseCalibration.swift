import Foundation

/// Finds the smallest DP-SGD noise multiplier that meets a target (ε, δ).
///
/// Privacy: the returned σ satisfies accountant(σ) ≤ ε by construction (bisection keeps the
/// upper end feasible), so calibration never under-noises (Proofs/rdp-subsampled-gaussian.md).
public enum NoiseCalibration {
    public static let proofDocument = "Proofs/rdp-subsampled-gaussian.md"

    /// How the steps are accounted: `rdp` and `pld` for the continuous Gaussian (planning figures,
    /// comparable with Opacus and dp_accounting); `rdpDiscrete` for the discrete Gaussian DP-SGD
    /// draws, by the general Poisson-subsampling bound at integer orders (the one DP-SGD uses).
    public enum Accountant: String, Sendable, CaseIterable {
        case rdp, pld
        case rdpDiscrete = "rdp-discrete"
    }

    /// The ε of `steps` Poisson-subsampled Gaussian steps.
    public static func epsilon(
        samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int, delta: Double,
        accountant: Accountant
    ) throws -> Double {
        switch accountant {
        case .rdp:
            var rdp = RDPAccountant()
            try rdp.composeSubsampledGaussian(samplingRate: q, noiseMultiplier: sigma, steps: steps)
            return try rdp.epsilon(delta: delta)
        case .pld:
            var pld = PLDAccountant()
            try pld.composeSubsampledGaussian(samplingRate: q, noiseMultiplier: sigma, steps: steps)
            return try pld.epsilon(delta: delta)
        case .rdpDiscrete:
            var rdp = RDPAccountant(orders: PoissonSubsampledRDP.orders.map(Double.init))
            try rdp.composeSubsampledDiscreteGaussian(samplingRate: q, noiseMultiplier: sigma, steps: steps)
            return try rdp.epsilon(delta: delta)
        }
    }

    /// The smallest σ (to relative tolerance `tolerance`) whose ε is at most `targetEpsilon`.
    public static func noiseMultiplier(
        targetEpsilon: Double, delta: Double, samplingRate q: Double, steps: Int,
        accountant: Accountant = .rdp, tolerance: Double = 1e-3
    ) throws -> Double {
        try AccountingError.positive(targetEpsilon, "the target epsilon")
        try AccountingError.probability(delta, "delta")
        // A multiplier too small for the PLD accountant's grid counts as missing the target: the
        // result is then at least the smallest multiplier the grid can certify, never less noise.
        func meets(_ sigma: Double) throws -> Bool {
            do {
                return try epsilon(
                    samplingRate: q, noiseMultiplier: sigma, steps: steps, delta: delta, accountant: accountant)
                    <= targetEpsilon
            } catch is PLDGridError {
                return false
            }
        }
        var high = 1.0
        while try !meets(high) {
            high *= 2
            try AccountingError.require(high < 1e6, "no noise multiplier below 1e6 reaches epsilon \(targetEpsilon)")
        }
        var low = high / 2
        if try meets(low) {
            low = 0
        }
        while high - low > tolerance * high {
            let mid = (low + high) / 2
            if try meets(mid) {
                high = mid
            } else {
                low = mid
            }
        }
        return high
    }
}
