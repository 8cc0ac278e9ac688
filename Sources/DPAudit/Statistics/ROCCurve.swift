/// The receiver operating characteristic of a score that should be higher for positives
/// (members, say) than for negatives.
public struct ROCCurve: Sendable, Codable, Equatable {
    /// Points (false-positive rate, true-positive rate) from (0, 0) to (1, 1), one per distinct threshold.
    public let points: [Point]
    /// The area under the curve: the probability that a random positive outscores a random negative (ties count half).
    public let auc: Double

    public struct Point: Sendable, Codable, Equatable {
        public let falsePositiveRate: Double
        public let truePositiveRate: Double
    }

    public init(positives: [Double], negatives: [Double]) {
        precondition(!positives.isEmpty && !negatives.isEmpty, "an ROC curve needs both classes")
        let scored = (positives.map { ($0, true) } + negatives.map { ($0, false) }).sorted { $0.0 > $1.0 }
        var points = [Point(falsePositiveRate: 0, truePositiveRate: 0)]
        var truePositives = 0
        var falsePositives = 0
        var area = 0.0
        var index = 0
        let p = Double(positives.count)
        let n = Double(negatives.count)
        while index < scored.count {
            let threshold = scored[index].0
            var newPositives = 0
            var newNegatives = 0
            while index < scored.count && scored[index].0 == threshold {
                if scored[index].1 { newPositives += 1 } else { newNegatives += 1 }
                index += 1
            }
            area += Double(newNegatives) * (Double(truePositives) + Double(newPositives) / 2)
            truePositives += newPositives
            falsePositives += newNegatives
            points.append(
                Point(falsePositiveRate: Double(falsePositives) / n, truePositiveRate: Double(truePositives) / p))
        }
        self.points = points
        auc = area / (p * n)
    }

    /// The true-positive rate at false-positive rate `rate`, on the curve's segments: between two
    /// thresholds an attacker who flags the rows at the lower one with a fixed probability gets
    /// every point of the segment. Without it, a block of rows tied at one score (every row with a
    /// verbatim copy, say, at distance 0) would count for nothing at rates below the block's own.
    public func truePositiveRate(atFalsePositiveRate rate: Double) -> Double {
        guard rate >= 0 else { return 0 }
        guard let above = points.firstIndex(where: { $0.falsePositiveRate > rate + 1e-12 }), above > 0 else {
            return points.last?.truePositiveRate ?? 0
        }
        let (low, high) = (points[above - 1], points[above])
        let share = (rate - low.falsePositiveRate) / (high.falsePositiveRate - low.falsePositiveRate)
        return low.truePositiveRate + max(0, share) * (high.truePositiveRate - low.truePositiveRate)
    }

    /// At most `count` points of the curve, evenly spread, for plotting.
    public func thinned(to count: Int) -> [Point] {
        guard points.count > count, count >= 2 else { return points }
        let step = Double(points.count - 1) / Double(count - 1)
        return (0..<count).map { points[Int((Double($0) * step).rounded())] }
    }
}
