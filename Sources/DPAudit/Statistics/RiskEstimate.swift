/// An attack's success against the training data, measured beside the same attack against a
/// control set the generator never saw and a naive baseline, as Anonymeter defines risk:
/// risk = (attack rate - control rate) / (1 - control rate).
///
/// Audit figure: computed on real data, not differentially private.
public struct RiskEstimate: Sendable, Codable, Equatable {
    public let attacks: Int
    public let attackSuccesses: Int
    public let controlSuccesses: Double
    public let baselineSuccesses: Int
    /// Wilson-score estimates of the three success rates.
    public let attackRate: Double
    public let controlRate: Double
    public let baselineRate: Double
    /// The risk, clipped to [0, 1], and its interval (one standard error at the confidence level, propagated).
    public let risk: Double
    public let riskLower: Double
    public let riskUpper: Double
    public let level: Double

    public init(
        attacks: Int, attackSuccesses: Int, controlSuccesses: Double, baselineSuccesses: Int, level: Double = 0.95
    ) {
        precondition(attacks > 0, "an attack needs at least one target")
        self.attacks = attacks
        self.attackSuccesses = attackSuccesses
        self.controlSuccesses = controlSuccesses
        self.baselineSuccesses = baselineSuccesses
        self.level = level
        let attack = BinomialConfidence.wilson(successes: Double(attackSuccesses), trials: attacks, level: level)
        let control = BinomialConfidence.wilson(successes: controlSuccesses, trials: attacks, level: level)
        let (a, errorA, c, errorC) = (attack.estimate, attack.halfWidth, control.estimate, control.halfWidth)
        attackRate = a
        controlRate = c
        baselineRate =
            BinomialConfidence.wilson(successes: Double(baselineSuccesses), trials: attacks, level: level).estimate
        let raw = c < 1 ? (a - c) / (1 - c) : 0
        let error =
            c < 1
            ? ((errorA / (1 - c)) * (errorA / (1 - c)) + (errorC * (a - 1) / ((1 - c) * (1 - c)))
                * (errorC * (a - 1) / ((1 - c) * (1 - c))))
                .squareRoot() : 0
        risk = min(1, max(0, raw))
        riskLower = min(1, max(0, raw - error))
        riskUpper = min(1, max(0, raw + error))
    }
}
