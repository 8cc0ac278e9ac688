import DPData
import DPRandomness

/// Linkability as Anonymeter defines it: an attacker holds two databases that each know one
/// group of a target's columns; a target is linked when its k nearest synthetic rows on the first
/// group and on the second share a row. Holdout targets give the control; k random synthetic rows
/// per side give the baseline.
///
/// The search keeps the first of rows tied at one distance, and on coded columns a target has
/// many: so the synthetic rows are searched in a random order drawn for each run, one order for
/// both groups (for k = 1 a target is then linked with probability |A ∩ B| / |A ∪ B| over its
/// tied rows A and B, as by an attacker who breaks ties the same way on both sides). In the
/// table's own order, copies a generator wrote first would be linked by their position, and
/// copies it wrote last would not.
public struct LinkabilityAttack: Sendable {
    public var attacks: Int
    public var neighbours: Int

    public init(attacks: Int = 500, neighbours: Int = 1) {
        self.attacks = attacks
        self.neighbours = neighbours
    }

    public func run(
        train: EncodedDataset, holdout: EncodedDataset, synthetic: EncodedDataset,
        firstGroup: [Int], secondGroup: [Int], source: RandomSource
    ) -> RiskEstimate {
        let count = min(attacks, train.rowCount, holdout.rowCount)
        let k = min(neighbours, synthetic.rowCount)
        let shuffled = synthetic.rows(source.sampleIndices(synthetic.rowCount, of: synthetic.rowCount))
        let first = NearestNeighbours(
            reference: shuffled, distance: MixedTypeDistance(schema: synthetic.columns, compare: firstGroup))
        let second = NearestNeighbours(
            reference: shuffled, distance: MixedTypeDistance(schema: synthetic.columns, compare: secondGroup))
        func linked(_ targets: EncodedDataset) -> Int {
            let a = first.nearest(targets, k: k)
            let b = second.nearest(targets, k: k)
            return zip(a, b).filter { !Set($0.map(\.index)).isDisjoint(with: $1.map(\.index)) }.count
        }
        let baseline = (0..<count).filter { _ in
            let a = Set(source.sampleIndices(k, of: synthetic.rowCount))
            return !a.isDisjoint(with: source.sampleIndices(k, of: synthetic.rowCount))
        }.count
        return RiskEstimate(
            attacks: count, attackSuccesses: linked(train.rows(source.sampleIndices(count, of: train.rowCount))),
            controlSuccesses: Double(linked(holdout.rows(source.sampleIndices(count, of: holdout.rowCount)))),
            baselineSuccesses: baseline)
    }
}
