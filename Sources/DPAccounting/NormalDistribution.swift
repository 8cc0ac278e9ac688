import Foundation

/// Standard normal CDF helpers, accurate in the tails, for the accountants.
enum NormalDistribution {
    /// Φ(x).
    static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// log Φ(x), finite for every finite x.
    static func logCDF(_ x: Double) -> Double {
        if x > -30 { return log(cdf(x)) }
        // Asymptotic series: Φ(x) = φ(x)/|x| · (1 - 1/x² + 3/x⁴ - 15/x⁶ ...), x → -∞.
        let x2 = x * x
        let series = 1 - 1 / x2 + 3 / (x2 * x2) - 15 / (x2 * x2 * x2)
        return -x2 / 2 - log(-x) - 0.5 * log(2 * Double.pi) + log(series)
    }

    /// Φ⁻¹(p) for p in (0, 1), by bisection on `cdf` (used only at set-up).
    static func quantile(_ p: Double) -> Double {
        var low = -40.0
        var high = 40.0
        for _ in 0..<120 {
            let mid = (low + high) / 2
            if cdf(mid) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }
}

/// log(exp(a) + exp(b)) without overflow.
@inline(__always)
func logAddExp(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
}
