import Foundation

/// The statistical test of a privacy curve used by every mechanism test (in the spirit of
/// StatDP): a mechanism's outputs on two neighbouring inputs, and for every threshold event
/// E = {y <= t} or {y >= t} the empirical P[M(x) in E] must stay within e^epsilon P[M(x') in E]
/// + delta, in both directions, up to a Hoeffding margin.
///
/// False-alarm rate: the margin makes each of the 2K estimates (K events, two inputs) stray by
/// more than it with probability at most alpha / (2K), so a mechanism that keeps its curve is
/// flagged with probability at most alpha (Bonferroni over all events and both directions).
public enum PrivacyCurveCheck {
    /// The largest violation found, less the margin: > 0 means the curve is broken.
    public static func worstViolation(
        _ first: [Double], _ second: [Double], thresholds: [Double], epsilon: Double, delta: Double,
        alpha: Double
    ) -> Double {
        let events = thresholds.flatMap { t -> [(Double) -> Bool] in [{ $0 <= t }, { $0 >= t }] }
        let samples = Double(min(first.count, second.count))
        let margin = (log(4 * Double(events.count) / alpha) / (2 * samples)).squareRoot()
        var worst = -Double.infinity
        for event in events {
            let p = Double(first.filter(event).count) / Double(first.count)
            let q = Double(second.filter(event).count) / Double(second.count)
            let gap = max(p - exp(epsilon) * q, q - exp(epsilon) * p) - delta
            worst = max(worst, gap - margin * (1 + exp(epsilon)))
        }
        return worst
    }
}
