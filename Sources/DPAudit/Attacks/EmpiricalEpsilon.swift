import Foundation

/// A lower bound on the epsilon of the process that produced an attack's outcomes
/// (Jagielski, Ullman, Oprea 2020): with Clopper-Pearson bounds on the attack's true- and
/// false-positive rates, any (epsilon, delta)-DP process must satisfy
/// TPR <= e^epsilon FPR + delta and 1 - FPR <= e^epsilon (1 - TPR) + delta.
///
/// Audit figure: computed on real data. It lies below the true epsilon with probability at least
/// `level` when the attack's trials are independent; here every target shares one synthetic
/// table and one train/holdout split, so read it as an indicative bound, not a certificate.
public struct EmpiricalEpsilon: Sendable, Codable, Equatable {
    public let epsilon: Double
    public let delta: Double
    public let level: Double
    /// The threshold's rates on the evaluation half.
    public let truePositiveRate: Double
    public let falsePositiveRate: Double

    /// The bound from counts at one threshold.
    public static func bound(
        truePositives: Int, positives: Int, falsePositives: Int, negatives: Int,
        delta: Double, level: Double = 0.95
    ) -> Double {
        // Each bound is one end of a two-sided interval at `level`, wrong with probability at most
        // (1 - level) / 2; by a union bound over the two, both hold with probability >= level.
        let pairLevel = level
        let tprLower = BinomialConfidence.clopperPearsonLower(
            successes: truePositives, trials: positives, level: pairLevel)
        let fprUpper = BinomialConfidence.clopperPearsonUpper(
            successes: falsePositives, trials: negatives, level: pairLevel)
        var best = 0.0
        if fprUpper > 0, tprLower - delta > 0 { best = max(best, log((tprLower - delta) / fprUpper)) }
        if 1 - tprLower > 0, 1 - fprUpper - delta > 0 { best = max(best, log((1 - fprUpper - delta) / (1 - tprLower))) }
        return best
    }

    /// The bound for an attack that scores members higher: the threshold is chosen on one half of
    /// the scores and the bound computed on the other half, so the choice does not inflate it.
    public static func estimate(
        memberScores: [Double], nonMemberScores: [Double], delta: Double,
        level: Double = 0.95
    ) -> EmpiricalEpsilon {
        let memberSplit = memberScores.count / 2
        let nonMemberSplit = nonMemberScores.count / 2
        let selectMembers = Array(memberScores[..<memberSplit])
        let selectOthers = Array(nonMemberScores[..<nonMemberSplit])
        let testMembers = Array(memberScores[memberSplit...])
        let testOthers = Array(nonMemberScores[nonMemberSplit...])
        let candidates = Array(Set(selectMembers + selectOthers)).sorted()
        let sortedMembers = selectMembers.sorted()
        let sortedOthers = selectOthers.sorted()
        var threshold = Double.infinity
        var bestOnSelection = -1.0
        // One sweep up the sorted scores, counting those below each candidate.
        var membersBelow = 0
        var othersBelow = 0
        for candidate in candidates {
            while membersBelow < sortedMembers.count && sortedMembers[membersBelow] < candidate { membersBelow += 1 }
            while othersBelow < sortedOthers.count && sortedOthers[othersBelow] < candidate { othersBelow += 1 }
            let tp = sortedMembers.count - membersBelow
            let fp = sortedOthers.count - othersBelow
            let value = bound(
                truePositives: tp, positives: max(1, selectMembers.count), falsePositives: fp,
                negatives: max(1, selectOthers.count), delta: delta, level: level)
            if value > bestOnSelection {
                bestOnSelection = value
                threshold = candidate
            }
        }
        let tp = testMembers.filter { $0 >= threshold }.count
        let fp = testOthers.filter { $0 >= threshold }.count
        let epsilon = bound(
            truePositives: tp, positives: max(1, testMembers.count), falsePositives: fp,
            negatives: max(1, testOthers.count), delta: delta, level: level)
        return EmpiricalEpsilon(
            epsilon: epsilon, delta: delta, level: level,
            truePositiveRate: Double(tp) / Double(max(1, testMembers.count)),
            falsePositiveRate: Double(fp) / Double(max(1, testOthers.count)))
    }
}
