import Foundation

/// zCDP composition and its tight conversion to (ε, δ)-DP.
///
/// Privacy: ρ-zCDP implies (ε, δ)-DP with ε = min over α > 1 of
/// αρ + log(1 - 1/α) - (log δ + log α)/(α - 1) (Canonne, Kamath, Steinke 2020, Proposition 12;
/// Proofs/zcdp-conversion.md). Composition adds ρ (Bun and Steinke 2016, Lemma 2.3).
public enum ZCDP {
    public static let proofDocument = "Proofs/zcdp-conversion.md"

    /// An upper bound, within about 1e-12 relative, on the smallest ε such that ρ-zCDP implies
    /// (ε, δ)-DP under the CKS20 bound: the bound at the α the search finds, rounded up
    /// (`epsilonBound`), so that no rounding reports less than the guarantee holds.
    public static func epsilon(rho: Double, delta: Double) -> Double {
        precondition(rho >= 0 && delta > 0 && delta < 1)
        if rho == 0 { return 0 }
        let logDelta = log(delta)
        // The bound is quasi-convex in α; golden-section search on log(α - 1).
        let best = goldenSectionMinimum(low: -25, high: 25) {
            epsilonBound(alpha: 1 + exp($0), rho: rho, logDelta: logDelta)
        }
        return max(0, best.value)
    }

    /// αρ + log(1 - 1/α) - (log δ + log α)/(α - 1) at the double `alpha`, rounded up. Every α > 1
    /// gives a valid ε, so the search may land anywhere; what must hold is that the value is not
    /// below the exact bound at that α. Each operation errs by at most one unit in the last place
    /// of its result (log(1 - 1/α) is taken as log(α - 1) - log α, which has no cancellation near
    /// α = 1), so the sum errs by at most three units of the sum of the terms' magnitudes, plus
    /// one for the rounding of α - 1 inside a logarithm; eight units of that sum are added.
    static func epsilonBound(alpha: Double, rho: Double, logDelta: Double) -> Double {
        let gap = alpha - 1
        let logAlpha = log(alpha)
        let logGap = log(gap)
        let value = alpha * rho + (logGap - logAlpha) - (logDelta + logAlpha) / gap
        let magnitude = alpha * rho + abs(logGap) + logAlpha + (abs(logDelta) + logAlpha) / gap + 1
        return (value + 8 * Double.ulpOfOne * magnitude).nextUp
    }

    /// An upper bound on the δ at which ρ-zCDP gives ε (the inverse of `epsilon(rho:delta:)` in
    /// δ), rounded up as `epsilonBound` is.
    public static func delta(rho: Double, epsilon: Double) -> Double {
        precondition(rho >= 0 && epsilon >= 0)
        if rho == 0 { return 0 }
        func logDelta(_ alpha: Double) -> Double {
            let gap = alpha - 1
            let (logAlpha, logGap) = (log(alpha), log(gap))
            let value = gap * (alpha * rho - epsilon + (logGap - logAlpha)) - logAlpha
            let magnitude = gap * (alpha * rho + epsilon + abs(logGap) + logAlpha) + logAlpha + 1
            return (value + 8 * Double.ulpOfOne * magnitude).nextUp
        }
        let best = goldenSectionMinimum(low: -25, high: 25) { logDelta(1 + exp($0)) }
        return min(1, (exp(best.value) * (1 + 4 * Double.ulpOfOne)).nextUp)
    }

    /// The largest ρ (to 1e-16 relative) whose CKS20 conversion at `delta`, rounded up as
    /// `epsilon(rho:delta:)` rounds it, stays within `epsilon`: a ρ-zCDP mechanism is then
    /// (epsilon, delta)-DP without rounding to its favour.
    public static func rho(epsilon: Double, delta: Double) -> Double {
        precondition(epsilon > 0 && delta > 0 && delta < 1)
        var low = 0.0
        var high = max(1.0, epsilon)
        while Self.epsilon(rho: high, delta: delta) < epsilon { high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if Self.epsilon(rho: mid, delta: delta) <= epsilon { low = mid } else { high = mid }
            if high - low <= 1e-16 * high { break }
        }
        return low
    }
}

/// A running total of zCDP costs.
///
/// Privacy: composition of ρ_i-zCDP mechanisms is (Σρ_i)-zCDP (Proofs/zcdp-conversion.md).
public struct ZCDPAccountant: Sendable {
    public static let proofDocument = "Proofs/zcdp-conversion.md"

    public private(set) var rho: Double = 0

    public init() {}

    public mutating func compose(rho: Double) throws {
        try AccountingError.require(rho.isFinite && rho >= 0, "rho must be finite and non-negative (got \(rho))")
        self.rho += rho
    }

    /// The (ε, δ) guarantee of everything composed so far.
    public func epsilon(delta: Double) -> Double { ZCDP.epsilon(rho: rho, delta: delta) }
}

/// Minimises a unimodal function on [low, high] by golden-section search to machine precision.
func goldenSectionMinimum(low: Double, high: Double, _ f: (Double) -> Double) -> (argument: Double, value: Double) {
    let ratio = (5.0.squareRoot() - 1) / 2
    var a = low
    var b = high
    var c = b - ratio * (b - a)
    var d = a + ratio * (b - a)
    var fc = f(c)
    var fd = f(d)
    for _ in 0..<200 {
        if fc <= fd {
            b = d
            d = c
            fd = fc
            c = b - ratio * (b - a)
            fc = f(c)
        } else {
            a = c
            c = d
            fc = fd
            d = a + ratio * (b - a)
            fd = f(d)
        }
        if b - a < 1e-15 * max(1, abs(a)) { break }
    }
    return fc <= fd ? (c, fc) : (d, fd)
}
