import DPNumerics
import Foundation

/// Rényi-DP accountant for the Poisson-subsampled Gaussian mechanism (DP-SGD).
///
/// Privacy: one step with sampling rate q and noise multiplier σ is (α, log(A_α)/(α-1))-RDP,
/// A_α = E_{z~N(0,σ²)}[((1-q) + q·exp((2z-1)/(2σ²)))^α] (Mironov, Talwar, Zhang 2019);
/// RDP composes additively in steps and converts to (ε, δ) by
/// ε = min_α rdp_α + log(1-1/α) - (log δ + log α)/(α-1) (Proofs/rdp-subsampled-gaussian.md).
///
/// Integer orders use the exact binomial expansion; fractional orders integrate A_α
/// numerically in log space, which stays finite and accurate at every order.
public struct RDPAccountant: Sendable {
    public static let proofDocument = "Proofs/rdp-subsampled-gaussian.md"

    /// The orders dp_accounting uses by default, so figures compare one to one.
    public static let defaultOrders: [Double] = {
        let fractional: [Double] = (1..<100).map { 1 + Double($0) / 10 }
        let integral: [Double] = (11..<64).map { Double($0) }
        return fractional + integral + [128, 256, 512, 1024]
    }()

    public let orders: [Double]
    public private(set) var rdp: [Double]

    public init(orders: [Double] = RDPAccountant.defaultOrders) {
        self.orders = orders
        self.rdp = [Double](repeating: 0, count: orders.count)
    }

    /// Adds `steps` steps of the Poisson-subsampled Gaussian.
    public mutating func composeSubsampledGaussian(samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int)
        throws
    {
        try Self.validate(samplingRate: q, noiseMultiplier: sigma, steps: steps)
        for (index, order) in orders.enumerated() {
            rdp[index] +=
                Double(steps) * Self.subsampledGaussianRDP(order: order, samplingRate: q, noiseMultiplier: sigma)
        }
    }

    /// Adds `steps` steps of the Poisson-subsampled discrete Gaussian (DP-SGD's noise), by the
    /// general subsampling bound on its RDP α/(2σ²) (`PoissonSubsampledRDP`). The orders must be
    /// integers of at least 2 (`RDPAccountant(orders: PoissonSubsampledRDP.orders)`).
    public mutating func composeSubsampledDiscreteGaussian(
        samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int
    ) throws {
        try Self.validate(samplingRate: q, noiseMultiplier: sigma, steps: steps)
        for (index, order) in orders.enumerated() {
            try AccountingError.require(
                order >= 2 && order.rounded() == order, "the discrete bound needs integer orders (got \(order))")
            rdp[index] +=
                Double(steps)
                * PoissonSubsampledRDP.bound(order: Int(order), samplingRate: q) { Double($0) / (2 * sigma * sigma) }
        }
    }

    static func validate(samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int) throws {
        try AccountingError.require(q.isFinite && q >= 0 && q <= 1, "the sampling rate must lie in [0, 1] (got \(q))")
        try AccountingError.positive(sigma, "the noise multiplier")
        try AccountingError.require(steps >= 0, "the number of steps must be non-negative (got \(steps))")
    }

    /// The smallest ε over the orders at `delta`.
    public func epsilon(delta: Double) throws -> Double {
        try AccountingError.probability(delta, "delta")
        return Self.epsilon(orders: orders, rdp: rdp, delta: delta).epsilon
    }

