import Foundation

/// The regularized incomplete beta function I_x(a, b) and its inverse in x.
enum IncompleteBeta {
    /// I_x(a, b) by Lentz's continued fraction, using the symmetry I_x(a,b) = 1 - I_{1-x}(b,a)
    /// where the fraction converges slowly.
    static func regularized(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x > (a + 1) / (a + b + 2) { return 1 - regularized(1 - x, a: b, b: a) }
        return exp(logFront) * continuedFraction(x, a: a, b: b) / a
    }

    static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...10_000 {
            let m = Double(m)
            for step in 0..<2 {
                let numerator =
                    step == 0
                    ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                    : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                d = 1 + numerator * d
                if abs(d) < tiny { d = tiny }
                c = 1 + numerator / c
                if abs(c) < tiny { c = tiny }
                d = 1 / d
                result *= d * c
                if step == 1 && abs(d * c - 1) < 1e-15 { return result }
            }
        }
        return result
    }

    /// The x with I_x(a, b) = p, by bisection (I is increasing in x); accurate to 1e-14.
    static func quantile(_ p: Double, a: Double, b: Double) -> Double {
        var low = 0.0
        var high = 1.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if regularized(middle, a: a, b: b) < p { low = middle } else { high = middle }
            if high - low < 1e-14 { break }
        }
        return (low + high) / 2
    }
}
