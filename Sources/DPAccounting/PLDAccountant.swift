import DPNumerics
import Foundation

/// Privacy-loss-distribution accountant for the Poisson-subsampled Gaussian under the
/// add-or-remove-one relation: it tracks the REMOVE and ADD loss distributions and reports the
/// larger ε (Proofs/pld-accountant.md).
///
/// Privacy: pessimistic connect-the-dots discretisation, so the reported ε never under-states
/// the true one (up to the documented 1e-15 tail bound per composition, added to δ).
public struct PLDAccountant: Sendable {
    public static let proofDocument = "Proofs/pld-accountant.md"

    public let interval: Double
    public private(set) var remove: PrivacyLossDistribution?
    public private(set) var add: PrivacyLossDistribution?

    /// An accountant with loss discretisation `interval` (dp_accounting's default is 1e-4).
    public init(interval: Double = 1e-4) {
        self.interval = interval
    }

    /// Adds `steps` steps of the Poisson-subsampled Gaussian with sensitivity 1.
    public mutating func composeSubsampledGaussian(samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int)
        throws
    {
        try AccountingError.require(q.isFinite && q > 0 && q <= 1, "the sampling rate must lie in (0, 1] (got \(q))")
        try AccountingError.positive(sigma, "the noise multiplier")
        try AccountingError.require(steps >= 1, "the number of steps must be at least 1 (got \(steps))")
        // Both directions are composed before either is kept: a refusal leaves the accountant as it was.
        func composed(_ direction: SubsampledGaussianLoss.Direction, onto previous: PrivacyLossDistribution?) throws
            -> PrivacyLossDistribution
        {
            let loss = SubsampledGaussianLoss(samplingRate: q, sigma: sigma, direction: direction)
            let steps = try loss.connectTheDots(interval: interval).selfComposed(steps)
            return try previous.map { try $0.composed(with: steps) } ?? steps
        }
        let (newRemove, newAdd) = (try composed(.remove, onto: remove), try composed(.add, onto: add))
        (remove, add) = (newRemove, newAdd)
    }

    /// The smallest ε at `delta` over both directions.
    public func epsilon(delta: Double) throws -> Double {
        try AccountingError.probability(delta, "delta")
        return max(remove?.epsilon(delta: delta) ?? 0, add?.epsilon(delta: delta) ?? 0)
    }

    /// The δ at `epsilon` over both directions.
    public func delta(epsilon: Double) -> Double {
        max(remove?.delta(epsilon: epsilon) ?? 0, add?.delta(epsilon: epsilon) ?? 0)
    }
}

/// The privacy loss of one Poisson-subsampled Gaussian step (sensitivity 1, noise σ).
///
/// REMOVE: P = (1-q)N(0,σ²) + qN(-1,σ²) against Q = N(0,σ²).
/// ADD:    P = N(0,σ²) against Q = (1-q)N(0,σ²) + qN(1,σ²).
/// In both the loss log(P/Q)(x) is non-increasing in x.
struct SubsampledGaussianLoss {
    enum Direction: CaseIterable { case remove, add }

    let q: Double
    let sigma: Double
    let direction: Direction

    init(samplingRate: Double, sigma: Double, direction: Direction) {
        self.q = samplingRate
        self.sigma = sigma
        self.direction = direction
    }

    private var variance: Double { sigma * sigma }

    func loss(_ x: Double) -> Double {
        switch direction {
        case .remove: return logAddExp(log1p(-q), log(q) + (-0.5 - x) / variance)
        case .add: return -logAddExp(log1p(-q), log(q) + (x - 0.5) / variance)
        }
    }

    /// δ(ε) = P(L > ε) - e^ε Q(L > ε), with L > ε exactly when x < x*(ε).
    func delta(epsilon: Double) -> Double {
        let phi = { (x: Double) in NormalDistribution.cdf(x / self.sigma) }
        switch direction {
        case .remove:
            if q == 1 || epsilon > log1p(-q) {
                let threshold = -0.5 - variance * log1p(expm1(epsilon) / q)
                let upper = (1 - q) * phi(threshold) + q * phi(threshold + 1)
                return upper - exp(epsilon + NormalDistribution.logCDF(threshold / sigma))
            }
            return -expm1(epsilon)
        case .add:
            if q < 1 && epsilon >= -log1p(-q) { return 0 }
            let threshold = 0.5 + variance * log1p(expm1(-epsilon) / q)
            let lower = (1 - q) * phi(threshold) + q * phi(threshold - 1)
            return phi(threshold) - exp(epsilon) * lower
        }
    }

    /// The connect-the-dots PLD over the loss range of x within ±Φ⁻¹(e^-50/2)·σ (plus the shift).
    func connectTheDots(interval: Double) throws -> PrivacyLossDistribution {
        let reach = -NormalDistribution.quantile(0.5 * exp(-50)) * sigma
        let (low, high) = direction == .remove ? (-reach - 1, reach) : (-reach, reach + 1)
        try PrivacyLossDistribution.checkGrid((loss(low) - loss(high)) / interval + 1)
        return PrivacyLossDistribution.connectTheDots(
            interval: interval, lowerLoss: loss(high), upperLoss: loss(low),
            delta: delta(epsilon:))
    }
}
