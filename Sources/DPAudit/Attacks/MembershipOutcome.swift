import DPRandomness

/// What a membership-inference attack achieved: its ROC, the true-positive rate at low
/// false-positive rates, a bootstrap interval for the AUC and an empirical epsilon lower bound.
///
/// Audit figure: computed on real data, not differentially private.
public struct MembershipOutcome: Sendable, Codable, Equatable {
    public let attack: String
    public let members: Int
    public let nonMembers: Int
    public let auc: Double
    public let aucLower: Double
    public let aucUpper: Double
    public let truePositiveRateAtOnePercent: Double
    public let truePositiveRateAtTenthPercent: Double
    public let empiricalEpsilon: EmpiricalEpsilon
    /// At most 101 points of the ROC curve, for the report's chart.
    public let roc: [ROCCurve.Point]

    /// Scores are higher for rows the attack believes were in the training data.
    public init(
        attack: String, memberScores: [Double], nonMemberScores: [Double], delta: Double,
        bootstrap: Int = 200, level: Double = 0.95, source: RandomSource
    ) {
        let curve = ROCCurve(positives: memberScores, negatives: nonMemberScores)
        self.attack = attack
        members = memberScores.count
        nonMembers = nonMemberScores.count
        auc = curve.auc
        truePositiveRateAtOnePercent = curve.truePositiveRate(atFalsePositiveRate: 0.01)
        truePositiveRateAtTenthPercent = curve.truePositiveRate(atFalsePositiveRate: 0.001)
        roc = curve.thinned(to: 101)
        var replicates: [Double] = []
        for _ in 0..<bootstrap {
            let m = (0..<memberScores.count).map { _ in
                memberScores[Int(source.uniform(below: UInt64(memberScores.count)))]
            }
            let n = (0..<nonMemberScores.count).map { _ in
                nonMemberScores[Int(source.uniform(below: UInt64(nonMemberScores.count)))]
            }
            replicates.append(ROCCurve(positives: m, negatives: n).auc)
        }
        replicates.sort()
        let tail = (1 - level) / 2
        aucLower = replicates.isEmpty ? auc : replicates[Int(Double(replicates.count - 1) * tail)]
        aucUpper = replicates.isEmpty ? auc : replicates[Int((Double(replicates.count - 1) * (1 - tail)).rounded())]
        let order = source.sampleIndices(memberScores.count, of: memberScores.count)
        let otherOrder = source.sampleIndices(nonMemberScores.count, of: nonMemberScores.count)
        empiricalEpsilon = EmpiricalEpsilon.estimate(
            memberScores: order.map { memberScores[$0] },
            nonMemberScores: otherOrder.map { nonMemberScores[$0] },
            delta: delta, level: level)
    }
}
