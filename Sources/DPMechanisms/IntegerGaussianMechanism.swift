import DPAccounting
import DPRandomness

/// Adds exact discrete Gaussian noise to integer queries.
///
/// Privacy: for queries whose L2 sensitivity is `sensitivity`, the release is
/// (sensitivity² / (2σ²))-zCDP, and (ε, δ)-DP on the exact discrete curve
/// (Proofs/discrete-gaussian.md).
public struct IntegerGaussianMechanism: Sendable {
    public static let proofDocument = "Proofs/discrete-gaussian.md"

    public let sensitivity: Int
    public let sigma: ExactRational
    let sampler: DiscreteGaussianSampler

    public init(sensitivity: Int, sigma: ExactRational) throws {
        guard sensitivity >= 0 else { throw MechanismError("sensitivity must be non-negative (got \(sensitivity))") }
        guard sigma.signum > 0 else { throw MechanismError("sigma must be positive (got \(sigma))") }
        try IntegerNoiseBound.check(sigma, "sigma")
        self.sensitivity = sensitivity
        self.sigma = sigma
        self.sampler = DiscreteGaussianSampler(sigma: sigma)
    }

    /// ρ = sensitivity² / (2σ²), exactly.
    var exactRho: ExactRational {
        // Squared exactly: an Int square overflows beyond a sensitivity of about 3·10^9.
        ExactRational(sensitivity) * ExactRational(sensitivity) / (ExactRational(2) * sigma * sigma)
    }

    /// ρ = sensitivity² / (2σ²), rounded up.
    public var privacyCost: PrivacyCost { .zCDP(rho: exactRho.doubleRoundedUp) }

    /// The cost of releasing every mechanism's answers together: ρ adds (Bun and Steinke 2016,
    /// Lemma 2.3), summed exactly and rounded up once.
    public static func jointCost(_ mechanisms: [IntegerGaussianMechanism]) -> PrivacyCost {
        .zCDP(rho: mechanisms.reduce(ExactRational.zero) { $0 + $1.exactRho }.doubleRoundedUp)
    }

    /// The smallest ε at `delta` for a release of `dimension` answers: the exact discrete curve
    /// (CKS20 Theorem 7) for one answer, whose proof covers one dimension only; the zCDP
    /// conversion of ρ otherwise (and for very large σ).
    public func epsilon(delta: Double, dimension: Int = 1) -> Double {
        let sigmaValue = sigma.doubleValue
        if dimension == 1 && sigmaValue <= DiscreteGaussianPrivacyCurve.exactSumLimit {
            return DiscreteGaussianPrivacyCurve(sigma: sigmaValue.nextDown, sensitivity: max(sensitivity, 1)).epsilon(
                delta: delta)
        }
        return privacyCost.approximateDP(delta: delta).epsilon
    }

    /// The noisy answers to a vector of integer queries with joint L2 sensitivity `sensitivity`.
    package func draw(_ values: [Int], source: RandomSource) -> [Int] {
        values.map { value in (ExactInteger(value) + sampler.sample(source: source)).saturatingInt }
    }
}
