import DPData
import DPRandomness

/// Attribute inference as Anonymeter defines it: an attacker who knows a target's
/// quasi-identifiers finds the nearest synthetic rows on them and guesses their secret. Every row
/// at the nearest distance counts, and the guess is their most common secret (a tie among secrets
/// broken at random): Anonymeter takes the one nearest row its search meets first, which on coded
/// columns makes the outcome depend on the synthetic table's row order. The same attack on holdout
/// targets (control) separates what the generator leaked about its training rows from what the
/// population reveals anyway; a random synthetic secret is the naive baseline. A guess succeeds
/// when its code equals the target's (for a binned numeric secret: the same bin).
public struct AttributeInferenceAttack: Sendable {
    public var attacks: Int

    public init(attacks: Int = 500) { self.attacks = attacks }

    public func run(
        train: EncodedDataset, holdout: EncodedDataset, synthetic: EncodedDataset,
        secret: Int, quasiIdentifiers: [Int], source: RandomSource
    ) -> RiskEstimate {
        let count = min(attacks, train.rowCount, holdout.rowCount)
        let search = NearestNeighbours(
            reference: synthetic,
            distance: MixedTypeDistance(schema: synthetic.columns, compare: quasiIdentifiers))
        let secrets = synthetic.codes[secret]
        func successes(_ targets: EncodedDataset) -> Int {
            let votes = search.foldWithin(
                targets, radii: search.kthDistances(targets, k: 1), initial: [UInt16: Int]()
            ) { votes, row in votes[secrets[row], default: 0] += 1 }
            return (0..<targets.rowCount).filter { row in
                let most = votes[row].values.max() ?? 0
                let favourites = votes[row].filter { $0.value == most }.keys.sorted()
                let guess = favourites[Int(source.uniform(below: UInt64(favourites.count)))]
                return guess == targets.codes[secret][row]
            }.count
        }
        let trainTargets = train.rows(source.sampleIndices(count, of: train.rowCount))
        let controlTargets = holdout.rows(source.sampleIndices(count, of: holdout.rowCount))
        let baseline = (0..<count).filter { row in
            synthetic.codes[secret][Int(source.uniform(below: UInt64(synthetic.rowCount)))]
                == trainTargets.codes[secret][row]
        }.count
        return RiskEstimate(
            attacks: count, attackSuccesses: successes(trainTargets),
            controlSuccesses: Double(successes(controlTargets)), baselineSuccesses: baseline)
    }
}
