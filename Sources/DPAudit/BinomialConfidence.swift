import Foundation

/// Confidence intervals for a binomial proportion.
public enum BinomialConfidence {
    /// The two-sided standard normal quantile for `level` (e.g. 1.96 for 0.95).
    public static func normalQuantile(level: Double) -> Double {
        inverseStandardNormal(0.5 + level / 2)
    }

    /// The Wilson score interval, its centre and half-width, as Anonymeter reports success rates.
    /// `successes` may be fractional (a size-corrected count); it is clamped to 0...trials.
    public static func wilson(successes: Double, trials: Int, level: Double = 0.95)
        -> (estimate: Double, halfWidth: Double, lower: Double, upper: Double)
    {
        precondition(trials > 0, "a rate needs at least one trial")
        let z = normalQuantile(level: level)
        let n = Double(trials)
        let s = min(max(successes, 0), n)
        let centre = (s + z * z / 2) / (n + z * z)
        let half = z / (n + z * z) * (s * (n - s) / n + z * z / 4).squareRoot()
        return (centre, half, max(0, centre - half), min(1, centre + half))
    }

    /// The exact (Clopper-Pearson) interval: it covers the true rate with probability at least `level`.
    public static func clopperPearson(successes: Int, trials: Int, level: Double = 0.95) -> (
        lower: Double, upper: Double
    ) {
        (
            clopperPearsonLower(successes: successes, trials: trials, level: level),
            clopperPearsonUpper(successes: successes, trials: trials, level: level)
        )
    }

    /// The lower end of the two-sided Clopper-Pearson interval at `level`.
    public static func clopperPearsonLower(successes: Int, trials: Int, level: Double = 0.95) -> Double {
        precondition(trials > 0 && successes >= 0 && successes <= trials, "need 0 <= successes <= trials, trials > 0")
        return successes == 0
            ? 0 : IncompleteBeta.quantile((1 - level) / 2, a: Double(successes), b: Double(trials - successes + 1))
    }

    /// The upper end of the two-sided Clopper-Pearson interval at `level`.
    public static func clopperPearsonUpper(successes: Int, trials: Int, level: Double = 0.95) -> Double {
        precondition(trials > 0 && successes >= 0 && successes <= trials, "need 0 <= successes <= trials, trials > 0")
        return successes == trials
            ? 1 : IncompleteBeta.quantile(1 - (1 - level) / 2, a: Double(successes + 1), b: Double(trials - successes))
    }

    /// Acklam's rational approximation refined by one Halley step (absolute error below 1e-12).
    static func inverseStandardNormal(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "probability in (0, 1)")
        let a = [
            -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00,
        ]
        let b = [
            -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01,
        ]
        let c = [
            -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00,
        ]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x =
                (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x =
                (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x =
                -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }
}
