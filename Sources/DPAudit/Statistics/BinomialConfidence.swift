import DPNumerics
import Foundation

/// Confidence intervals for a binomial proportion.
public enum BinomialConfidence {
    /// The two-sided standard normal quantile for `level` (e.g. 1.96 for 0.95).
    public static func normalQuantile(level: Double) -> Double {
        NormalDistribution.quantile(0.5 + level / 2)
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
}