    /// The conversion and the order that attains it. ε is rounded up, in the guarantee's favour:
    /// each order's RDP gains `rdpSlack` of itself and the conversion `conversionSlack` of its
    /// terms' magnitudes, margins far above the floating-point error of the RDP sums and of the
    /// logs, so ε is never below the exact conversion of the exact RDP bound.
    public static func epsilon(orders: [Double], rdp: [Double], delta: Double) -> (epsilon: Double, order: Double) {
        var best = (epsilon: Double.infinity, order: orders.first ?? 1)
        let logDelta = log(delta)
        for (alpha, value) in zip(orders, rdp) where alpha > 1 && value.isFinite {
            // RDP is never negative: a value below zero is rounding, and still pays the conversion.
            let divergence = max(0, value) * (1 + rdpSlack)
            let shrink = log1p(-1 / alpha)
            let tail = (logDelta + log(alpha)) / (alpha - 1)
            let candidate = (divergence + shrink - tail + conversionSlack * (abs(shrink) + abs(tail))).nextUp
            if candidate < best.epsilon { best = (candidate, alpha) }
        }
        return (max(0, best.epsilon), best.order)
    }

    /// The relative margin on an order's RDP, above the rounding of its sum over steps and of the
    /// logarithms of the bounds it adds up; where the RDP is tiny (a rate near zero), its error
    /// is far below the conversion's margin.
    static let rdpSlack = 1e-10
    /// The margin on the conversion's two terms, relative to their magnitudes.
    static let conversionSlack = 1e-13

    /// RDP at one order of one step of the Poisson-subsampled Gaussian (sensitivity 1).
    public static func subsampledGaussianRDP(order alpha: Double, samplingRate q: Double, noiseMultiplier sigma: Double)
        -> Double
    {
        if q == 0 { return 0 }
        if q == 1 { return alpha / (2 * sigma * sigma) }
        let logA =
            alpha.rounded() == alpha && alpha <= 4096
            ? logAIntegerOrder(Int(alpha), q: q, sigma: sigma)
            : logAByQuadrature(alpha, q: q, sigma: sigma)
        return logA / (alpha - 1)
    }

    /// log A_α for integer α: log Σ_k C(α,k) (1-q)^(α-k) q^k exp((k²-k)/(2σ²)).
    static func logAIntegerOrder(_ alpha: Int, q: Double, sigma: Double) -> Double {
        var total = -Double.infinity
        let logQ = log(q)
        let logOneMinusQ = log1p(-q)
        var logBinomial = 0.0
        for k in 0...alpha {
            if k > 0 { logBinomial += log(Double(alpha - k + 1)) - log(Double(k)) }
            let term =
                logBinomial + Double(k) * logQ + Double(alpha - k) * logOneMinusQ
                + Double(k * k - k) / (2 * sigma * sigma)
            total = logAddExp(total, term)
        }
        return total
    }

    /// The most points one fractional order's quadrature evaluates (8 bytes each).
    static let quadraturePoints = 1 << 24

    /// log A_α for any real α > 1 by the trapezoid rule in log space over z ~ N(0, σ²).
    ///
    /// The integrand is smooth with at most two bumps of width ~σ (near 0 and near α);
    /// the trapezoid rule on such integrands converges geometrically in the step.
    static func logAByQuadrature(_ alpha: Double, q: Double, sigma: Double) -> Double {
        let variance = sigma * sigma
        let step = min(sigma, variance) / 24
        let low = -40 * sigma - 1
        let high = max(alpha, 1) + 40 * sigma + 1
        let points = ((high - low) / step).rounded(.up)
        // A noise multiplier near zero needs ever finer steps: past `quadraturePoints` the order
        // gives no bound (infinity), which leaves the other orders' smallest epsilon, never less.
        guard points <= Double(quadraturePoints) else { return .infinity }
        let count = Int(points)
        let logQ = log(q)
        let logOneMinusQ = log1p(-q)
        let logNormaliser = -0.5 * log(2 * Double.pi * variance)
        var maximum = -Double.infinity
        var values = [Double](repeating: 0, count: count + 1)
        for index in 0...count {
            let z = low + Double(index) * step
            let mixture = logAddExp(logOneMinusQ, logQ + (2 * z - 1) / (2 * variance))
            let value = logNormaliser - z * z / (2 * variance) + alpha * mixture
            values[index] = value
            maximum = max(maximum, value)
        }
        var sum = 0.0
        for value in values { sum += exp(value - maximum) }
        return maximum + log(sum * step)
    }
}
