import Foundation

/// Statistical checks shared by the test targets. Each caller states its false-alarm rate.
public enum GoodnessOfFit {
    /// Pearson's chi-square statistic of `counts` (keyed by value) against `probability(x)`,
    /// pooling every value whose expected count is below 5 into one tail cell.
    public static func chiSquare(
        counts: [Int: Int], total: Int, probability: (Int) -> Double, support: ClosedRange<Int>
    )
        -> (statistic: Double, degreesOfFreedom: Int)
    {
        var statistic = 0.0
        var cells = 0
        var pooledExpected = 0.0
        var pooledObserved = 0
        for value in support {
            let expected = probability(value) * Double(total)
            let observed = counts[value, default: 0]
            if expected < 5 {
                pooledExpected += expected
                pooledObserved += observed
                continue
            }
            statistic += pow(Double(observed) - expected, 2) / expected
            cells += 1
        }
        let outside = total - counts.filter { support.contains($0.key) }.values.reduce(0, +)
        pooledObserved += outside
        pooledExpected += Double(total) * (1 - support.reduce(0.0) { $0 + probability($1) })
        if pooledExpected > 0 {
            statistic += pow(Double(pooledObserved) - pooledExpected, 2) / max(pooledExpected, 1e-12)
            cells += 1
        }
        return (statistic, cells - 1)
    }

    /// The chi-square critical value at upper-tail probability `alpha` (Wilson–Hilferty).
    public static func chiSquareCritical(degreesOfFreedom k: Int, alpha: Double) -> Double {
        let z = normalQuantile(1 - alpha)
        let n = Double(k)
        return n * pow(1 - 2 / (9 * n) + z * (2 / (9 * n)).squareRoot(), 3)
    }

    /// The standard normal quantile, by bisection on erfc.
    public static func normalQuantile(_ p: Double) -> Double {
        var low = -40.0
        var high = 40.0
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if 0.5 * erfc(-mid / 2.0.squareRoot()) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// The two-sided z statistic of `successes` in `trials` against probability `p`.
    public static func binomialZ(successes: Int, trials: Int, p: Double) -> Double {
        let mean = Double(trials) * p
        let sd = (Double(trials) * p * (1 - p)).squareRoot()
        return (Double(successes) - mean) / sd
    }

    /// The Kolmogorov–Smirnov distance between the empirical CDF of `sample` and `cdf`.
    public static func kolmogorovSmirnov(_ sample: [Double], cdf: (Double) -> Double) -> Double {
        let sorted = sample.sorted()
        let n = Double(sorted.count)
        var distance = 0.0
        for (index, value) in sorted.enumerated() {
            let f = cdf(value)
            distance = max(distance, abs(f - Double(index) / n), abs(Double(index + 1) / n - f))
        }
        return distance
    }

    /// The KS critical distance for `n` draws at false-alarm rate `alpha` (asymptotic).
    public static func kolmogorovSmirnovCritical(n: Int, alpha: Double) -> Double {
        (-0.5 * log(alpha / 2)).squareRoot() / Double(n).squareRoot()
    }
}
