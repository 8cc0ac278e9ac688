import Foundation

/// zCDP composition and its tight conversion to (ε, δ)-DP.
///
/// Privacy: ρ-zCDP implies (ε, δ)-DP with ε = min over α > 1 of
/// αρ + log(1 - 1/α) - (log δ + log α)/(α - 1) (Canonne, Kamath, Steinke 2020, Proposition 12;
/// Proofs/zcdp-conversion.md). Composition adds ρ (Bun and Steinke 2016, Lemma 2.3).
public enum ZCDP {
    public static let proofDocument = "Proofs/zcdp-conversion.md"

    /// The smallest ε such that ρ-zCDP implies (ε, δ)-DP under the CKS20 bound.
    public static func epsilon(rho: Double, delta: Double) -> Double {
        precondition(rho >= 0 && delta > 0 && delta < 1)
        if rho == 0 { return 0 }
        let logDelta = log(delta)
        func bound(_ alpha: Double) -> Double {
            alpha * rho + log1p(-1 / alpha) - (logDelta + log(alpha)) / (alpha - 1)
        }
        // The bound is quasi-convex in α; golden-section search on log(α - 1).
        let best = goldenSectionMinimum(low: -25, high: 25) { bound(1 + exp($0)) }
        return max(0, best.value)
    }

    /// The δ at which ρ-zCDP gives ε (the inverse of `epsilon(rho:delta:)` in δ).
    public static func delta(rho: Double, epsilon: Double) -> Double {
        precondition(rho >= 0 && epsilon >= 0)
        if rho == 0 { return 0 }
        func logDelta(_ alpha: Double) -> Double {
            (alpha - 1) * (alpha * rho - epsilon + log1p(-1 / alpha)) - log(alpha)
        }
        let best = goldenSectionMinimum(low: -25, high: 25) { logDelta(1 + exp($0)) }
        return min(1, exp(best.value))
    }

    /// The largest ρ whose CKS20 conversion at `delta` stays within `epsilon`.
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
