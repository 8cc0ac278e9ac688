import DPData
import DPRandomness

/// Model inversion in Fredrikson's style: the attacker trains a classifier on the synthetic rows
/// to predict the secret from the quasi-identifiers and guesses each target's secret by maximum
/// likelihood. Success on training targets beyond success on holdout targets (control) is what
/// the release leaked about its training rows; the synthetic majority class is the baseline.
public struct ModelInversionAttack: Sendable {
    public var attacks: Int

    public init(attacks: Int = 2000) { self.attacks = attacks }

    public func run(
        train: EncodedDataset, holdout: EncodedDataset, synthetic: EncodedDataset,
        secret: Int, quasiIdentifiers: [Int], source: RandomSource
    ) -> RiskEstimate {
        let count = min(attacks, train.rowCount, holdout.rowCount)
        let model = LogisticRegression.fit(synthetic, target: secret, features: quasiIdentifiers, source: source)
        func successes(_ targets: EncodedDataset) -> Int {
            let probabilities = model.predictProbabilities(targets)
            return (0..<targets.rowCount).filter { row in
                let slice = probabilities[(row * model.classes)..<((row + 1) * model.classes)]
                let guess = slice.indices.max { slice[$0] < slice[$1] }! - row * model.classes
                return guess == Int(targets.codes[secret][row])
            }.count
        }
        let trainTargets = train.rows(source.sampleIndices(count, of: train.rowCount))
        let controlTargets = holdout.rows(source.sampleIndices(count, of: holdout.rowCount))
        var frequency = [Int](repeating: 0, count: synthetic.domain[secret])
        for code in synthetic.codes[secret] { frequency[Int(code)] += 1 }
        let majority = UInt16(frequency.indices.max { frequency[$0] < frequency[$1] } ?? 0)
        let baseline = trainTargets.codes[secret].filter { $0 == majority }.count
        return RiskEstimate(
            attacks: count, attackSuccesses: successes(trainTargets),
            controlSuccesses: Double(successes(controlTargets)), baselineSuccesses: baseline)
    }
}
