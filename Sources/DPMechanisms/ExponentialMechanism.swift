import DPAccounting
import DPRandomness

/// The exponential mechanism: picks candidate i with probability ∝ exp(ε·score_i / (2Δ))
/// (or exp(ε·score_i / Δ) for monotonic scores), sampled exactly.
///
/// Sampling is exact and float-safe: every score is converted to the rational it is, a candidate
/// is proposed uniformly and accepted with probability exactly exp(-(max - score)/scale) by the
/// rational Bernoulli(exp(-γ)) sampler; the best candidate is always accepted, so a selection
/// takes at most n proposals on average.
/// Privacy: ε-DP, and (ε²/8)-zCDP by bounded range (McSherry and Talwar 2007; Cesar and Rogers
/// 2021, Lemma 3.2) (Proofs/exponential-mechanism.md).
public struct ExponentialMechanism: Sendable {
    public static let proofDocument = "Proofs/exponential-mechanism.md"

    public let epsilon: Double
    public let sensitivity: Double
    public let monotonic: Bool
    let inverseScale: ExactRational

    public init(epsilon: Double, sensitivity: Double, monotonic: Bool = false) throws {
        let exactEpsilon = try ExactRational.positiveParameter(epsilon, "epsilon")
        let exactSensitivity = try ExactRational.positiveParameter(sensitivity, "sensitivity")
        self.epsilon = epsilon
        self.sensitivity = sensitivity
        self.monotonic = monotonic
        inverseScale = exactEpsilon / (exactSensitivity * ExactRational(monotonic ? 1 : 2))
    }

    public var privacyCost: PrivacyCost { .pure(epsilon: epsilon) }

    /// The bounded-range zCDP cost ε²/8, rounded up.
    public var zCDPCost: PrivacyCost { .zCDP(rho: (epsilon * epsilon / 8).nextUp) }

    /// The index of the selected candidate.
    /// Throws unless `scores` can be selected from: at least one, each finite. Checked before the
    /// charge, so a selection that cannot be made costs no budget.
    func check(scores: [Double]) throws {
        guard !scores.isEmpty else { throw MechanismError("the exponential mechanism needs at least one candidate") }
        if let bad = scores.first(where: { !$0.isFinite }) {
            throw MechanismError("every score must be finite (got \(bad))")
        }
    }

    package func draw(scores: [Double], source: RandomSource) throws -> Int {
        try check(scores: scores)
        var exact = [ExactRational]()
        exact.reserveCapacity(scores.count)
        for score in scores {
            guard let value = ExactRational(exactly: score) else {
                throw MechanismError("every score must be finite (got \(score))")
            }
            exact.append(value)
        }
        let best = exact.max()!
        let count = UInt64(exact.count)
        while true {
            let candidate = Int(source.uniform(below: count))
            if BernoulliSampler.sampleExp((best - exact[candidate]) * inverseScale, source: source) {
                return candidate
            }
        }
    }
}
