import DPData
import DPRandomness

/// Membership inference by distance to the closest synthetic record (DCR): a training row that
/// the generator copied or memorised sits closer to the synthetic table than a fresh row from
/// the same population (the holdout) does. Score = minus the distance to the nearest synthetic row.
public struct DistanceMembershipAttack: Sendable {
    public var maxTargets: Int

    public init(maxTargets: Int = 5000) { self.maxTargets = maxTargets }

    public func run(
        train: EncodedDataset, holdout: EncodedDataset, synthetic: EncodedDataset,
        delta: Double, source: RandomSource
    ) -> MembershipOutcome {
        let count = min(maxTargets, train.rowCount, holdout.rowCount)
        let members = train.rows(source.sampleIndices(count, of: train.rowCount))
        let others = holdout.rows(source.sampleIndices(count, of: holdout.rowCount))
        let search = NearestNeighbours(reference: synthetic, distance: MixedTypeDistance(dataset: synthetic))
        let memberScores = search.nearest(members, k: 1).map { -Double($0[0].distance) }
        let otherScores = search.nearest(others, k: 1).map { -Double($0[0].distance) }
        return MembershipOutcome(
            attack: "distance to closest record", memberScores: memberScores,
            nonMemberScores: otherScores, delta: delta, source: source)
    }
}
