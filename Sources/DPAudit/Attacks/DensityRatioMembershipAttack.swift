import DPData
import DPRandomness
import Foundation

/// Membership inference by density ratio in the DOMIAS style (van Breugel et al. 2023): a
/// generator that overfits puts more synthetic mass near its training rows than the population
/// has there. Score = log of (synthetic density / reference density) at the row, both densities
/// estimated with the kernel (1 - d / bandwidth)^2 on the mixed-type distance d, smoothed by
/// half a row.
/// Half of the holdout serves as the population reference, the other half as non-members.
public struct DensityRatioMembershipAttack: Sendable {
    public var bandwidth: Float
    public var maxTargets: Int

    public init(bandwidth: Float = 2, maxTargets: Int = 3000) {
        self.bandwidth = bandwidth
        self.maxTargets = maxTargets
    }

    public func run(
        train: EncodedDataset, holdout: EncodedDataset, synthetic: EncodedDataset,
        delta: Double, source: RandomSource
    ) -> MembershipOutcome {
        let shuffled = source.sampleIndices(holdout.rowCount, of: holdout.rowCount)
        let half = holdout.rowCount / 2
        let reference = holdout.rows(Array(shuffled[..<half]))
        let count = min(maxTargets, holdout.rowCount - half, train.rowCount)
        let others = holdout.rows(Array(shuffled[half..<(half + count)]))
        let members = train.rows(source.sampleIndices(count, of: train.rowCount))
        let distance = MixedTypeDistance(dataset: synthetic)
        let syntheticDensity = NearestNeighbours(reference: synthetic, distance: distance)
        let referenceDensity = NearestNeighbours(reference: reference, distance: distance)
        func scores(_ rows: EncodedDataset) -> [Double] {
            let near = syntheticDensity.kernelSums(bandwidth: bandwidth, of: rows)
            let far = referenceDensity.kernelSums(bandwidth: bandwidth, of: rows)
            return zip(near, far).map { s, r in
                log((s + 0.5) / Double(synthetic.rowCount)) - log((r + 0.5) / Double(reference.rowCount))
            }
        }
        return MembershipOutcome(
            attack: "density ratio (DOMIAS-style)", memberScores: scores(members),
            nonMemberScores: scores(others), delta: delta, source: source)
    }
}
