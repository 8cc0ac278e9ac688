import DPAccounting
import DPMechanisms
import DPRandomness
import Foundation

/// A numeric column's bounds learned under ε-DP: a noisy histogram over public magnitude bins
/// finds where the values lie, and DP 1% and 99% quantiles refine the bounds inside that range
/// when the noisy row count says the quantiles can be told apart from a random candidate.
///
/// Privacy: ε/2 for the histogram and ε/4 for each quantile, ε in all by basic composition
/// (Proofs/dp-schema-inference.md).
enum PrivateBounds {
    /// The public bin edges: 0, ±{1, 2, 5}·10^k for k from -3 to 9, and the candidate grid's
    /// extremes ±9.9·10^9; a value beyond the extremes counts in the outermost bin.
    static let edges: [Double] = {
        var positive: [Double] = []
        for exponent in -3...9 {
            for mantissa in [1.0, 2, 5] { positive.append(mantissa * pow(10, Double(exponent))) }
        }
        positive.append(QuantileGrid.candidates.last!)
        return positive.reversed().map { -$0 } + [0] + positive
    }()

    /// The chance, at most, that some bin holding no value clears the histogram's threshold.
    static let emptyBinFalseAlarm = 0.01

    /// The chance, at most, that a quantile lands further from its target rank than the
    /// refinement rule allows.
    static let quantileMiss = 0.05

    /// The mechanisms a column's share `epsilon` pays for, built before any charge so that an
    /// epsilon too small for them is refused without cost.
    static func checkMechanisms(epsilon: Double) throws {
        _ = try IntegerLaplaceMechanism(sensitivity: 1, epsilon: epsilon / 2)
        _ = try ExponentialMechanism(epsilon: epsilon / 4, sensitivity: 1)
    }

    /// The bin of `value`: `i` for edges[i] <= value < edges[i + 1]; values beyond the edges
    /// count in the outermost bins.
    static func bin(of value: Double) -> Int {
        min(max(edges.countAtOrBelow(value) - 1, 0), edges.count - 2)
    }

    /// The bounds of a column's finite `numbers`, ε-DP in `epsilon`, and whether some bin's noisy
    /// count cleared the threshold (`located`): when none did, the column holds too few numbers
    /// for the histogram to find them, and the bounds are noise.
    static func learn(
        _ numbers: NumberHistogram, epsilon: Double, paidBy receipt: ChargeReceipt, source: RandomSource
    ) throws -> (lower: Double, upper: Double, located: Bool) {
        // Each row adds 1 to one bin's count: L1 sensitivity 1 under add/remove-one-row.
        let histogram = try IntegerLaplaceMechanism(sensitivity: 1, epsilon: epsilon / 2)
        let counts = numbers.binCounts
        let noisy = histogram.release(counts, paidBy: receipt, source: source)
        // Everything below is post-processing of the noisy counts and the quantiles' draws.
        let scale = 2 / epsilon
        let threshold = scale * log(Double(counts.count) / emptyBinFalseAlarm)
        let cleared = noisy.indices.filter { Double(noisy[$0]) > threshold }
        let (first, last) =
            cleared.isEmpty
            ? (noisy.indices.max { noisy[$0] < noisy[$1] }!, noisy.indices.max { noisy[$0] < noisy[$1] }!)
            : (cleared.first!, cleared.last!)
        var lower = edges[first]
        var upper = edges[last + 1]
        let candidates = QuantileGrid.candidates.filter { $0 >= lower && $0 <= upper }
        let rows = Double(cleared.map { noisy[$0] }.reduce(0, +))
        let quantileEpsilon = epsilon / 4
        let rankError = 2 / quantileEpsilon * log(Double(candidates.count) / quantileMiss)
        // The quantiles are drawn whatever the rule says, so what is drawn does not depend on the data.
        let refinedLower = try SchemaInference.dpQuantile(
            numbers, quantile: 0.01, candidates: candidates, epsilon: quantileEpsilon, paidBy: receipt, source: source)
        let refinedUpper = try SchemaInference.dpQuantile(
            numbers, quantile: 0.99, candidates: candidates, epsilon: quantileEpsilon, paidBy: receipt, source: source)
        if rankError <= 0.01 * rows && refinedLower < refinedUpper {
            (lower, upper) = (refinedLower, refinedUpper)
        }
        return (lower, upper, !cleared.isEmpty)
    }
}
