import DPData
import DPRandomness
import Foundation

/// Membership inference by density ratio in the DOMIAS style (van Breugel et al. 2023): a
/// generator that overfits puts more synthetic mass near its training rows than the population
/// has there. Score = log of (synthetic density / reference density) at the row, both densities
/// estimated with the kernel (1 - d / h)^2 on the mixed-type distance d, smoothed by half a row.
/// Half of the holdout serves as the population reference, the other half as non-members.
///
/// The width h decides what the attack sees: a wide kernel on a distance where one differing
/// category costs 1 sums over many rows, and a verbatim copy's weight of 1 is lost among them; a
/// narrow one sees copies and little else. So each width of `bandwidths` is scored on half of the
/// targets, and the AUC and empirical epsilon are those of the best width on the other half: the
/// choice reads none of the targets it is judged on, so the figures are those of one fixed attack.
public struct DensityRatioMembershipAttack: Sendable {
    public var bandwidths: [Float]
    public var maxTargets: Int

    public init(bandwidths: [Float] = [0.25, 0.5, 1, 2], maxTargets: Int = 3000) {
        precondition(!bandwidths.isEmpty && bandwidths.allSatisfy { $0 > 0 }, "bandwidths are positive")
        self.bandwidths = bandwidths
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
        /// scores[width][row]
        func scores(_ rows: EncodedDataset) -> [[Double]] {
            let near = syntheticDensity.kernelSums(bandwidths: bandwidths, of: rows)
            let far = referenceDensity.kernelSums(bandwidths: bandwidths, of: rows)
            return bandwidths.indices.map { width in
                zip(near, far).map { s, r in
                    log((s[width] + 0.5) / Double(synthetic.rowCount))
                        - log((r[width] + 0.5) / Double(reference.rowCount))
                }
            }
        }
        let (memberScores, otherScores) = (scores(members), scores(others))
        // Targets come in random order, so the first halves are a random half of each.
        let chosen =
            count < 2
            ? 0
            : Self.bestWidth(
                members: memberScores.map { Array($0[..<(count / 2)]) },
                others: otherScores.map { Array($0[..<(count / 2)]) })
        let judged = count < 2 ? 0 : count / 2
        return MembershipOutcome(
            attack: "density ratio (DOMIAS-style, kernel width \(bandwidths[chosen]) chosen on other targets)",
            memberScores: Array(memberScores[chosen][judged...]),
            nonMemberScores: Array(otherScores[chosen][judged...]),
            delta: delta, source: source)
    }

    /// The width whose scores tell members from others best (highest AUC; the first on a tie).
    static func bestWidth(members: [[Double]], others: [[Double]]) -> Int {
        let areas = zip(members, others).map { ROCCurve(positives: $0, negatives: $1).auc }
        return areas.indices.max { (areas[$0], -$0) < (areas[$1], -$1) }!
    }
}
